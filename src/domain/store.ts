import type { INVITE_SORT_FIELDS } from '../contract/invites.js';
import type { MEMBER_SORT_FIELDS } from '../contract/members.js';
import type { OrgSortField } from '../contract/orgs.js';
import type { GlobMatch } from './glob.js';
import type {
  AttemptRecord,
  AuditRecord,
  BrandingRecord,
  DeliveryRecord,
  DueDelivery,
  EventRecord,
  InstanceRecord,
  InstanceRole,
  InviteRecord,
  InviteStatus,
  JoinLinkRecord,
  LogoRecord,
  MailRecord,
  MailStatus,
  MemberRecord,
  MemberView,
  OrgRecord,
  RoleGrant,
  TokenRecord,
  UserRecord,
  WebhookRecord,
} from './records.js';
import type { EventType } from '../contract/events.js';

export type InviteSortField = (typeof INVITE_SORT_FIELDS)[number];
export type MemberSortField = (typeof MEMBER_SORT_FIELDS)[number];
export type { OrgSortField };

export interface ListQuery<F extends string> {
  sortField: F;
  sortDirection: 'asc' | 'desc';
  filterField?: 'email' | 'role' | 'name';
  filter?: GlobMatch;
  offset?: number;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  totalCount: number;
  /** Set when counting stopped at a cap: more than totalCount items match. */
  totalCountCapped?: true;
}

export interface EventQuery {
  /** Events with a greater sequence number. */
  afterSeq: number;
  limit: number;
  types?: EventType[];
  orgId?: string;
}

/** What ends an attempt: the delivery's new state, and the attempt for the log. */
export interface AttemptResult {
  attempt: AttemptRecord;
  status: 'queued' | 'delivered' | 'failed';
  /** When the next attempt is due (status queued). */
  nextAttemptAt: string | null;
  /** The endpoint answered 410 Gone: it is disabled with this reason and its other deliveries cancelled. */
  disableWebhook?: string;
}

/** Fields of an endpoint that an update may rewrite. */
export type WebhookChange = Partial<Pick<WebhookRecord, 'url' | 'events' | 'orgId' | 'description' | 'enabled' | 'disabledReason' | 'secret' | 'previousSecret' | 'previousSecretUntil' | 'updatedAt'>>;

export interface AuditQuery {
  orgId?: string;
  /** Only entries of this action (exact). */
  action?: string;
  /** ISO instants: entries at or after `since` and before `until`. */
  since?: string;
  until?: string;
  offset: number;
  limit: number;
}

/** Invitation mail in trouble: `failed` (given up) or `retrying` (queued after a failed attempt). */
export type MailProblemStatus = 'failed' | 'retrying';

export interface MailProblemQuery {
  status?: MailProblemStatus;
  orgId?: string;
  offset: number;
  limit: number;
}

/** A message with the org its invite belongs to. */
export type InstanceMail = MailRecord & { orgId: string };

/** What `Store.lock` serialises on; see there for the order in which they are taken. */
export type LockKey = 'setup' | { email: string } | { org: string };

/** Fields of an org that an update may rewrite (`name` carries its sort and glob key along). */
export type OrgChange = Partial<Pick<OrgRecord, 'name' | 'description' | 'memberLimit' | 'inviteTtlMs' | 'locale' | 'updatedAt'>>;

/** An instance as the operator lists it. */
export interface InstanceSummary extends InstanceRecord {
  orgCount: number;
}

/** Who is in an org and who may join it: what takes its seats. */
export interface OrgPeople {
  members: number;
  /** Pending invites not expired yet. */
  pendingInvites: number;
}

/** Fields of a join link that an update may rewrite (a new `code` rotates it). */
export type JoinLinkChange = Partial<Omit<JoinLinkRecord, 'id' | 'orgId' | 'uses' | 'createdAt'>>;

/** Fields of an invite that a resend or a status change may rewrite. */
export type InviteChange = Partial<
  RoleGrant & Pick<InviteRecord, 'status' | 'inviteDate' | 'ttl' | 'expiresAt' | 'invitedByTokenId' | 'locale'> & { tokenHash: string }
