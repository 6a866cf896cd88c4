import { canonicalEmail, type Locale } from '../contract/canonical.js';
import type { JoinInfo, JoinLink, JoinLinkCollection, JoinLinkPatch, JoinLinkPost, JoinRequestResult } from '../contract/join-links.js';
import { type Actor, audit } from './audit.js';
import type { DomainDeps } from './context.js';
import { AppError, alreadyMember, invalid, notFound } from './errors.js';
import { grantData, type NewEvent, publish } from './events.js';
import { newId } from './ids.js';
import type { Invitations } from './invitations.js';
import { resolveOrg } from './orgs.js';
import { isUsedUp, joinLinkExpired, toJoinInfo, toJoinLink } from './presenters.js';
import type { JoinLinkRecord, OrgRecord } from './records.js';
import { newSecret } from './secrets.js';
import type { JoinLinkChange, Store } from './store.js';

/** Each link is a door into the org: a cap keeps a script from opening them without end. */
export const MAX_JOIN_LINKS_PER_ORG = 100;

export interface JoinLinkDeps extends Pick<DomainDeps, 'store' | 'clock' | 'onMailQueued' | 'onEventsPublished'> {
  invitations: Invitations;
  /** The base of shareable URLs (GATEHOUSE_PUBLIC_URL). */
  publicUrl: () => string;
}

/**
 * Join links: a URL an admin shares instead of typing addresses. Whoever opens it gives an
 * email address; Gatehouse mails it a confirmation (an invite with the link's roles, through
 * the outbox), and only accepting that makes a member, with the existing atomic accept, which
 * counts the use. So a link never admits an address nobody can read mail at.
 */
export class JoinLinks {
  constructor(private readonly deps: JoinLinkDeps) {}

  private get store(): Store {
    return this.deps.store;
  }

  /** `showUrl`: false for callers who may read links but not make them (see JoinLink.url). */
  async list(instanceId: string, orgId: string, showUrl: boolean): Promise<JoinLinkCollection> {
    const org = await resolveOrg(this.store, instanceId, orgId);
    const items = (await this.store.listJoinLinks(org.id)).map((l) => this.present(l, org, showUrl));
    return { items, instanceId: org.instanceId, orgId: org.id, count: items.length };
  }

  async get(instanceId: string, orgId: string, joinLinkId: string, showUrl: boolean): Promise<JoinLink> {
    const org = await resolveOrg(this.store, instanceId, orgId);
    return this.present(await this.existing(this.store, org, joinLinkId), org, showUrl);
  }

  async create(instanceId: string, orgId: string, body: JoinLinkPost, actor: Actor): Promise<JoinLink> {
    const now = this.deps.clock();
    const expiresAt = this.futureInstant(body.expiresAt);
    const result = await this.store.transaction(async (store) => {
      const org = await resolveOrg(store, instanceId, orgId);
      if ((await store.listJoinLinks(org.id)).length >= MAX_JOIN_LINKS_PER_ORG) {
        throw invalid(`An organization has at most ${MAX_JOIN_LINKS_PER_ORG} join links: delete one first`);
      }
      const at = now.toISOString();
      const link: JoinLinkRecord = {
        id: newId(now.getTime()),
        orgId: org.id,
        code: newSecret(),
        role: body.role,
        applicationRoles: body.applicationRoles ?? [],
        dashboardRoles: body.dashboardRoles ?? [],
        maxUses: body.maxUses ?? null,
        uses: 0,
        expiresAt: expiresAt ?? null,
        allowedDomains: domains(body.allowedDomains),
        description: body.description?.trim() || null,
        state: body.state ?? 'active',
        createdAt: at,
        updatedAt: at,
      };
      await store.insertJoinLink(link);
      await this.record(store, actor, org, link, 'instanceOrgJoinLinks.post', 'join_link.created');
      return this.present(link, org);
    });
    this.deps.onEventsPublished();
    return result;
  }

