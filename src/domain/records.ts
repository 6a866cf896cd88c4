import type { ResourceRole, Role } from '../contract/common.js';
import type { EventData, EventType } from '../contract/events.js';
import type { DeliveryStatus } from '../contract/webhooks.js';
import type { JoinLinkState } from '../contract/join-links.js';

/** What the store keeps, in the domain's terms. Dates are ISO-8601 strings in UTC. */
export interface InstanceRecord {
  id: string;
  name: string;
  createdAt: string;
}

export type InstanceRole = 'admin' | 'view';

export interface OrgRecord {
  id: string;
  instanceId: string;
  name: string;
  /** Members plus pending invites may not exceed this; null for no limit. */
  memberLimit: number | null;
  /** Invite lifetime for this org; null for the server default. */
  inviteTtlMs: number | null;
  description: string | null;
  iconColor: string | null;
  /** The language of the org's mail (a tag from LOCALES); null for the server's default. */
  locale: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * The look of an instance's (`ownerId` = instance id) or an org's pages and mail. Null fields
 * fall back: an org's to its instance's, an instance's to Gatehouse's own.
 */
export interface BrandingRecord {
  ownerId: string;
  instanceId: string;
  productName: string | null;
  /** `#rrggbb`. */
  accentColor: string | null;
  continueUrl: string | null;
  /** The instance's only: the origins continue URLs may point at. */
  continueOrigins: string[];
  /** The logo's media type and content hash; null without a logo. The bytes are read apart (getLogo). */
  logoType: string | null;
  logoHash: string | null;
  updatedAt: string;
}

export interface LogoRecord {
  type: string;
  hash: string;
  data: Buffer;
}

export interface UserRecord {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  avatarUrl: string | null;
  twoFactorAuthEnabled: boolean;
  ssoLinked: boolean;
  createdAt: string;
}

export interface TokenRecord {
  id: string;
  instanceId: string;
  userId: string | null;
  /** The one org of the instance the token reaches; null for the whole instance. */
  orgId: string | null;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/**
 * `pending` invites are live (or expired, which is computed from `expiresAt`); every other
 * status is final: accepted, rejected, revoked, or replaced by a newer invite or membership.
 */
export type InviteStatus = 'pending' | 'accepted' | 'rejected' | 'revoked' | 'replaced';

export interface RoleGrant {
  role: Role;
  applicationRoles: ResourceRole[];
  dashboardRoles: ResourceRole[];
}

export interface InviteRecord extends RoleGrant {
  id: string;
  orgId: string;
  email: string;
  disallowTransfer: boolean;
  inviteDate: string;
  ttl: number;
  expiresAt: string;
  status: InviteStatus;
  invitedByTokenId: string | null;
  /** The join link the invitee asked through: the invite is their confirmation, and accepting uses the link once. */
  joinLinkId: string | null;
  /** The language of this invite's mail, when its creator chose one; else the org's. */
  locale: string | null;
}

export interface JoinLinkRecord extends RoleGrant {
  id: string;
  orgId: string;
  /** Kept readable (admins copy the URL again); lookups go by its hash. */
  code: string;
  maxUses: number | null;
  uses: number;
  expiresAt: string | null;
  /** Lower-case; empty: any domain. */
  allowedDomains: string[];
  description: string | null;
  state: JoinLinkState;
  createdAt: string;
  updatedAt: string;
}

export interface MemberRecord extends RoleGrant {
  orgId: string;
  userId: string;
  /** Copied from the user so that member lists sort and filter on one indexed table. */
  email: string;
  disallowTransfer: boolean;
  createdAt: string;
}

/** A membership joined with its user, as member answers need it. */
export interface MemberView extends MemberRecord {
  firstName: string | null;
  lastName: string | null;
  avatarUrl: string | null;
  twoFactorAuthEnabled: boolean;
  ssoLinked: boolean;
}

export type MailStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';

export interface MailRecord {
  id: string;
  inviteId: string | null;
  to: string;
  subject: string;
  /** The bodies carry the invite link, so they are cleared once the mail is delivered. */
  text: string | null;
  html: string | null;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** One change, as the audit trail keeps it: who (token, user, address), what, when. Never a secret. */
export interface AuditRecord {
  id: string;
  instanceId: string;
  orgId: string | null;
  at: string;
  /** The API action that made the change (`instanceOrgInvites.post`, `orgInvites.accept`, …). */
  action: string;
  tokenId: string | null;
  userId: string | null;
  address: string | null;
  /** The invite, member (user) or org the change was made to. */
  targetId: string | null;
  email: string | null;
  details: Record<string, unknown>;
}

/** One change as the event feed and webhooks carry it; `seq` orders an instance's events in commit order. */
export interface EventRecord {
  id: string;
  instanceId: string;
  seq: number;
  orgId: string | null;
  type: EventType;
  at: string;
  data: EventData;
}

export interface WebhookRecord {
  id: string;
  instanceId: string;
  orgId: string | null;
  url: string;
  /** null: every type. */
  events: EventType[] | null;
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  /** Needed in the clear to sign; it leaves the store only to sign and in the answer that issues it. */
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryRecord {
  id: string;
  webhookId: string;
  eventId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
  deliveredAt: string | null;
}

/** One attempt of a delivery: what the endpoint answered, if anything. */
export interface AttemptRecord {
  id: string;
  deliveryId: string;
  webhookId: string;
  eventId: string;
  at: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  excerpt: string;
  nextAttemptAt: string | null;
}

/** A delivery claimed for sending, with what signing and sending it needs. */
export interface DueDelivery {
  delivery: DeliveryRecord;
  webhook: WebhookRecord;
  event: EventRecord;
}
