import { type CompiledQuery, type Kysely, type LogConfig, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import { COUNT_CAP } from '../contract/common.js';
import { UniqueViolation } from '../domain/errors.js';
import type {
  AuditRecord,
  BrandingRecord,
  LogoRecord,
  InstanceRecord,
  InstanceRole,
  InviteRecord,
  JoinLinkRecord,
  InviteStatus,
  MailRecord,
  MailStatus,
  MemberRecord,
  MemberView,
  OrgRecord,
  RoleGrant,
  TokenRecord,
  UserRecord,
  DeliveryRecord,
  DueDelivery,
  EventRecord,
  WebhookRecord,
} from '../domain/records.js';
import type { EventType } from '../contract/events.js';
import type { EmailInvite, JournalCodec, IdempotencyClaim, IdempotencyState, KeptAnswer, AttemptResult, AuditQuery, EventQuery, InstanceSummary, InstanceMail, MailProblemQuery, InviteChange, JoinLinkChange, OrgChange, OrgPeople, WebhookChange, InviteSortField, ListQuery, LockKey, MemberSortField, OrgSortField, Page, Store } from '../domain/store.js';
import { bit, BRANDING_COLUMNS, toBranding, TOKEN_COLUMNS, toAttempt, toAudit, toDelivery, toEvent, toWebhook, webhookRow, toInstanceRole, userRow, toInvite, toJoinLink, joinLinkRow, toMail, toMemberView, toOrg, toToken, toUser } from './rows.js';
import type { Database } from './schema.js';
import { hashSecret } from '../domain/secrets.js';
import type { Selectable } from 'kysely';
type Row<T extends keyof Database> = Selectable<Database[T]>;
import { type Lookup, lookup } from './lookup.js';
import type { OpenOptions } from './open-options.js';
import { currentRequest } from '../domain/request-scope.js';
import { holdDeadline, pauseBeforeRetry } from './ride-through.js';

/** Kysely's log option for `OpenOptions.onQuery`. */
export function queryLogger({ onQuery }: OpenOptions): LogConfig | undefined {
  if (!onQuery) return undefined;
  return (event) => {
    if (event.level === 'query') onQuery(event.query.sql, event.query.parameters);
  };
}

/**
 * What differs between dialects; everything else is the shared SQL below. Text compares
 * byte-wise in both (PostgreSQL columns are `collate "C"`), so a glob's literal prefix is an
 * index range in both.
 */
interface DialectHooks {
  isUniqueViolation(error: unknown): boolean;
  /** The database cannot be reached (down, restarting, pool exhausted by a timeout). */
  isUnavailable(error: unknown): boolean;
  /**
   * The transaction ended because of other transactions, and running it again may well
   * succeed: a PostgreSQL deadlock or serialization failure. Never on SQLite, whose writers
   * queue for the write lock instead.
   */
  isRetryable(error: unknown): boolean;
  /**
   * Takes a lock held until the transaction ends. PostgreSQL needs it because transactions
   * run side by side; SQLite runs one write transaction at a time, so it has nothing to do.
   */
  lock(db: Kysely<Database>, key: LockKey): Promise<void>;
  /** A claim's pick of rows, skipping rows locked by another claim where the dialect can (PostgreSQL). */
  skipLocked<QB extends SelectQueryBuilder<any, any, any>>(qb: QB): QB;
  /** Runs `fn` in one transaction on one connection: commits when it resolves, rolls back when it throws. */
  transaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** How long calls wait for an unavailable database to come back (a failover); 0: not at all. */
  holdMs: number;
  /** PostgreSQL: how far the server's WAL goes (written on a primary, replayed on a standby). */
  walPosition?(db: Kysely<Database>): Promise<bigint>;
  /**
   * SQLite: a subquery of the rowids (as `candidate`) of the invites whose email holds every
   * one of `runs` (three characters or more each), found by the trigram index, when so few
   * invites do that reading them beats reading the org's pending invites; null otherwise.
   * PostgreSQL has none: its planner weighs the pg_trgm index against the others itself.
   */
  emailTrigrams?(db: Kysely<Database>, orgId: string, runs: string[]): Promise<RawBuilder<unknown> | null>;
  /** SQLite: where reads outside a transaction run (see Reader). */
  reader?: Reader;
}

/**
 * A second, read-only connection to a SQLite file. Kysely runs a SQLite database's statements
 * one at a time on its one connection, and a write transaction holds that connection until it
 * commits: every read of every other request waited behind it. In WAL mode another connection
 * reads the last commit without waiting for the writer (and never sees what it has not
 * committed). Its reads run at once, without Kysely's executor: a get invite costs the server
 * about a tenth less CPU that way (135 µs against 148 µs per request, bench/README.md).
 */
export interface Reader {
  all<R>(query: CompiledQuery<R>): R[];
  close(): void;
}

/**
 * `fn` in a transaction on one connection, begun with `begin`, held for the whole transaction
 * as Kysely's own transactions are. Unlike Kysely's, a failed ROLLBACK does not replace the
 * error that caused it: when the connection died, the error that says so is the one the
 * store must see (to retry on a fresh connection), not "the client is closed".
 */
export function runTransaction<T>(db: Kysely<Database>, begin: RawBuilder<unknown>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await begin.execute(conn);
    let result: T;
    try {
      result = await fn(conn);
      await sql`commit`.execute(conn);
    } catch (error) {
      // SQLite has already rolled back after some errors; the one that matters is the first.
      await sql`rollback`.execute(conn).catch(() => {});
      throw error;
    }
    return result;
  });
}

/** A transaction aborted by the database for a retryable reason is run this many times at most. */
const MAX_ATTEMPTS = 4;
/**
 * The pause before attempt n + 1, random within 0..5·2^n ms (10, 20, 40): long enough for the
 * transaction that won to commit, and random so that two losers do not collide once more.
 */
const retryPause = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));

const INVITE_COLUMNS = { email: 'email', role: 'role', inviteDate: 'invite_date' } as const;
const ORG_COLUMNS = { name: 'name_key', id: 'id', creationDate: 'created_at', lastUpdated: 'updated_at' } as const;
/** Globs are lower-cased, so each filter field has a lower-case column; an org's is `name_key`. */
const FILTER_COLUMNS = { email: 'email', role: 'role', name: 'name_key' } as const;
const MAX_CHAR = '\u{10FFFF}';
/** Ids bound in one `in (…)`: well within both dialects' limits on parameters. */
const MAX_BOUND_IDS = 10_000;

