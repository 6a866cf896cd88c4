import type { AuditLogCollection, AuditLogQuery } from '../contract/audit.js';
import { canonicalEmail, canonicalId, isEmailShaped } from '../contract/canonical.js';
import { KNOWN_SCOPES, USER_SCOPES } from '../contract/scopes.js';
import { AuditTrail } from './audit.js';
import { AppError, invalid, notFound, UniqueViolation } from './errors.js';
import { newId } from './ids.js';
import { newOrg } from './orgs.js';
import { orgChange, type OrgUpdate } from './org-change.js';
import type { InstanceRecord, InstanceRole, OrgRecord, TokenRecord, UserRecord } from './records.js';
import { requireText } from './text.js';
import { hashSecret, newSecret } from './secrets.js';
import type { InstanceSummary, OrgPeople, Store } from './store.js';
import { tokenState } from './tokens.js';

/** API tokens start with this, so that secret scanners and people can tell one when they see it. */
const TOKEN_PREFIX = 'gh_';

/** An org as the operator sees it: with who takes its seats. */
export type OrgView = OrgRecord & OrgPeople;

export type { OrgUpdate };

/**
 * What an operator does with the database at hand, outside the API (the CLI): the set-up
 * before the API can be used (instances, organizations, users, tokens), and looking after
 * mail and the audit trail.
 */
export class Operator {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  async createInstance(name: string): Promise<InstanceRecord> {
    const instance = { id: newId(), name: requireText(name, 'name'), createdAt: this.now() };
    await this.store.insertInstance(instance);
    return instance;
  }

  async addInstanceMember(instanceId: string, userId: string, role: InstanceRole) {
    const instance = await this.instance(instanceId);
    const user = await this.store.getUser(canonicalId(userId));
    if (!user) throw notFound('User');
    await this.store.setInstanceMember(instance.id, user.id, role);
    return { instanceId: instance.id, userId: user.id, role };
  }

  async createOrg(input: { instanceId: string; name: string; memberLimit?: number; inviteTtlMs?: number }): Promise<OrgRecord> {
    const instance = await this.instance(input.instanceId);
    const org = newOrg(instance.id, input, this.clock());
    await this.store.insertOrg(org);
    return org;
  }

  /** Every instance, oldest first, with its number of organizations. */
  listInstances(): Promise<InstanceSummary[]> {
    return this.store.listInstances();
  }

  /** The first `limit` organizations of an instance by name, each with its members and live invites. */
  async listOrgs(instanceId: string, limit: number) {
    const instance = await this.instance(instanceId);
    const page = await this.store.listOrgs(instance.id, { sortField: 'name', sortDirection: 'asc', offset: 0, limit });
    const items = await this.withPeople(page.items);
    return { items, instanceId: instance.id, count: items.length, totalCount: page.totalCount, ...(page.totalCountCapped ? { totalCountCapped: true as const } : {}) };
  }

  async getOrg(id: string): Promise<OrgView> {
    const org = await this.store.getOrg(canonicalId(id));
    if (!org) throw notFound('Organization');
    return (await this.withPeople([org]))[0];
  }

  /**
   * Changes the fields given. A member limit below the seats already taken is allowed: nobody
   * is removed, and invites and adds are refused until seats free up.
   */
  async updateOrg(id: string, change: OrgUpdate): Promise<OrgView> {
    const nothing = 'Nothing to change: give --name, --description, --member-limit or --no-member-limit, --invite-ttl or --default-invite-ttl, --locale or --default-locale';
    const updated = await this.store.updateOrg(canonicalId(id), orgChange(change, this.clock(), nothing));
    if (!updated) throw notFound('Organization');
    return (await this.withPeople([updated]))[0];
  }

  /** The first `limit` tokens of an instance, newest first, each with whether it still works. Never a secret or its hash. */
  async listTokens(instanceId: string, limit: number) {
    const instance = await this.instance(instanceId);
    const page = await this.store.listTokens(instance.id, { offset: 0, limit });
    const now = this.now();
    const items = page.items.map((t) => ({ ...t, state: tokenState(t, now) }));
    return { items, instanceId: instance.id, count: items.length, totalCount: page.totalCount, ...(page.totalCountCapped ? { totalCountCapped: true as const } : {}) };
  }

  async createUser(input: { email: string; firstName?: string; lastName?: string }): Promise<UserRecord> {
    const email = canonicalEmail(input.email);
    if (!isEmailShaped(email)) throw invalid(`"${input.email}" is not an email address`);
    const user: UserRecord = {
      id: newId(),
      email,
      firstName: input.firstName || null,
      lastName: input.lastName ?? null,
      avatarUrl: null,
      twoFactorAuthEnabled: false,
      ssoLinked: false,
      createdAt: this.now(),
    };
    try {
      await this.store.insertUser(user);
    } catch (error) {
      if (error instanceof UniqueViolation) throw invalid(`A user with email ${email} already exists`);
      throw error;
    }
    return user;
  }