>;

/**
 * Everything the domain asks of storage, in the domain's words: the domain owns this port so
 * that its rules depend on no database, and src/store implements it. Implementations translate
 * driver errors: a refused unique index surfaces as `UniqueViolation`, never as a driver error.
 */
/** An invite as its invited user lists it. */
export interface EmailInvite {
  invite: InviteRecord;
  orgName: string;
  dismissed: boolean;
}

export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
  owner: string;
  now: string;
  leaseUntil: string;
  expiresAt: string;
}

export interface KeptAnswer {
  status: number;
  contentType: string | null;
  body: string;
}

export type IdempotencyState =
  | { state: 'fresh'; resumed: boolean }
  | { state: 'answered'; fingerprint: string; answer: KeptAnswer }
  | { state: 'running'; fingerprint: string };

/**
 * How a transaction's outcome is kept in the request journal when the result itself is large
 * (a list): `keep` makes what is stored, `replay` makes the result again from it, inside the
 * transaction that found it. Without one the result is stored as it is.
 */
export interface JournalCodec<T> {
  keep(result: T): unknown;
  replay(kept: unknown, store: Store): Promise<T>;
}

export interface Store {
  /**
   * Runs `fn` atomically; calls made on the store it receives share the transaction (a call
   * inside one joins it). When the database aborts the transaction for a reason that running it
   * again can cure (a PostgreSQL deadlock or serialization failure), the store runs `fn` again,
   * a few times at most, after a short random pause. So `fn` must be safe to re-run: it may
   * only write through the store it receives, and effects outside the database (kicking the
   * mail worker) belong after the transaction. When the retries run out, the error is one
   * that `isUnavailable` recognises (a 503 with Retry-After, not a 500).
   */
  transaction<T>(fn: (store: Store) => Promise<T>, journal?: JournalCodec<T>): Promise<T>;
  /**
   * Inside a transaction: serialises it with every other transaction taking the same lock
   * until it ends. The keys: first-start set-up; a person, by canonical email (their user,
   * invites and memberships); an org's seats.
   *
   * The lock order, which every transaction keeps so that two of them never wait for each
   * other in a cycle (a PostgreSQL deadlock):
   *   1. `'setup'`;
   *   2. `{ email }`, before the transaction writes (or locks) any user, invite or member row of
   *      that person; a transaction that needs several people takes them in sorted order;
   *   3. `{ org }` (assertSeatFree), before counting and taking a seat;
   *   4. a join link's row (`lockJoinLink`, `useJoinLink`), before any invite row: a rotation
   *      takes the link and then withdraws its invites, so nobody may hold an invite row of the
   *      link while waiting for the link;
   *   5. then rows, by the statements themselves.
   * The email lock is also what makes "a member never holds a pending invite" hold on
   * PostgreSQL: an invite and a direct add of one email cannot both read "neither exists yet"
   * and both write. Taken by: invite create and resend, accept/reject, member add.
   * Not needed where a transaction writes one existing row found by id and then only rows
   * that hang from it (revoke: the invite, then its mail, in the order everyone keeps; a
   * member's role change or removal), nor by a lone statement outside a transaction (the
   * CLI's user-create): these never hold one lock while waiting for another that a holder of
   * the email lock could have. SQLite runs one writer at a time: there every lock is already
   * held and taking one does nothing.
   */
  lock(key: LockKey): Promise<void>;
  close(): Promise<void>;
  /** Answers when the database is reachable; throws otherwise. */
  ping(): Promise<void>;
  /**
   * Whether an error means the database could not serve the request just now (a 503 with
   * Retry-After, not a 500): it could not be reached, or a transaction kept losing to others
   * until its retries ran out.
   */
  isUnavailable(error: unknown): boolean;

  countInstances(): Promise<number>;
  insertInstance(instance: InstanceRecord): Promise<void>;
  getInstance(id: string): Promise<InstanceRecord | null>;
  /** Every instance, oldest first, each with its number of orgs. */
  listInstances(): Promise<InstanceSummary[]>;
  setInstanceMember(instanceId: string, userId: string, role: InstanceRole): Promise<void>;
  getInstanceRole(instanceId: string, userId: string): Promise<InstanceRole | null>;

