import { OPERATIONS } from '../contract/operations.js';
import { ACTION_SCOPES, type Action, isReadAction, scopeAllows } from '../contract/scopes.js';
import type { TokenInfo } from '../contract/tokens.js';
import { AppError, notFound } from './errors.js';
import { toTokenInfo } from './presenters.js';
import type { OrgRecord, TokenRecord } from './records.js';
import { hashSecret } from './secrets.js';
import type { Store } from './store.js';

/** Whether a token still works at `now` (an ISO instant), and if not, why: the one rule, for checks and for lists. */
export function tokenState(token: TokenRecord, now: string): 'live' | 'revoked' | 'expired' {
  if (token.revokedAt !== null) return 'revoked';
  return token.expiresAt !== null && token.expiresAt <= now ? 'expired' : 'live';
}

/**
 * Bearer token checks. A token is bound to one instance and carries scopes; a token with a
 * user acts with that user's rights as well: it reaches its instance only while the user is
 * a member there, and writes need the user to be an instance admin. A token bound to an org
 * (`token create --org`) reaches that org's routes only: nothing instance-wide, no other org.
 */
export class Auth {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  /** The live token for an `Authorization` header value; 401 for anything else. */
  async authenticate(header: string | undefined): Promise<TokenRecord> {
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new AppError('unauthorized', 'A bearer token is required (Authorization: Bearer <token>)');
    const token = await this.store.getTokenByHash(hashSecret(match[1]));
    const now = this.clock().toISOString();
    if (!token || tokenState(token, now) !== 'live') {
      throw new AppError('unauthorized', 'The bearer token is not valid, has been revoked or has expired');
    }
    return token;
  }

  /** Whether the token may perform `action` on `instanceId` (for answers that depend on it). */
  async may(token: TokenRecord, action: Action, instanceId: string, orgId?: string): Promise<boolean> {
    try {
      await this.authorize(token, action, instanceId, orgId);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'forbidden') return false;
      throw error;
    }
  }

  /** 403 unless the token may perform `action` on `instanceId` (and, for an org's route, `orgId`). */
  async authorize(token: TokenRecord, action: Action, instanceId: string, orgId?: string): Promise<void> {
    // Another instance, or another org for a bound token, gets the same answer as a missing scope: nothing about it leaks.
    if (token.instanceId !== instanceId || !scopeAllows(token.scopes, action)) throw forbidden(action);
    if (token.orgId !== null && (!isOrgAction(action) || orgId !== token.orgId)) throw forbidden(action);
    if (token.userId === null) return;
    const role = await this.store.getInstanceRole(instanceId, token.userId);
    if (!userMay(role, action)) throw forbidden(action);
  }

  /**
   * 403 unless the token may perform an org-side `action` (`/orgs/{orgId}`) on `orgId`, and the
   * org. An org outside the token's instance is the same 404 as an unknown one: the scopes are
   * checked first, so the answer tells a stranger nothing. A user token needs the user to be an
   * admin of the org or of the instance (any member of either for a read).
   */
  async authorizeOrg(token: TokenRecord, action: Action, orgId: string): Promise<OrgRecord> {
    if (!scopeAllows(token.scopes, action)) throw forbidden(action);
    const org = await this.store.getOrg(orgId);
    if (!org || org.instanceId !== token.instanceId) throw notFound('Organization');
    if (token.orgId !== null && token.orgId !== org.id) throw forbidden(action);
    if (token.userId === null) return org;
    const [instanceRole, member] = await Promise.all([this.store.getInstanceRole(org.instanceId, token.userId), this.store.getMember(org.id, token.userId)]);
    const admin = instanceRole === 'admin' || member?.role === 'admin';
    if (!(admin || (isReadAction(action) && (instanceRole !== null || member !== null)))) throw forbidden(action);
    return org;
  }

  /** 403 unless the token may perform a user-side `action` (`/me/…`): it needs the scope and a user, and no org binding. */
  authorizeUser(token: TokenRecord, action: Action): void {
    if (!scopeAllows(token.scopes, action) || token.userId === null || token.orgId !== null) throw forbidden(action);
  }

  /** What a token may learn about itself: its instance, scopes, user and the actions it opens. */
  async describe(token: TokenRecord): Promise<TokenInfo> {
    const [instance, user, role] = await Promise.all([
      this.store.getInstance(token.instanceId),
      token.userId ? this.store.getUser(token.userId) : null,
      token.userId ? this.store.getInstanceRole(token.instanceId, token.userId) : null,
    ]);
    const actions = (Object.keys(ACTION_SCOPES) as Action[]).filter(
      (a) => scopeAllows(token.scopes, a) && (token.userId === null || userMay(role, a)) && (token.orgId === null || isOrgAction(a)),
    );
    return toTokenInfo(token, instance, user, role, actions);
  }
}

/** An action on one org (its path names the org): the only kind an org-bound token may call. */
const isOrgAction = (action: Action) => OPERATIONS[action].path.includes('{orgId}');

/** A user token reaches its instance while the user is a member there; writes need an admin. */
const userMay = (role: string | null, action: Action) => role !== null && (role === 'admin' || isReadAction(action));

const forbidden = (action: Action) => new AppError('forbidden', `The token is not allowed to perform ${action} here`);