  /** Creates a token and returns its secret, which is shown this once: only its hash is kept. */
  async createToken(input: { instanceId: string; scopes: string[]; userId?: string; orgId?: string | null; ttlMs?: number }) {
    const instance = await this.instance(input.instanceId);
    let orgId: string | null = null;
    if (input.orgId) {
      const org = await this.store.getOrg(canonicalId(input.orgId));
      if (!org || org.instanceId !== instance.id) throw notFound('Organization');
      orgId = org.id;
    }
    if (input.scopes.length === 0) throw invalid('A token needs at least one scope');
    const unknown = input.scopes.filter((s) => !KNOWN_SCOPES.has(s));
    if (unknown.length) throw invalid(`Unknown scope(s): ${unknown.join(', ')}. Known: ${[...KNOWN_SCOPES].join(', ')}`);
    let userId: string | null = null;
    if (input.userId) {
      const user = await this.store.getUser(canonicalId(input.userId));
      if (!user) throw notFound('User');
      userId = user.id;
    } else if (input.scopes.some((s) => USER_SCOPES.has(s))) {
      throw invalid('all.User and all.User.read tokens act for a user: give --user');
    }
    const now = this.clock();
    const record: TokenRecord = {
      id: newId(now.getTime()),
      instanceId: instance.id,
      userId,
      orgId,
      scopes: [...new Set(input.scopes)],
      createdAt: now.toISOString(),
      expiresAt: input.ttlMs ? new Date(now.getTime() + input.ttlMs).toISOString() : null,
      revokedAt: null,
    };
    const secret = newSecret(TOKEN_PREFIX);
    await this.store.insertToken(record, hashSecret(secret));
    return { ...record, token: secret };
  }

  /** Returns the id of the token revoked, in its stored form. */
  async revokeToken(id: string): Promise<string> {
    const tokenId = canonicalId(id);
    if (!(await this.store.revokeToken(tokenId, this.now()))) throw notFound('Token (or it is already revoked)');
    return tokenId;
  }

  /**
   * On an empty database: a default instance, organization and all.Instance token, so that
   * a fresh `serve` is usable at once. Returns null when the database already has data.
   */
  async bootstrap() {
    // Under a lock, so that replicas starting together on an empty database create one set.
    return this.store.transaction(async (store) => {
      await store.lock('setup');
      if ((await store.countInstances()) > 0) return null;
      const operator = new Operator(store, this.clock);
      const instance = await operator.createInstance('Default instance');
      const org = await operator.createOrg({ instanceId: instance.id, name: 'Default organization' });
      const token = await operator.createToken({ instanceId: instance.id, scopes: ['all.Instance'] });
      return { instance, org, token };
    });
  }

  /** Mail not delivered yet: queued (or being sent) and failed, oldest first. Bodies are left out. */
  async undeliveredMail(limit = 1000) {
    const mails = await this.store.listMail(['queued', 'sending', 'failed'], limit);
    return mails.map(({ text: _text, html: _html, ...rest }) => rest);
  }

  /**
   * Puts a failed message back in the queue, with a fresh set of attempts, if its link still
   * works. Returns the message's id, in its stored form.
   */
  async retryMail(id: string): Promise<string> {
    const mail = await this.store.getMail(canonicalId(id));
    if (mail?.status !== 'failed') throw notFound('Failed mail with that id');
    if (!(await this.store.requeueFailedMail(mail.id, this.now()))) {
      throw new AppError('mail_not_retryable', 'The invite of this mail is no longer live (accepted, declined, revoked, replaced or expired): resend the invite instead');
    }
    return mail.id;
  }

  /** The audit trail of one instance, or with `instanceId` null of every instance. */
  auditTrail(instanceId: string | null, query: AuditLogQuery): Promise<AuditLogCollection> {
    return new AuditTrail({ store: this.store }).list(instanceId === null ? null : canonicalId(instanceId), query);
  }

  private async withPeople(orgs: OrgRecord[]): Promise<OrgView[]> {
    const people = await this.store.countOrgPeople(orgs.map((o) => o.id), this.now());
    return orgs.map((o) => ({ ...o, ...(people.get(o.id) ?? { members: 0, pendingInvites: 0 }) }));
  }

  private async instance(id: string): Promise<InstanceRecord> {
    const instance = await this.store.getInstance(canonicalId(id));
    if (!instance) throw notFound('Instance');
    return instance;
  }

  private now(): string {
    return this.clock().toISOString();
  }
}