  /** Changes the link; disabling it withdraws the confirmations it mailed that were not accepted yet. */
  async update(instanceId: string, orgId: string, joinLinkId: string, patch: JoinLinkPatch, actor: Actor): Promise<JoinLink> {
    const expiresAt = patch.expiresAt === null ? null : this.futureInstant(patch.expiresAt);
    const change: JoinLinkChange = {
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.applicationRoles !== undefined ? { applicationRoles: patch.applicationRoles } : {}),
      ...(patch.dashboardRoles !== undefined ? { dashboardRoles: patch.dashboardRoles } : {}),
      ...(patch.maxUses !== undefined ? { maxUses: patch.maxUses } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(patch.allowedDomains !== undefined ? { allowedDomains: domains(patch.allowedDomains) } : {}),
      ...(patch.description !== undefined ? { description: patch.description?.trim() || null } : {}),
      ...(patch.state !== undefined ? { state: patch.state } : {}),
    };
    return this.change(instanceId, orgId, joinLinkId, actor, 'instanceOrgJoinLink.patch', 'changed', (current) => ({
      change,
      withdraw: current.state === 'active' && patch.state === 'disabled',
    }));
  }

  /** A new code: the old URL stops working at once, and so do the confirmations it mailed. */
  async rotate(instanceId: string, orgId: string, joinLinkId: string, actor: Actor): Promise<JoinLink> {
    return this.change(instanceId, orgId, joinLinkId, actor, 'instanceOrgJoinLink.rotate', 'rotated', () => ({ change: { code: newSecret() }, withdraw: true }));
  }

  async remove(instanceId: string, orgId: string, joinLinkId: string, actor: Actor): Promise<void> {
    await this.store.transaction(async (store) => {
      const org = await resolveOrg(store, instanceId, orgId);
      const link = await this.locked(store, org, joinLinkId);
      const withdrawn = await this.withdraw(store, org, link);
      await store.deleteJoinLink(link.id);
      await this.record(store, actor, org, link, 'instanceOrgJoinLink.delete', 'join_link.deleted', {}, withdrawn);
    });
    this.deps.onEventsPublished();
  }

  /** What the join page shows. Reads only: mail scanners and link previews open URLs. */
  async info(code: string): Promise<JoinInfo> {
    const link = this.usable(await this.store.getJoinLinkByCode(code));
    const org = await this.store.getOrg(link.orgId);
    if (!org) throw unusable();
    return toJoinInfo(link, org);
  }

  /** The org of an active link, expired or used up ones included (the page names it and wears its branding); null otherwise. */
  async codeOrg(code: string): Promise<OrgRecord | null> {
    const link = await this.store.getJoinLinkByCode(code);
    return link?.state === 'active' ? this.store.getOrg(link.orgId) : null;
  }

  /**
   * Mails `email` a confirmation link. Refused without a mail: an address outside the link's
   * domains, an existing member, a person with another pending invitation to the org.
   */
  async request(code: string, email: string, actor: Actor, locale: Locale | null = null): Promise<JoinRequestResult> {
    const address = canonicalEmail(email);
    const found = this.usable(await this.store.getJoinLinkByCode(code));
    if (!domainAllowed(found, address)) throw domainRefused(found);
    const invite = await this.store.transaction(async (store) => {
      await store.lock({ email: address }); // then the link's row, then invites (Store.lock)
      // Under the row lock: a rotation or a disabling that committed meanwhile is seen here.
      const locked = await store.lockJoinLink(found.id);
      const link = this.usable(locked && locked.code === code ? locked : null);
      const org = await store.getOrg(link.orgId);
      if (!org) throw unusable();
      const user = await store.getUserByEmail(address);
      if (user && (await store.getMember(org.id, user.id))) throw alreadyMember(address);
      return { org, record: await this.deps.invitations.offerJoin(store, org, link, address, actor, locale) };
    });
    this.deps.onMailQueued();
    this.deps.onEventsPublished();
    return { email: invite.record.email, orgName: invite.org.name, expiresAt: invite.record.expiresAt };
  }

  /** One read-modify-write of a link, with its audit entry and event, and the withdrawal it asks for. */
  private async change(
    instanceId: string,
    orgId: string,
    joinLinkId: string,
    actor: Actor,
    action: string,
    reason: 'changed' | 'rotated',
    plan: (current: JoinLinkRecord) => { change: JoinLinkChange; withdraw: boolean },
  ): Promise<JoinLink> {
    const result = await this.store.transaction(async (store) => {
      const org = await resolveOrg(store, instanceId, orgId);
      const current = await this.locked(store, org, joinLinkId);
      const { change, withdraw } = plan(current);
      const updated = (await store.updateJoinLink(current.id, { ...change, updatedAt: this.deps.clock().toISOString() }))!;
      const withdrawn = withdraw ? await this.withdraw(store, org, updated) : [];
      await this.record(store, actor, org, updated, action, 'join_link.updated', { reason }, withdrawn);
      return this.present(updated, org);
    });
    this.deps.onEventsPublished();
    return result;
  }