  insertOrg(org: OrgRecord): Promise<void>;
  getOrg(id: string): Promise<OrgRecord | null>;
  listOrgs(instanceId: string, query: ListQuery<OrgSortField>): Promise<Page<OrgRecord>>;
  /** Returns the org after the change, or null when there is no such org. */
  updateOrg(id: string, change: OrgChange): Promise<OrgRecord | null>;
  /** Members and pending invites unexpired at `now`, of each org named; an org with neither may be left out. */
  countOrgPeople(orgIds: string[], now: string): Promise<Map<string, OrgPeople>>;

  /** The branding rows of the owners named (instance and org ids) that have one. */
  getBrandings(ownerIds: string[]): Promise<BrandingRecord[]>;
  /** Writes the row (a logo of undefined keeps the stored one, null removes it). */
  putBranding(branding: BrandingRecord, logo: Buffer | null | undefined): Promise<void>;
  getLogo(ownerId: string): Promise<LogoRecord | null>;

  /** Throws UniqueViolation('user_email') when the email is taken. */
  insertUser(user: UserRecord): Promise<void>;
  /** Inserts the user unless one has the email already; returns the user with that email. */
  ensureUser(user: UserRecord): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | null>;
  getUserByEmail(email: string): Promise<UserRecord | null>;
  /**
   * The user, if it belongs to the instance: an instance member, a member of one of its orgs,
   * or the email of a pending invite to one. Instances share the users table, not their users.
   */
  getUserInInstance(instanceId: string, id: string): Promise<UserRecord | null>;

  insertToken(token: TokenRecord, tokenHash: string): Promise<void>;
  getTokenByHash(tokenHash: string): Promise<TokenRecord | null>;
  getToken(id: string): Promise<TokenRecord | null>;
  /** The instance's tokens, newest first; never their hashes. */
  listTokens(instanceId: string, page: { offset: number; limit: number }): Promise<Page<TokenRecord>>;
  /** Returns false when no live token has that id. */
  revokeToken(id: string, at: string): Promise<boolean>;

  /** Throws UniqueViolation('invite_pending') when the org has a pending invite for the email. */
  insertInvite(invite: InviteRecord, tokenHash: string): Promise<void>;
  getInvite(orgId: string, id: string): Promise<InviteRecord | null>;
  getInviteByTokenHash(tokenHash: string): Promise<InviteRecord | null>;
  /** The invite by id alone (the mail worker knows no org). */
  getInviteById(id: string): Promise<InviteRecord | null>;
  /**
   * Marks up to `limit` pending invites that expired before `now` and have not been announced
   * yet, and returns them: one conditional write, so each is returned to one caller only.
   */
  claimExpiredInvites(now: string, limit: number): Promise<InviteRecord[]>;
  /** The user whose token sent the invite's live link; null when an instance token did. */
  getInviter(inviteId: string): Promise<UserRecord | null>;
  /** The pending invites (expired included) of `email` to the orgs of the instance, newest first, with each org's name. */
  listInvitesOfEmail(instanceId: string, email: string): Promise<EmailInvite[]>;
  /** Hides a pending invite from its user's own list; false when it is not pending. */
  dismissInvite(inviteId: string, at: string): Promise<boolean>;
  /** The org's pending invite for the email (expired or not), if any. */
  getPendingInvite(orgId: string, email: string): Promise<InviteRecord | null>;
  /** Lists the org's pending invites (expired ones included). */
  listInvites(orgId: string, query: ListQuery<InviteSortField>): Promise<Page<InviteRecord>>;
  /**
   * Applies `change` to the invite only if it is still `pending` (and, given `tokenHash`, still
   * has that link), in one conditional write. Returns the updated invite, or null when it was
   * not (someone else won). The link check matters on PostgreSQL: a claim that waited for a
   * concurrent resend re-checks only this condition, so without it the dead link would win.
   */
  updatePendingInvite(id: string, change: InviteChange, tokenHash?: string): Promise<InviteRecord | null>;
  /**
   * Ends the pending invite of `email` in the org that matches `onlyExpiredAt` (expired at
   * that instant) or any pending one when it is null; returns the ids it ended.
   */
  retirePendingInvites(orgId: string, email: string, status: InviteStatus, onlyExpiredAt: string | null): Promise<string[]>;
  /** Members plus invites still pending and unexpired at `now`. */
  countSeats(orgId: string, now: string): Promise<number>;