// The hot lookups, compiled once per opened store (its DialectHooks, shared by its transactions).
const orgById = lookup((db, id: string) => db.selectFrom('orgs').selectAll().where('id', '=', id));
const tokenByHash = lookup((db, tokenHash: string) => db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash));
const inviteById = lookup((db, id: string, orgId: string) => db.selectFrom('invites').selectAll().where('id', '=', id).where('org_id', '=', orgId));
const enabledWebhooksOf = lookup((db, instanceId: string) => db.selectFrom('webhooks').selectAll().where('instance_id', '=', instanceId).where('enabled', '=', sql.lit(1)));
const inviteByTokenHash = lookup((db, tokenHash: string) => db.selectFrom('invites').selectAll().where('token_hash', '=', tokenHash));
// One invite's mail, oldest first: what a single invite's answer (get, create, resend) reads.
const mailOfInvite = lookup((db, inviteId: string) => db.selectFrom('outbox').selectAll().where('invite_id', '=', inviteId).orderBy('created_at').orderBy('id'));

export class KyselyStore implements Store {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly hooks: DialectHooks,
    private readonly inTransaction = false,
  ) {}

  async transaction<T>(fn: (store: Store) => Promise<T>, codec?: JournalCodec<T>): Promise<T> {
    // A nested call joins the transaction; only the outermost may retry, since an aborted
    // transaction is over for every call inside it.
    if (this.inTransaction) return fn(this);
    const request = currentRequest();
    // Numbered in the order the request runs its transactions, so that a retry of the whole
    // request (its Idempotency-Key repeated) meets each earlier outcome under the same key.
    const journal = request?.journal && (request.journal.repeats || this.hooks.holdMs > 0) ? request.journal : undefined;
    const entry = journal && { key: `${journal.key}#${journal.next++}`, expiresAt: journal.expiresAt };
    const deadline = holdDeadline(this.hooks.holdMs);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.hooks.transaction(this.db, async (trx) => {
          // After a COMMIT whose outcome was lost, this finds it if it happened.
          if (entry && (attempt > 1 || request!.replay)) {
            const done = await trx.selectFrom('request_journal').select('outcome').where('key', '=', entry.key).executeTakeFirst();
            if (done) {
              const kept = done.outcome === null ? undefined : JSON.parse(done.outcome);
              return codec ? codec.replay(kept, new KyselyStore(trx, this.hooks, true)) : (kept as T);
            }
          }
          const result = await fn(new KyselyStore(trx, this.hooks, true));
          if (entry) {
            const kept = codec ? codec.keep(result) : result;
            await trx.insertInto('request_journal').values({ key: entry.key, outcome: kept === undefined ? null : JSON.stringify(kept), expires_at: entry.expiresAt }).execute();
          }
          return result;
        });
      } catch (error) {
        if (this.hooks.isRetryable(error) && attempt < MAX_ATTEMPTS) await retryPause(attempt);
        else if (!this.hooks.isUnavailable(error) || !(await pauseBeforeRetry(attempt, deadline))) throw error;
      }
    }
  }

  async close(): Promise<void> {
    this.hooks.reader?.close();
    await this.db.destroy();
  }

  isUnavailable(error: unknown): boolean {
    // A deadlock that outlasted its retries is contention of the moment: try again shortly.
    return this.hooks.isUnavailable(error) || this.hooks.isRetryable(error);
  }

  /** How far this server's WAL goes, to compare a standby with its primary (read-replica.ts); PostgreSQL only. */
  walPosition(): Promise<bigint> {
    if (!this.hooks.walPosition) throw new Error('walPosition is PostgreSQL only');
    return this.hooks.walPosition(this.db);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async lock(key: LockKey): Promise<void> {
    if (!this.inTransaction) throw new Error('lock() is only meaningful inside a transaction');
    await this.hooks.lock(this.db, key);
  }

  private async unique<T>(constraint: string, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } catch (error) {
      if (this.hooks.isUniqueViolation(error)) throw new UniqueViolation(constraint);
      throw error;
    }
  }

  async countInstances(): Promise<number> {
    const row = await this.db.selectFrom('instances').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertInstance(i: InstanceRecord): Promise<void> {
    await this.db.insertInto('instances').values({ id: i.id, name: i.name, created_at: i.createdAt }).execute();
  }

  async getInstance(id: string): Promise<InstanceRecord | null> {
    const r = await this.db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, name: r.name, createdAt: r.created_at } : null;
  }

  async listInstances(): Promise<InstanceSummary[]> {
    const rows = await this.db
      .selectFrom('instances')
      .select(['instances.id', 'instances.name', 'instances.created_at'])
      .select((eb) => eb.selectFrom('orgs').select((o) => o.fn.countAll().as('n')).whereRef('orgs.instance_id', '=', 'instances.id').as('org_count'))
      .orderBy('instances.created_at')
      .orderBy('instances.id')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, orgCount: Number(r.org_count) }));
  }

  async setInstanceMember(instanceId: string, userId: string, role: InstanceRole): Promise<void> {
    await this.db
      .insertInto('instance_members')
      .values({ instance_id: instanceId, user_id: userId, role })
      .onConflict((oc) => oc.columns(['instance_id', 'user_id']).doUpdateSet({ role }))
      .execute();
  }

  async getInstanceRole(instanceId: string, userId: string): Promise<InstanceRole | null> {
    const [r] = await this.read(this.db.selectFrom('instance_members').select('role').where('instance_id', '=', instanceId).where('user_id', '=', userId).compile());
    return toInstanceRole(r?.role);
  }

  async insertOrg(o: OrgRecord): Promise<void> {
    await this.db
      .insertInto('orgs')
      .values({
        id: o.id,
        instance_id: o.instanceId,
        name: o.name,
        name_key: o.name.toLowerCase(),
        member_limit: o.memberLimit,
        invite_ttl_ms: o.inviteTtlMs,
        description: o.description,
        icon_color: o.iconColor,
        locale: o.locale,
        created_at: o.createdAt,
        updated_at: o.updatedAt,
      })
      .execute();
  }

  async getOrg(id: string): Promise<OrgRecord | null> {
    const r = await this.first(orgById, id);
    return r ? toOrg(r) : null;
  }

  async listOrgs(instanceId: string, q: ListQuery<OrgSortField>): Promise<Page<OrgRecord>> {
    const base = this.filtered(this.db.selectFrom('orgs').where('instance_id', '=', instanceId), q);
    const rows = this.paged(base.selectAll().orderBy(ORG_COLUMNS[q.sortField], q.sortDirection).orderBy('id', q.sortDirection), q).execute();
    return this.counted(base, rows.then((r) => r.map(toOrg)), q);
  }

  async listInvitesOfEmail(instanceId: string, email: string): Promise<EmailInvite[]> {
    const rows = await this.db
      .selectFrom('invites')
      .innerJoin('orgs', 'orgs.id', 'invites.org_id')
      .selectAll('invites')
      .select('orgs.name as org_name')
      .where('orgs.instance_id', '=', instanceId)
      .where('invites.email', '=', email)
      .where('invites.status', '=', 'pending')
      .orderBy('invites.invite_date', 'desc')
      .orderBy('invites.id', 'desc')
      .execute();
    return rows.map((r) => ({ invite: toInvite(r), orgName: r.org_name, dismissed: r.dismissed_at !== null }));
  }

  async dismissInvite(inviteId: string, at: string): Promise<boolean> {
    const r = await this.db.updateTable('invites').set({ dismissed_at: at }).where('id', '=', inviteId).where('status', '=', 'pending').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async getBrandings(ownerIds: string[]): Promise<BrandingRecord[]> {
    if (ownerIds.length === 0) return [];
    const rows = await this.db.selectFrom('brandings').select(BRANDING_COLUMNS).where('owner_id', 'in', ownerIds).execute();
    return rows.map(toBranding);
  }

  async putBranding(b: BrandingRecord, logo: Buffer | null | undefined): Promise<void> {
    const row = {
      product_name: b.productName,
      accent_color: b.accentColor,
      continue_url: b.continueUrl,
      continue_origins: JSON.stringify(b.continueOrigins),
      logo_type: b.logoType,
      logo_hash: b.logoHash,
      updated_at: b.updatedAt,
      ...(logo === undefined ? {} : { logo: logo === null ? null : logo.toString('base64') }),
    };
    await this.db
      .insertInto('brandings')
      .values({ owner_id: b.ownerId, instance_id: b.instanceId, logo: null, ...row })
      .onConflict((oc) => oc.column('owner_id').doUpdateSet(row))
      .execute();
  }

  async getLogo(ownerId: string): Promise<LogoRecord | null> {
    const r = await this.db.selectFrom('brandings').select(['logo', 'logo_type', 'logo_hash']).where('owner_id', '=', ownerId).executeTakeFirst();
    return r?.logo && r.logo_type && r.logo_hash ? { data: Buffer.from(r.logo, 'base64'), type: r.logo_type, hash: r.logo_hash } : null;
  }

  async updateOrg(id: string, c: OrgChange): Promise<OrgRecord | null> {
    const r = await this.db
      .updateTable('orgs')
      .set({
        name: c.name,
        name_key: c.name?.toLowerCase(),
        description: c.description,
        member_limit: c.memberLimit,
        invite_ttl_ms: c.inviteTtlMs,
        locale: c.locale,
        updated_at: c.updatedAt,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return r ? toOrg(r) : null;
  }

  async countOrgPeople(orgIds: string[], now: string): Promise<Map<string, OrgPeople>> {
    const counts = new Map<string, OrgPeople>();
    if (orgIds.length === 0) return counts;
    // Grouped counts on the (org_id, …) indexes, as countSeats counts one org.
    const [members, invites] = await Promise.all([
      this.db.selectFrom('org_members').select(['org_id', (eb) => eb.fn.countAll().as('n')]).where('org_id', 'in', orgIds).groupBy('org_id').execute(),
      this.db
        .selectFrom('invites')
        .select(['org_id', (eb) => eb.fn.countAll().as('n')])
        .where('org_id', 'in', orgIds)
        .where('status', '=', 'pending')
        .where('expires_at', '>=', now)
        .groupBy('org_id')
        .execute(),
    ]);
    const of = (orgId: string) => counts.get(orgId) ?? counts.set(orgId, { members: 0, pendingInvites: 0 }).get(orgId)!;
    for (const r of members) of(r.org_id).members = Number(r.n);
    for (const r of invites) of(r.org_id).pendingInvites = Number(r.n);
    return counts;
  }

  async insertUser(u: UserRecord): Promise<void> {
    await this.unique(
      'user_email',
      this.db
        .insertInto('users')
        .values(userRow(u))
        .execute(),
    );
  }

  async ensureUser(u: UserRecord): Promise<UserRecord> {
    // Insert-or-keep in one statement: two first accepts by one new person must not collide.
    await this.db
      .insertInto('users')
      .values(userRow(u))
      .onConflict((oc) => oc.column('email').doNothing())
      .execute();
    return (await this.getUserByEmail(u.email))!;
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const [r] = await this.read(this.db.selectFrom('users').selectAll().where('id', '=', id).compile());
    return r ? toUser(r) : null;
  }

  async getUserInInstance(instanceId: string, id: string): Promise<UserRecord | null> {
    const orgsOfInstance = this.db.selectFrom('orgs').select('orgs.id').where('orgs.instance_id', '=', instanceId);
    const r = await this.db
      .selectFrom('users')
      .selectAll('users')
      .where('users.id', '=', id)
      .where((eb) =>
        eb.or([
          eb.exists(eb.selectFrom('instance_members').select('user_id').where('instance_id', '=', instanceId).where('user_id', '=', id)),
          eb.exists(eb.selectFrom('org_members').select('user_id').where('user_id', '=', id).where('org_id', 'in', orgsOfInstance)),
          eb.exists(
            eb.selectFrom('invites').select('invites.id').whereRef('invites.email', '=', 'users.email').where('invites.status', '=', 'pending').where('invites.org_id', 'in', orgsOfInstance),
          ),
        ]),
      )
      .executeTakeFirst();
    return r ? toUser(r) : null;
  }

  async getUserByEmail(email: string): Promise<UserRecord | null> {
    const r = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return r ? toUser(r) : null;
  }

  async insertToken(t: TokenRecord, tokenHash: string): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: t.id,
        instance_id: t.instanceId,
        user_id: t.userId,
        org_id: t.orgId,
        token_hash: tokenHash,
        scopes: JSON.stringify(t.scopes),
        created_at: t.createdAt,
        expires_at: t.expiresAt,
        revoked_at: t.revokedAt,
      })
      .execute();
  }

  async getTokenByHash(tokenHash: string): Promise<TokenRecord | null> {
    const r = await this.first(tokenByHash, tokenHash);
    return r ? toToken(r) : null;
  }

  async getToken(id: string): Promise<TokenRecord | null> {
    const r = await this.db.selectFrom('api_tokens').select(TOKEN_COLUMNS).where('id', '=', id).executeTakeFirst();
    return r ? toToken(r) : null;
  }

  async listTokens(instanceId: string, q: { offset: number; limit: number }): Promise<Page<TokenRecord>> {
    // By the (instance_id, created_at) index of migration 007: the API and the console list them too.
    const base = this.db.selectFrom('api_tokens').where('instance_id', '=', instanceId);
    const rows = base.select(TOKEN_COLUMNS).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
    return this.counted(base, rows.then((r) => r.map(toToken)), q);
  }

  async revokeToken(id: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async insertInvite(i: InviteRecord, tokenHash: string): Promise<void> {
    await this.unique(
      'invite_pending',
      this.db
        .insertInto('invites')
        .values({
          id: i.id,
          org_id: i.orgId,
          email: i.email,
          role: i.role,
          application_roles: JSON.stringify(i.applicationRoles),
          dashboard_roles: JSON.stringify(i.dashboardRoles),
          disallow_transfer: bit(i.disallowTransfer),
          token_hash: tokenHash,
          invite_date: i.inviteDate,
          ttl: i.ttl,
          expires_at: i.expiresAt,
          status: i.status,
          invited_by_token_id: i.invitedByTokenId,
          join_link_id: i.joinLinkId,
          locale: i.locale,
        })
        .execute(),
    );
  }

  async getInvite(orgId: string, id: string): Promise<InviteRecord | null> {
    const r = await this.first(inviteById, id, orgId);
    return r ? toInvite(r) : null;
  }

  async getInviteById(id: string): Promise<InviteRecord | null> {
    const r = await this.db.selectFrom('invites').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toInvite(r) : null;
  }

  async claimExpiredInvites(now: string, limit: number): Promise<InviteRecord[]> {
    const due = this.db
      .selectFrom('invites')
      .select('id')
      .where('status', '=', 'pending')
      .where('expired_event_at', 'is', null)
      .where('expires_at', '<', now)
      .orderBy('expires_at')
      .limit(limit);
    const rows = await this.db
      .updateTable('invites')
      .set({ expired_event_at: now })
      .where('id', 'in', due)
      // Re-checked on the row itself: a resend that committed meanwhile made it live again.
      .where('status', '=', 'pending')
      .where('expired_event_at', 'is', null)
      .where('expires_at', '<', now)
      .returningAll()
      .execute();
    return rows.map(toInvite);
  }

  async getInviter(inviteId: string): Promise<UserRecord | null> {
    const r = await this.db
      .selectFrom('invites')
      .innerJoin('api_tokens', 'api_tokens.id', 'invites.invited_by_token_id')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .selectAll('users')
      .where('invites.id', '=', inviteId)
      .executeTakeFirst();
    return r ? toUser(r) : null;
  }

  async getInviteByTokenHash(tokenHash: string): Promise<InviteRecord | null> {
    const r = await this.first(inviteByTokenHash, tokenHash);
    return r ? toInvite(r) : null;
  }

  async getPendingInvite(orgId: string, email: string): Promise<InviteRecord | null> {
    const r = await this.db.selectFrom('invites').selectAll().where('org_id', '=', orgId).where('email', '=', email).where('status', '=', 'pending').executeTakeFirst();
    return r ? toInvite(r) : null;
  }

  async listInvites(orgId: string, q: ListQuery<InviteSortField>): Promise<Page<InviteRecord>> {
    const base = this.filtered((await this.invitesFor(orgId, q)).where('invites.org_id', '=', orgId).where('invites.status', '=', 'pending'), q, 'invites.');
    const column = INVITE_COLUMNS[q.sortField];
    const rows = this.read(this.paged(base.selectAll('invites').orderBy(`invites.${column}`, q.sortDirection).orderBy('invites.id', q.sortDirection), q).compile());
    return this.counted(base, rows.then((r) => r.map(toInvite)), q);
  }

  /**
   * Where a list of invites reads from: the table, or for an email glob that few invites match
   * (`*smith*`), the invites the trigram index names, looked up by rowid. CROSS JOIN keeps
   * SQLite from reading the org's index first and testing each of its invites against them.
   */
  private async invitesFor(orgId: string, q: ListQuery<string>) {
    const runs = q.filterField === 'email' && q.filter ? q.filter.runs.filter((run) => [...run].length >= 3) : [];
    const candidates = runs.length > 0 && this.hooks.emailTrigrams ? await this.hooks.emailTrigrams(this.db, orgId, runs) : null;
    const invites = this.db.selectFrom('invites');
    if (!candidates) return invites;
    return this.db
      .selectFrom(candidates.as('m'))
      .crossJoin('invites')
      .where(sql<boolean>`invites.rowid = m.candidate`) as unknown as typeof invites;
  }

  async updatePendingInvite(id: string, change: InviteChange, tokenHash?: string): Promise<InviteRecord | null> {
    let q = this.db
      .updateTable('invites')
      .set({
        status: change.status,
        token_hash: change.tokenHash,
        invited_by_token_id: change.invitedByTokenId,
        invite_date: change.inviteDate,
        ttl: change.ttl,
        expires_at: change.expiresAt,
        locale: change.locale,
        role: change.role,
        application_roles: change.applicationRoles && JSON.stringify(change.applicationRoles),
        dashboard_roles: change.dashboardRoles && JSON.stringify(change.dashboardRoles),
        // A new lifetime (a resend) is a new expiry to announce.
        expired_event_at: change.expiresAt === undefined ? undefined : null,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending');
    if (tokenHash !== undefined) q = q.where('token_hash', '=', tokenHash);
    const r = await q.returningAll().executeTakeFirst();
    return r ? toInvite(r) : null;
  }

  async retirePendingInvites(orgId: string, email: string, status: InviteStatus, onlyExpiredAt: string | null): Promise<string[]> {
    let q = this.db
      .updateTable('invites')
      .set({ status })
      .where('org_id', '=', orgId)
      .where('email', '=', email)
      .where('status', '=', 'pending');
    if (onlyExpiredAt !== null) q = q.where('expires_at', '<', onlyExpiredAt);
    const rows = await q.returning('id').execute();
    return rows.map((r) => r.id);
  }

  async insertJoinLink(l: JoinLinkRecord): Promise<void> {
    await this.db.insertInto('join_links').values({ ...(joinLinkRow(l) as Row<'join_links'>), uses: l.uses }).execute();
  }

  async getJoinLink(orgId: string, id: string): Promise<JoinLinkRecord | null> {
    const r = await this.db.selectFrom('join_links').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
    return r ? toJoinLink(r) : null;
  }

  async getJoinLinkByCode(code: string): Promise<JoinLinkRecord | null> {
    const r = await this.db.selectFrom('join_links').selectAll().where('code_hash', '=', hashSecret(code)).executeTakeFirst();
    return r ? toJoinLink(r) : null;
  }

  async listJoinLinks(orgId: string): Promise<JoinLinkRecord[]> {
    const rows = await this.db.selectFrom('join_links').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toJoinLink);
  }

  async updateJoinLink(id: string, change: JoinLinkChange): Promise<JoinLinkRecord | null> {
    const r = await this.db.updateTable('join_links').set(joinLinkRow(change)).where('id', '=', id).returningAll().executeTakeFirst();
    return r ? toJoinLink(r) : null;
  }

  async deleteJoinLink(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('join_links').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async lockJoinLink(id: string): Promise<JoinLinkRecord | null> {
    // A write that changes nothing: the portable way to hold the row (SQLite has no FOR UPDATE).
    const r = await this.db.updateTable('join_links').set({ uses: sql`uses` }).where('id', '=', id).returningAll().executeTakeFirst();
    return r ? toJoinLink(r) : null;
  }

  async useJoinLink(id: string, now: string): Promise<JoinLinkRecord | null> {
    const r = await this.db
      .updateTable('join_links')
      .set({ uses: sql`uses + 1` })
      .where('id', '=', id)
      .where('state', '=', 'active')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
      .returningAll()
      .executeTakeFirst();
    return r ? toJoinLink(r) : null;
  }

  async withdrawJoinLinkInvites(joinLinkId: string): Promise<InviteRecord[]> {
    const rows = await this.db
      .updateTable('invites')
      .set({ status: 'revoked' })
      .where('join_link_id', '=', joinLinkId)
      .where('status', '=', 'pending')
      .returningAll()
      .execute();
    return rows.map(toInvite);
  }

  async countSeats(orgId: string, now: string): Promise<number> {
    const members = this.db
      .selectFrom('org_members')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('org_id', '=', orgId);
    const invites = this.db
      .selectFrom('invites')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('org_id', '=', orgId)
      // A literal, so that both planners match the partial index invites_live_by_org.
      .where('status', '=', sql.lit('pending'))
      .where('expires_at', '>=', now);
    const [m, i] = await Promise.all([members.executeTakeFirstOrThrow(), invites.executeTakeFirstOrThrow()]);
    return Number(m.n) + Number(i.n);
  }

  async insertMember(m: MemberRecord): Promise<void> {
    await this.unique(
      'member',
      this.db
        .insertInto('org_members')
        .values({
          org_id: m.orgId,
          user_id: m.userId,
          email: m.email,
          role: m.role,
          application_roles: JSON.stringify(m.applicationRoles),
          dashboard_roles: JSON.stringify(m.dashboardRoles),
          disallow_transfer: bit(m.disallowTransfer),
          created_at: m.createdAt,
        })
        .execute(),
    );
  }

  private members() {
    return this.db
      .selectFrom('org_members')
      .innerJoin('users', 'users.id', 'org_members.user_id')
      .selectAll('org_members')
      .select(['users.first_name', 'users.last_name', 'users.avatar_url', 'users.two_factor_auth_enabled', 'users.sso_linked']);
  }

  async getMember(orgId: string, userId: string): Promise<MemberView | null> {
    const r = await this.members()
      .where('org_members.org_id', '=', orgId)
      .where('org_members.user_id', '=', userId)
      .executeTakeFirst();
    return r ? toMemberView(r) : null;
  }

  async listMembers(orgId: string, q: ListQuery<MemberSortField>): Promise<Page<MemberView>> {
    const where = <QB extends SelectQueryBuilder<any, any, any>>(qb: QB): QB =>
      this.filtered(qb.where('org_members.org_id', '=', orgId) as QB, q, 'org_members.');
    const rows = this.read(
      this.paged(
        where(this.members())
          .orderBy(`org_members.${q.sortField}`, q.sortDirection)
          .orderBy('org_members.email', q.sortDirection),
        q,
      ).compile(),
    );
    return this.counted(where(this.db.selectFrom('org_members')), rows.then((r) => r.map(toMemberView)), q);
  }

  async updateMember(orgId: string, userId: string, change: Partial<RoleGrant>): Promise<boolean> {
    const r = await this.db
      .updateTable('org_members')
      .set({
        role: change.role,
        application_roles: change.applicationRoles && JSON.stringify(change.applicationRoles),
        dashboard_roles: change.dashboardRoles && JSON.stringify(change.dashboardRoles),
      })
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async deleteMember(orgId: string, userId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('org_members').where('org_id', '=', orgId).where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async enqueueMail(m: MailRecord): Promise<void> {
    await this.db
      .insertInto('outbox')
      .values({
        id: m.id,
        invite_id: m.inviteId,
        to_address: m.to,
        subject: m.subject,
        text_body: m.text,
        html_body: m.html,
        status: m.status,
        attempts: m.attempts,
        next_attempt_at: m.nextAttemptAt,
        last_error: m.lastError,
        created_at: m.createdAt,
        sent_at: m.sentAt,
      })
      .execute();
  }

  async cancelUndeliveredMail(inviteId: string): Promise<number> {
    const r = await this.db
      .updateTable('outbox')
      .set({ status: 'cancelled', text_body: null, html_body: null })
      .where('invite_id', '=', inviteId)
      .where('status', 'in', ['queued', 'failed'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async claimDueMail(now: string, leaseUntil: string, limit: number): Promise<MailRecord[]> {
    const ids = await this.claimLeased('outbox', now, leaseUntil, limit);
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('outbox').selectAll().where('id', 'in', ids).orderBy('next_attempt_at').execute();
    return rows.map(toMail);
  }

  /**
   * Leases up to `limit` due rows of an outbox table (mail, webhook deliveries) until
   * `leaseUntil` and returns their ids. A row is due when a sender's lease on it ran out (that
   * sender died), or when queued and its time has come. Each kind is one conditional update
   * of the rows an index range picks: the condition, checked again on each row as it is
   * written, is the claim, so only one sender wins a row. Two ranges rather than one OR: with
   * an OR the planner fetches every due row and sorts them all, which under a backlog of
   * thousands made each claim cost a full sort. On PostgreSQL the pick skips rows another
   * claim is writing, so replicas take different rows instead of waiting to lose them.
   */
  private async claimLeased(table: 'outbox' | 'webhook_deliveries', now: string, leaseUntil: string, limit: number): Promise<string[]> {
    const db = this.db as unknown as Kysely<Pick<Database, 'outbox'>>;
    const claim = async (due: SelectQueryBuilder<Pick<Database, 'outbox'>, 'outbox', { id: string }>) => {
      // An UPDATE takes SQLite's write lock, behind the requests' writes, even when it changes
      // nothing (70 µs a claim, two per kick, a kick per event): a read first says whether
      // anything is due, which mostly nothing is.
      if (!(await due.limit(1).executeTakeFirst())) return [];
      const rows = await db
        .updateTable(table as 'outbox')
        .set({ status: 'sending', lease_until: leaseUntil })
        .where('id', 'in', this.hooks.skipLocked(due))
        .where((eb) => eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', now)])]))
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    };
    const pick = () => db.selectFrom(table as 'outbox').select('id');
    const stale = await claim(pick().where('status', '=', 'sending').where('lease_until', '<', now).limit(limit));
    if (stale.length >= limit) return stale;
    const queued = await claim(pick().where('status', '=', 'queued').where('next_attempt_at', '<=', now).orderBy('next_attempt_at').limit(limit - stale.length));
    return [...stale, ...queued];
  }

  async markMailSent(id: string, at: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({
        status: 'sent',
        sent_at: at,
        attempts: eb('attempts', '+', 1),
        lease_until: null,
        last_error: null,
        text_body: null,
        html_body: null,
      }))
      .where('id', '=', id)
      .execute();
  }

  async releaseMail(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('outbox').set({ status: 'queued', lease_until: null }).where('id', 'in', ids).where('status', '=', 'sending').execute();
  }

  async markMailRetry(id: string, nextAttemptAt: string, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({
        status: 'queued',
        next_attempt_at: nextAttemptAt,
        attempts: eb('attempts', '+', 1),
        lease_until: null,
        last_error: error,
      }))
      .where('id', '=', id)
      .execute();
  }

  async markMailFailed(id: string, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({ status: 'failed', attempts: eb('attempts', '+', 1), lease_until: null, last_error: error }))
      .where('id', '=', id)
      .execute();
  }

  async getMail(id: string): Promise<MailRecord | null> {
    const r = await this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toMail(r) : null;
  }

  async latestMailOf(inviteIds: string[]): Promise<Map<string, MailRecord>> {
    const latest = new Map<string, MailRecord>();
    if (inviteIds.length === 1) {
      const rows = await this.read(mailOfInvite.bind(this.db, this.hooks, [inviteIds[0]]));
      for (const row of rows) latest.set(row.invite_id!, toMail(row));
      return latest;
    }
    // An unpaged list of a large org names more invites than one statement may bind
    // (PostgreSQL: 65,535 parameters; SQLite: 32,766).
    for (let i = 0; i < inviteIds.length; i += MAX_BOUND_IDS) {
      const ids = inviteIds.slice(i, i + MAX_BOUND_IDS);
      const rows = await this.read(this.db.selectFrom('outbox').selectAll().where('invite_id', 'in', ids).orderBy('created_at').orderBy('id').compile());
      for (const row of rows) latest.set(row.invite_id!, toMail(row));
    }
    return latest;
  }

  async listMail(statuses: MailStatus[], limit: number): Promise<MailRecord[]> {
    const rows = await this.db.selectFrom('outbox').selectAll().where('status', 'in', statuses).orderBy('created_at').orderBy('id').limit(limit).execute();
    return rows.map(toMail);
  }

  async requeueFailedMail(id: string, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable('outbox')
      .set({ status: 'queued', attempts: 0, next_attempt_at: now, lease_until: null })
      .where('id', '=', id)
      .where('status', '=', 'failed')
      .where((eb) =>
        eb.or([
          eb('invite_id', 'is', null),
          eb.exists(eb.selectFrom('invites').select('id').whereRef('invites.id', '=', 'outbox.invite_id').where('status', '=', 'pending').where('expires_at', '>', now)),
        ]),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async listMailProblems(instanceId: string, q: MailProblemQuery): Promise<Page<InstanceMail>> {
    let base = this.instanceMail(instanceId).where((eb) => {
      const failed = eb('outbox.status', '=', 'failed');
      const retrying = eb.and([eb('outbox.status', '=', 'queued'), eb('outbox.attempts', '>', 0)]);
      return q.status === 'failed' ? failed : q.status === 'retrying' ? retrying : eb.or([failed, retrying]);
    });
    if (q.orgId !== undefined) base = base.where('invites.org_id', '=', q.orgId);
    const rows = base.selectAll('outbox').select('invites.org_id as org_id').orderBy('outbox.created_at', 'desc').orderBy('outbox.id', 'desc').limit(q.limit).offset(q.offset).execute();
    return this.counted(base, rows.then((r) => r.map((row) => ({ ...toMail(row), orgId: row.org_id }))), q);
  }

  async getInstanceMail(instanceId: string, id: string): Promise<InstanceMail | null> {
    const row = await this.instanceMail(instanceId).where('outbox.id', '=', id).selectAll('outbox').select('invites.org_id as org_id').executeTakeFirst();
    return row ? { ...toMail(row), orgId: row.org_id } : null;
  }

  /** The outbox rows whose invite belongs to an org of the instance. */
  private instanceMail(instanceId: string) {
    return this.db
      .selectFrom('outbox')
      .innerJoin('invites', 'invites.id', 'outbox.invite_id')
      .innerJoin('orgs', 'orgs.id', 'invites.org_id')
      .where('orgs.instance_id', '=', instanceId);
  }

  async retryMailNow(id: string, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable('outbox')
      .set({ status: 'queued', attempts: 0, next_attempt_at: now, lease_until: null })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('status', '=', 'failed'), eb.and([eb('status', '=', 'queued'), eb('attempts', '>', 0)])]))
      .where((eb) =>
        eb.exists(eb.selectFrom('invites').select('id').whereRef('invites.id', '=', 'outbox.invite_id').where('status', '=', 'pending').where('expires_at', '>', now)),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async appendAudit(a: AuditRecord): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        id: a.id,
        instance_id: a.instanceId,
        org_id: a.orgId,
        at: a.at,
        action: a.action,
        token_id: a.tokenId,
        user_id: a.userId,
        address: a.address,
        target_id: a.targetId,
        email: a.email,
        details: JSON.stringify(a.details),
      })
      .execute();
  }

  async listAudit(instanceId: string | null, q: AuditQuery): Promise<Page<AuditRecord>> {
    let base = this.db.selectFrom('audit_log');
    if (instanceId !== null) base = base.where('instance_id', '=', instanceId);
    if (q.orgId !== undefined) base = base.where('org_id', '=', q.orgId);
    if (q.action !== undefined) base = base.where('action', '=', q.action);
    if (q.since !== undefined) base = base.where('at', '>=', q.since);
    if (q.until !== undefined) base = base.where('at', '<', q.until);
    const rows = base.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
    return this.counted(base, rows.then((r) => r.map(toAudit)), q);
  }

  async nextEventSeq(instanceId: string, count: number): Promise<number> {
    const r = await this.db
      .insertInto('event_counters')
      .values({ instance_id: instanceId, last_seq: count })
      .onConflict((oc) => oc.column('instance_id').doUpdateSet({ last_seq: sql<number>`event_counters.last_seq + ${count}` }))
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    return Number(r.last_seq);
  }

  async insertEvents(events: EventRecord[]): Promise<void> {
    if (events.length === 0) return;
    await this.db
      .insertInto('events')
      .values(events.map((e) => ({ id: e.id, instance_id: e.instanceId, seq: e.seq, org_id: e.orgId, type: e.type, at: e.at, data: JSON.stringify(e.data) })))
      .execute();
  }

  async listEvents(instanceId: string, q: EventQuery): Promise<EventRecord[]> {
    let query = this.db.selectFrom('events').selectAll().where('instance_id', '=', instanceId).where('seq', '>', q.afterSeq);
    if (q.types) query = query.where('type', 'in', q.types);
    if (q.orgId !== undefined) query = query.where('org_id', '=', q.orgId);
    const rows = await query.orderBy('seq').limit(q.limit).execute();
    return rows.map(toEvent);
  }

  async eventBounds(instanceId: string): Promise<{ first: number | null; last: number }> {
    const [first, counter] = await Promise.all([
      this.db.selectFrom('events').select('seq').where('instance_id', '=', instanceId).orderBy('seq').limit(1).executeTakeFirst(),
      this.db.selectFrom('event_counters').select('last_seq').where('instance_id', '=', instanceId).executeTakeFirst(),
    ]);
    return { first: first ? Number(first.seq) : null, last: counter ? Number(counter.last_seq) : 0 };
  }

  async pruneEvents(before: string): Promise<number> {
    await this.db.deleteFrom('webhook_attempts').where('at', '<', before).execute();
    await this.db.deleteFrom('webhook_deliveries').where('created_at', '<', before).execute();
    // Each instance loses a prefix of its numbers, never one from the middle: instants of
    // transactions that overlapped need not follow their commit order.
    const cuts = await this.db.selectFrom('events').select(['instance_id', (eb) => eb.fn.max('seq').as('cut')]).where('at', '<', before).groupBy('instance_id').execute();
    let deleted = 0;
    for (const { instance_id, cut } of cuts) {
      const r = await this.db.deleteFrom('events').where('instance_id', '=', instance_id).where('seq', '<=', Number(cut)).executeTakeFirst();
      deleted += Number(r.numDeletedRows);
    }
    return deleted;
  }

  async getEvent(instanceId: string, id: string): Promise<EventRecord | null> {
    const r = await this.db.selectFrom('events').selectAll().where('id', '=', id).where('instance_id', '=', instanceId).executeTakeFirst();
    return r ? toEvent(r) : null;
  }

  async insertWebhook(w: WebhookRecord): Promise<void> {
    await this.db.insertInto('webhooks').values(webhookRow(w)).execute();
  }

  async getWebhook(instanceId: string, id: string): Promise<WebhookRecord | null> {
    const r = await this.db.selectFrom('webhooks').selectAll().where('id', '=', id).where('instance_id', '=', instanceId).executeTakeFirst();
    return r ? toWebhook(r) : null;
  }

  async listWebhooks(instanceId: string): Promise<WebhookRecord[]> {
    const rows = await this.db.selectFrom('webhooks').selectAll().where('instance_id', '=', instanceId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toWebhook);
  }

  async enabledWebhooks(instanceId: string): Promise<WebhookRecord[]> {
    const { rows } = await this.db.executeQuery(enabledWebhooksOf.bind(this.db, this.hooks, [instanceId]));
    return rows.map(toWebhook);
  }

  async updateWebhook(id: string, change: WebhookChange): Promise<WebhookRecord | null> {
    const row = webhookRow(change);
    const r = await this.db.updateTable('webhooks').set(row).where('id', '=', id).returningAll().executeTakeFirst();
    return r ? toWebhook(r) : null;
  }

  async deleteWebhook(id: string): Promise<boolean> {
    await this.db.deleteFrom('webhook_attempts').where('webhook_id', '=', id).execute();
    await this.db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
    const r = await this.db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async insertDeliveries(deliveries: DeliveryRecord[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db
      .insertInto('webhook_deliveries')
      .values(deliveries.map((d) => ({ id: d.id, webhook_id: d.webhookId, event_id: d.eventId, status: d.status, attempts: d.attempts, next_attempt_at: d.nextAttemptAt, created_at: d.createdAt, delivered_at: d.deliveredAt })))
      .execute();
  }

  async cancelDeliveries(webhookId: string): Promise<number> {
    const r = await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'cancelled', lease_until: null })
      .where('webhook_id', '=', webhookId)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async claimDueDeliveries(now: string, leaseUntil: string, limit: number): Promise<DueDelivery[]> {
    const ids = await this.claimLeased('webhook_deliveries', now, leaseUntil, limit);
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .innerJoin('events as e', 'e.id', 'd.event_id')
      .selectAll('d')
      .select([
        'w.instance_id as w_instance_id', 'w.org_id as w_org_id', 'w.url as w_url', 'w.events as w_events', 'w.description as w_description',
        'w.enabled as w_enabled', 'w.disabled_reason as w_disabled_reason', 'w.secret as w_secret', 'w.previous_secret as w_previous_secret',
        'w.previous_secret_until as w_previous_secret_until', 'w.created_at as w_created_at', 'w.updated_at as w_updated_at',
        'e.instance_id as e_instance_id', 'e.seq as e_seq', 'e.org_id as e_org_id', 'e.type as e_type', 'e.at as e_at', 'e.data as e_data',
      ])
      .where('d.id', 'in', ids)
      .execute();
    // A delivery written for an endpoint that was being disabled (its fan-out read the endpoint first) is not sent.
    const disabled = rows.filter((r) => r.w_enabled !== 1).map((r) => r.id);
    if (disabled.length > 0) await this.db.updateTable('webhook_deliveries').set({ status: 'cancelled', lease_until: null }).where('id', 'in', disabled).execute();
    return rows.filter((r) => r.w_enabled === 1).map((r) => ({
      delivery: toDelivery(r),
      webhook: toWebhook({
        id: r.webhook_id, instance_id: r.w_instance_id, org_id: r.w_org_id, url: r.w_url, events: r.w_events, description: r.w_description,
        enabled: r.w_enabled, disabled_reason: r.w_disabled_reason, secret: r.w_secret, previous_secret: r.w_previous_secret,
        previous_secret_until: r.w_previous_secret_until, created_at: r.w_created_at, updated_at: r.w_updated_at,
      }),
      event: toEvent({ id: r.event_id, instance_id: r.e_instance_id, seq: r.e_seq, org_id: r.e_org_id, type: r.e_type, at: r.e_at, data: r.e_data }),
    }));
  }

  async finishAttempts(results: AttemptResult[]): Promise<void> {
    if (results.length === 0) return;
    await this.db
      .insertInto('webhook_attempts')
      .values(results.map(({ attempt: a }) => ({
        id: a.id, delivery_id: a.deliveryId, webhook_id: a.webhookId, event_id: a.eventId, at: a.at, duration_ms: a.durationMs,
        status_code: a.statusCode, error: a.error, excerpt: a.excerpt, next_attempt_at: a.nextAttemptAt,
      })))
      .execute();
    // The usual outcomes in one statement each (a delivery's time is its batch's: each attempt keeps its own);
    // a retry has its own next time.
    const ended = (status: 'delivered' | 'failed') => results.filter((r) => r.status === status);
    for (const group of [ended('delivered'), ended('failed')]) {
      if (group.length === 0) continue;
      await this.db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          status: group[0].status,
          attempts: eb('attempts', '+', 1),
          lease_until: null,
          ...(group[0].status === 'delivered' ? { delivered_at: group.at(-1)!.attempt.at } : {}),
        }))
        .where('id', 'in', group.map((r) => r.attempt.deliveryId))
        .execute();
    }
    const ids = results.map((r) => r.attempt.deliveryId);
    for (const r of results) {
      if (r.status === 'queued') {
        await this.db
          .updateTable('webhook_deliveries')
          .set((eb) => ({ status: 'queued', attempts: eb('attempts', '+', 1), lease_until: null, next_attempt_at: r.nextAttemptAt! }))
          .where('id', '=', r.attempt.deliveryId)
          .execute();
      }
      if (r.disableWebhook !== undefined) {
        await this.updateWebhook(r.attempt.webhookId, { enabled: false, disabledReason: r.disableWebhook, updatedAt: r.attempt.at });
        await this.cancelDeliveries(r.attempt.webhookId);
      }
    }
    // An endpoint disabled while its attempts were out gets no retry; one deleted keeps no log.
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'cancelled' })
      .where('id', 'in', ids)
      .where('status', '=', 'queued')
      .where('webhook_id', 'not in', this.db.selectFrom('webhooks').select('id').where('enabled', '=', 1))
      .execute();
    await this.db
      .deleteFrom('webhook_attempts')
      .where('id', 'in', results.map((r) => r.attempt.id))
      .where('webhook_id', 'not in', this.db.selectFrom('webhooks').select('id'))
      .execute();
  }

  async listAttempts(webhookId: string, offset: number, limit: number) {
    const rows = await this.db
      .selectFrom('webhook_attempts as a')
      .innerJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id')
      .leftJoin('events as e', 'e.id', 'a.event_id')
      .selectAll('a')
      .select(['d.status as delivery_status', 'e.type as event_type'])
      .where('a.webhook_id', '=', webhookId)
      .orderBy('a.at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((r) => ({ ...toAttempt(r), deliveryStatus: r.delivery_status as DeliveryRecord['status'], eventType: (r.event_type as EventType | null) ?? null }));
  }

  async countPendingDeliveries(webhookId: string): Promise<number> {
    const r = await this.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('webhook_id', '=', webhookId)
      .where('status', 'in', ['queued', 'sending'])
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async hitRateLimit(key: string, windowStart: number): Promise<number> {
    const r = await this.db
      .insertInto('rate_limits')
      .values({ key, window_start: windowStart, hits: 1 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          hits: sql<number>`case when rate_limits.window_start = excluded.window_start then rate_limits.hits + 1 else 1 end`,
          window_start: sql<number>`excluded.window_start`,
        }),
      )
      .returning('hits')
      .executeTakeFirstOrThrow();
    return Number(r.hits);
  }

  async peekRateLimit(key: string, windowStart: number): Promise<number> {
    const r = await this.db.selectFrom('rate_limits').select('hits').where('key', '=', key).where('window_start', '=', windowStart).executeTakeFirst();
    return r ? Number(r.hits) : 0;
  }

  async pruneRateLimits(before: number): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('window_start', '<', before).execute();
  }

  async claimIdempotencyKey(c: IdempotencyClaim): Promise<IdempotencyState> {
    const row = { key: c.key, fingerprint: c.fingerprint, owner: c.owner, lease_until: c.leaseUntil, expires_at: c.expiresAt, status: null, headers: null, body: null };
    for (;;) {
      const inserted = await this.db.insertInto('idempotency_keys').values(row).onConflict((oc) => oc.column('key').doNothing()).returning('key').executeTakeFirst();
      if (inserted) return { state: 'fresh', resumed: false };
      const held = await this.db.selectFrom('idempotency_keys').selectAll().where('key', '=', c.key).executeTakeFirst();
      // Gone between the two statements (pruned): try the insert again.
      if (!held) continue;
      if (held.expires_at <= c.now) {
        await this.db.deleteFrom('idempotency_keys').where('key', '=', c.key).where('expires_at', '=', held.expires_at).execute();
        continue;
      }
      if (held.status !== null) {
        return { state: 'answered', fingerprint: held.fingerprint, answer: { status: Number(held.status), contentType: held.headers, body: held.body ?? '' } };
      }
      if (held.fingerprint === c.fingerprint && held.lease_until < c.now) {
        // Its first request died (or lost the database) before answering: this one takes over,
        // and the journal tells it what the first one already wrote.
        const taken = await this.db
          .updateTable('idempotency_keys')
          .set({ owner: c.owner, lease_until: c.leaseUntil })
          .where('key', '=', c.key)
          .where('owner', '=', held.owner)
          .where('status', 'is', null)
          .returning('key')
          .executeTakeFirst();
        if (taken) return { state: 'fresh', resumed: true };
        continue;
      }
      return { state: 'running', fingerprint: held.fingerprint };
    }
  }

  async keepIdempotentAnswer(key: string, owner: string, answer: KeptAnswer): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ status: answer.status, headers: answer.contentType, body: answer.body })
      .where('key', '=', key)
      .where('owner', '=', owner)
      .execute();
  }

  async releaseIdempotencyKey(key: string, owner: string): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('key', '=', key).where('owner', '=', owner).where('status', 'is', null).execute();
  }

  async pruneRequestRecords(now: string): Promise<void> {
    await this.db.deleteFrom('request_journal').where('expires_at', '<', now).execute();
    await this.db.deleteFrom('idempotency_keys').where('expires_at', '<', now).execute();
  }

  /** Adds the glob filter of a list query; `table` qualifies the column in joined queries. */
  private filtered<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, q: ListQuery<string>, table = ''): QB {
    if (!q.filterField || !q.filter) return qb;
    const column = sql.ref(`${table}${FILTER_COLUMNS[q.filterField]}`);
    let out = qb.where(sql<boolean>`${column} like ${q.filter.like} escape '\\'`) as QB;
    if (q.filter.prefix) {
      out = out
        .where(sql<boolean>`${column} >= ${q.filter.prefix}`)
        .where(sql<boolean>`${column} < ${q.filter.prefix + MAX_CHAR}`) as QB;
    }
    return out;
  }

  /**
   * A page and its total. Counting every match is a scan of every match (25 ms for 100,000 in
   * one org), so a paged list counts up to COUNT_CAP, or just past the page asked for when that
   * is further, and says when it stopped there: the total is then a lower bound.
   */
  private async counted<T>(base: SelectQueryBuilder<any, any, any>, items: Promise<T[]>, q: { offset?: number; limit?: number }): Promise<Page<T>> {
    if (q.limit === undefined) {
      const all = await items;
      return { items: all, totalCount: all.length };
    }
    const cap = Math.max(COUNT_CAP, (q.offset ?? 0) + q.limit);
    const matches = base.select(sql<number>`1`.as('one')).limit(cap + 1).as('matches');
    const [page, [count]] = await Promise.all([items, this.read(this.db.selectFrom(matches).select((eb) => eb.fn.countAll().as('n')).compile())]);
    const n = Number(count.n);
    return n > cap ? { items: page, totalCount: cap, totalCountCapped: true } : { items: page, totalCount: n };
  }

  /** The first row of a hot lookup (see lookup.ts). */
  private async first<P extends unknown[], R>(query: Lookup<P, R>, ...parameters: P): Promise<R | undefined> {
    const [row] = await this.read(query.bind(this.db, this.hooks, parameters));
    return row;
  }

  /** A read's rows: outside a transaction from the dialect's reader if it has one, else through Kysely. */
  private async read<R>(query: CompiledQuery<R>): Promise<R[]> {
    const reader = this.inTransaction ? undefined : this.hooks.reader;
    return reader ? reader.all(query) : (await this.db.executeQuery(query)).rows;
  }

  private paged<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, q: ListQuery<string>): QB {
    return q.limit === undefined ? qb : (qb.limit(q.limit).offset(q.offset ?? 0) as unknown as QB);
  }
}