  /** Revokes the link's unaccepted confirmations and drops their unsent mail; returns their events. */
  private async withdraw(store: Store, org: OrgRecord, link: JoinLinkRecord): Promise<NewEvent[]> {
    const invites = await store.withdrawJoinLinkInvites(link.id);
    for (const i of invites) await store.cancelUndeliveredMail(i.id);
    return invites.map((i) => ({
      type: 'invite.revoked' as const,
      instanceId: org.instanceId,
      orgId: org.id,
      data: { inviteId: i.id, email: i.email, ...grantData(i), joinLinkId: link.id, reason: 'join_link_withdrawn' },
    }));
  }

  /** The audit entry and the event of a change to a link: its settings, never its code. */
  private async record(store: Store, actor: Actor, org: OrgRecord, link: JoinLinkRecord, action: string, type: NewEvent['type'], extra: { reason?: string } = {}, withdrawn: NewEvent[] = []) {
    const settings = {
      ...grantData(link),
      state: link.state,
      ...(link.maxUses !== null ? { maxUses: link.maxUses } : {}),
      uses: link.uses,
      ...(link.expiresAt !== null ? { expiresAt: link.expiresAt } : {}),
      allowedDomains: link.allowedDomains,
    };
    await audit(store, this.deps.clock, actor, { instanceId: org.instanceId, orgId: org.id, action, targetId: link.id, email: null, details: { ...settings, ...extra, withdrawn: withdrawn.length } });
    await publish(store, this.deps.clock(), actor, [...withdrawn, { type, instanceId: org.instanceId, orgId: org.id, data: { joinLinkId: link.id, ...settings, ...extra } }]);
  }

  /** The link behind a code, if it may be used now: 404 when unknown, disabled or used up, 410 when expired. */
  private usable(link: JoinLinkRecord | null): JoinLinkRecord {
    if (!link || link.state !== 'active') throw unusable();
    if (joinLinkExpired(link, this.deps.clock())) throw new AppError('join_link_expired', 'This join link has expired');
    if (isUsedUp(link)) throw new AppError('join_link_used_up', 'This join link has been used as many times as it allows');
    return link;
  }

  private async existing(store: Store, org: OrgRecord, joinLinkId: string): Promise<JoinLinkRecord> {
    const link = await store.getJoinLink(org.id, joinLinkId);
    if (!link) throw notFound('Join link');
    return link;
  }

  /** The link of the org, its row held until the transaction ends (changes to one link queue up). */
  private async locked(store: Store, org: OrgRecord, joinLinkId: string): Promise<JoinLinkRecord> {
    const locked = await store.lockJoinLink((await this.existing(store, org, joinLinkId)).id);
    if (!locked) throw notFound('Join link');
    return locked;
  }

  private present(link: JoinLinkRecord, org: OrgRecord, showUrl = true): JoinLink {
    const base = this.deps.publicUrl();
    const url = showUrl ? new URL(`join/${link.code}`, base.endsWith('/') ? base : `${base}/`).toString() : null;
    return toJoinLink(link, org, url, this.deps.clock());
  }

  /** A given expiry as a canonical instant; a time already past is refused (it would make a dead link). */
  private futureInstant(text: string | undefined): string | undefined {
    if (text === undefined) return undefined;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw invalid(`expiresAt: "${text}" is not a date and time`);
    if (ms <= this.deps.clock().getTime()) throw invalid('expiresAt must be in the future');
    return new Date(ms).toISOString();
  }
}

/** Lower-case and each once, in the order given. */
const domains = (list: readonly string[] | undefined) => [...new Set((list ?? []).map((d) => d.toLowerCase()))];

/** Whether the address is of a domain the link allows: exactly one listed (a subdomain only when listed itself). */
const domainAllowed = (link: JoinLinkRecord, email: string) =>
  link.allowedDomains.length === 0 || link.allowedDomains.includes(email.slice(email.lastIndexOf('@') + 1));

const domainRefused = (link: JoinLinkRecord) =>
  new AppError(
    'join_domain_not_allowed',
    link.allowedDomains.length === 1
      ? `This join link is only for addresses at ${link.allowedDomains[0]}`
      : `This join link is only for addresses at one of: ${link.allowedDomains.join(', ')}`,
  );

const unusable = () => new AppError('join_link_invalid', 'This join link cannot be used');