  insertJoinLink(link: JoinLinkRecord): Promise<void>;
  getJoinLink(orgId: string, id: string): Promise<JoinLinkRecord | null>;
  /** The link whose code this is (found by the code's hash). */
  getJoinLinkByCode(code: string): Promise<JoinLinkRecord | null>;
  /** The org's links, newest first. */
  listJoinLinks(orgId: string): Promise<JoinLinkRecord[]>;
  updateJoinLink(id: string, change: JoinLinkChange): Promise<JoinLinkRecord | null>;
  deleteJoinLink(id: string): Promise<boolean>;
  /** Inside a transaction: the link as it is now, its row locked until the transaction ends (null: gone). */
  lockJoinLink(id: string): Promise<JoinLinkRecord | null>;
  /**
   * Counts one use of the link if it is active, unexpired at `now` and not used up, in one
   * conditional write; returns the link after it, or null when it could not be used (so of
   * concurrent last uses exactly one wins).
   */
  useJoinLink(id: string, now: string): Promise<JoinLinkRecord | null>;
  /** Revokes the link's pending invites (its confirmations not accepted yet) and returns them. */
  withdrawJoinLinkInvites(joinLinkId: string): Promise<InviteRecord[]>;

  /** Throws UniqueViolation('member') when the user already belongs to the org. */
  insertMember(member: MemberRecord): Promise<void>;
  getMember(orgId: string, userId: string): Promise<MemberView | null>;
  listMembers(orgId: string, query: ListQuery<MemberSortField>): Promise<Page<MemberView>>;
  updateMember(orgId: string, userId: string, change: Partial<RoleGrant>): Promise<boolean>;
  deleteMember(orgId: string, userId: string): Promise<boolean>;

  enqueueMail(mail: MailRecord): Promise<void>;
  /**
   * Cancels the invite's mail that was not delivered: queued, or failed (so that a retry can
   * never send a dead link). A message being handed over right now is left to finish.
   */
  cancelUndeliveredMail(inviteId: string): Promise<number>;
  /** Takes up to `limit` due messages for sending, leasing them until `leaseUntil`. */
  claimDueMail(now: string, leaseUntil: string, limit: number): Promise<MailRecord[]>;
  markMailSent(id: string, at: string): Promise<void>;
  /** Hands claimed messages back, due at once (their sender could not send them). */
  releaseMail(ids: string[]): Promise<void>;
  markMailRetry(id: string, nextAttemptAt: string, error: string): Promise<void>;
  markMailFailed(id: string, error: string): Promise<void>;
  getMail(id: string): Promise<MailRecord | null>;
  /** The newest message of each invite that has one. */
  latestMailOf(inviteIds: string[]): Promise<Map<string, MailRecord>>;
  /** Messages in these states, oldest first. */
  listMail(statuses: MailStatus[], limit: number): Promise<MailRecord[]>;
  /**
   * Puts a failed message back in the queue with a fresh set of attempts; false if it is not
   * failed, or if its invite is no longer live (pending and unexpired at `now`).
   */
  requeueFailedMail(id: string, now: string): Promise<boolean>;
  /** The instance's failed mail and mail queued after a failed attempt, newest first (through invite and org). */
  listMailProblems(instanceId: string, query: MailProblemQuery): Promise<Page<InstanceMail>>;
  /** The message if its invite belongs to an org of the instance. */
  getInstanceMail(instanceId: string, id: string): Promise<InstanceMail | null>;
  /**
   * Queues a failed message, or one waiting for a retry, for an attempt at `now` with a fresh
   * set of attempts, in one conditional write; false if it is in neither state or its invite is
   * no longer live (pending and unexpired at `now`), so a dead link is never mailed again.
   */
  retryMailNow(id: string, now: string): Promise<boolean>;

