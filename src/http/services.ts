import type { ApiTokens } from '../domain/api-tokens.js';
import type { AuditTrail } from '../domain/audit.js';
import type { Brandings } from '../domain/branding.js';
import type { EventFeed } from '../domain/events.js';
import type { Webhooks } from '../domain/webhooks.js';
import type { Auth } from '../domain/tokens.js';
import type { Invitations } from '../domain/invitations.js';
import type { JoinLinks } from '../domain/join-links.js';
import type { MailProblems } from '../domain/mail-problems.js';
import type { Members } from '../domain/members.js';
import type { Orgs } from '../domain/orgs.js';
import type { RateLimiter } from '../domain/rate-limits.js';
import type { Store } from '../domain/store.js';
import type { WriteSafetyStore } from './write-safety.js';

/** What the HTTP app is built from: the domain's services, made by the composition root. */
export interface Services {
  store: Pick<Store, 'ping' | 'isUnavailable'> & WriteSafetyStore;
  auth: Auth;
  invitations: Invitations;
  joinLinks: JoinLinks;
  members: Members;
  orgs: Orgs;
  brandings: Brandings;
  apiTokens: ApiTokens;
  audit: AuditTrail;
  events: EventFeed;
  webhooks: Webhooks;
  mail: MailProblems;
  limiter: RateLimiter;
}