  appendAudit(entry: AuditRecord): Promise<void>;
  /** The instance's entries, newest first. */
  listAudit(instanceId: string | null, query: AuditQuery): Promise<Page<AuditRecord>>;

  /**
   * Reserves the next `count` sequence numbers of the instance's events and returns the last.
   * The counter's row stays locked until the transaction ends, so events become visible in
   * the order of their numbers: call it as the transaction's last locking statement.
   */
  nextEventSeq(instanceId: string, count: number): Promise<number>;
  insertEvents(events: EventRecord[]): Promise<void>;
  listEvents(instanceId: string, query: EventQuery): Promise<EventRecord[]>;
  /** The sequence numbers of the instance's oldest kept event (null: none kept) and of its last one ever (0: none). */
  eventBounds(instanceId: string): Promise<{ first: number | null; last: number }>;
  /**
   * Forgets what is older than `before`: attempts, deliveries (a delivery still retrying by
   * then is abandoned), and each instance's events up to its last one before `before`.
   * Returns the number of events deleted.
   */
  pruneEvents(before: string): Promise<number>;
  getEvent(instanceId: string, id: string): Promise<EventRecord | null>;

  insertWebhook(webhook: WebhookRecord): Promise<void>;
  getWebhook(instanceId: string, id: string): Promise<WebhookRecord | null>;
  /** The instance's endpoints, oldest first. */
  listWebhooks(instanceId: string): Promise<WebhookRecord[]>;
  /** The instance's enabled endpoints, as fan-out reads them. */
  enabledWebhooks(instanceId: string): Promise<WebhookRecord[]>;
  updateWebhook(id: string, change: WebhookChange): Promise<WebhookRecord | null>;
  /** Deletes the endpoint with its deliveries and their log. */
  deleteWebhook(id: string): Promise<boolean>;
  insertDeliveries(deliveries: DeliveryRecord[]): Promise<void>;
  /** Cancels the endpoint's deliveries that wait for an attempt. */
  cancelDeliveries(webhookId: string): Promise<number>;
  /** Takes up to `limit` due deliveries of enabled endpoints, leasing them until `leaseUntil` (as claimDueMail). */
  claimDueDeliveries(now: string, leaseUntil: string, limit: number): Promise<DueDelivery[]>;
  /** Records attempts and their deliveries' new states. */
  finishAttempts(results: AttemptResult[]): Promise<void>;
  /** The endpoint's attempts, newest first, each with its delivery's state and event type. */
  listAttempts(webhookId: string, offset: number, limit: number): Promise<Array<AttemptRecord & { deliveryStatus: DeliveryRecord['status']; eventType: EventType | null }>>;
  countPendingDeliveries(webhookId: string): Promise<number>;

  /**
   * Counts a hit on `key` in the fixed window starting at `windowStart` (ms) and returns the
   * window's count so far, this hit included: one atomic upsert, so replicas share the count.
   */
  hitRateLimit(key: string, windowStart: number): Promise<number>;
  /** The count of `key` in the window starting at `windowStart`, without counting a hit. */
  peekRateLimit(key: string, windowStart: number): Promise<number>;
  /** Forgets counters of windows that started before `before` (ms). */
  pruneRateLimits(before: number): Promise<void>;

  /**
   * Takes an Idempotency-Key for a request, or says who has it: `fresh` (taken: a new key, or
   * one whose first request died and whose lease ran out, `resumed`), `answered` (the kept
   * answer) or `running` (another request holds it). `fingerprint` is the kept request's.
   */
  claimIdempotencyKey(claim: IdempotencyClaim): Promise<IdempotencyState>;
  /** Keeps the answer of the key's request (only its owner's). */
  keepIdempotentAnswer(key: string, owner: string, answer: KeptAnswer): Promise<void>;
  /** Lets the key go (its request ended without an answer worth keeping: a 5xx, a 429). */
  releaseIdempotencyKey(key: string, owner: string): Promise<void>;
  /** Deletes request journal entries and idempotency keys that expired before `now`. */
  pruneRequestRecords(now: string): Promise<void>;
}
