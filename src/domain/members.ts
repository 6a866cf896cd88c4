import { canonicalEmail, canonicalId } from '../contract/canonical.js';
import { MEMBER_LIST_DEFAULTS, type Member, type MemberCollection, type MemberPatch, type MemberPost } from '../contract/members.js';
import { type Actor, audit } from './audit.js';
import { grantData, type NewEvent, previousGrant, publish, replacedInvites } from './events.js';
import type { EventType } from '../contract/events.js';
import type { DomainDeps } from './context.js';
import { alreadyMember, notFound, UniqueViolation } from './errors.js';
import { collection, type ListParams, resolveList } from './lists.js';
import { assertSeatFree, resolveOrg } from './orgs.js';
import { toMember, toOrg } from './presenters.js';
import type { OrgWithMembers } from '../contract/org-side.js';
import type { MemberRecord, MemberView, OrgRecord, UserRecord } from './records.js';
import type { MemberSortField, Store } from './store.js';
import { findOrCreateUser } from './users.js';

export class Members {
  constructor(private readonly deps: DomainDeps) {}

  private get store(): Store {
    return this.deps.store;
  }

  async list(instanceId: string, orgId: string, params: ListParams<MemberSortField>): Promise<MemberCollection> {
    const org = await resolveOrg(this.store, instanceId, orgId);
    const { query, echo } = resolveList(params, MEMBER_LIST_DEFAULTS);
    const page = await this.store.listMembers(org.id, query);
    return collection(org, echo, page.items.map((m) => toMember(org, m)), page);
  }

  /** Upstream's `org` answer of the org-side member calls: the org and all its members. */
  async orgWithMembers(instanceId: string, orgId: string): Promise<OrgWithMembers> {
    const org = await resolveOrg(this.store, instanceId, orgId);
    const { items } = await this.store.listMembers(org.id, resolveList({}, MEMBER_LIST_DEFAULTS).query);
    const members = items.map((m) => ({
      userId: m.userId,
      email: m.email,
      ...(m.firstName ? { firstName: m.firstName } : {}),
      ...(m.lastName ? { lastName: m.lastName } : {}),
      ...(m.avatarUrl ? { avatarUrl: m.avatarUrl } : {}),
      role: m.role,
      applicationRoles: m.applicationRoles,
      dashboardRoles: m.dashboardRoles,
    }));
    return { ...toOrg(org), members };
  }

  async get(instanceId: string, orgId: string, userId: string): Promise<Member> {
    const org = await resolveOrg(this.store, instanceId, orgId);
    return toMember(org, await this.existing(this.store, org, userId));
  }

  /**
   * Adds an existing user (by id) or a user found or created by email. A pending invite of
   * that email to the org is ended as `replaced`: the person is in, the link has no purpose.
   */
  async add(instanceId: string, orgId: string, body: MemberPost, actor: Actor): Promise<Member> {
    const now = this.deps.clock();
    const added = await this.store.transaction(async (store) => {
      const org = await resolveOrg(store, instanceId, orgId);
      // The person's lock before any of their rows (Store.lock): by email at once, by id once read.
      if ('email' in body) await store.lock({ email: canonicalEmail(body.email) });
      let user: UserRecord | null;
      if ('userId' in body) {
        // Ids are guessable; another instance's users answer exactly as unknown ids do.
        user = await store.getUserInInstance(org.instanceId, canonicalId(body.userId));
        if (!user) throw notFound('User');
      } else {
        user = await findOrCreateUser(store, canonicalEmail(body.email), now);
      }
      if ('userId' in body) await store.lock({ email: user.email });
      if (await store.getMember(org.id, user.id)) throw alreadyMember(user.email);
      const replaced = await store.retirePendingInvites(org.id, user.email, 'replaced', null);
      for (const id of replaced) await store.cancelUndeliveredMail(id);
      await assertSeatFree(store, org, now);
      try {
        await store.insertMember({
          orgId: org.id,
          userId: user.id,
          email: user.email,
          role: body.role,
          applicationRoles: body.applicationRoles ?? [],
          dashboardRoles: body.dashboardRoles ?? [],
          disallowTransfer: ('disallowTransfer' in body && body.disallowTransfer) || false,
          createdAt: now.toISOString(),
        });
      } catch (error) {
        if (error instanceof UniqueViolation) throw alreadyMember(user.email);
        throw error;
      }
      await audit(store, this.deps.clock, actor, {
        ...memberAuditFields(org, user),
        action: 'instanceOrgMembers.post',
        details: { role: body.role, applicationRoles: body.applicationRoles ?? [], dashboardRoles: body.dashboardRoles ?? [] },
      });
      const member = await this.existing(store, org, user.id);
      await publish(store, now, actor, [
        ...replacedInvites(org, replaced, member.email),
        memberEvent('member.added', org, member),
      ]);
      return toMember(org, member);
    });
    this.deps.onEventsPublished();
    return added;
  }

  async update(instanceId: string, orgId: string, userId: string, patch: MemberPatch, actor: Actor): Promise<Member> {
    const updated = await this.store.transaction(async (store) => {
      const org = await resolveOrg(store, instanceId, orgId);
      const before = await this.existing(store, org, userId);
      // An empty patch changes nothing (and records nothing) but still answers 404 for a non-member.
      if (Object.values(patch).some((v) => v !== undefined)) {
        await store.updateMember(org.id, userId, patch);
        await audit(store, this.deps.clock, actor, { ...memberAuditFields(org, before), action: 'instanceOrgMember.patch', details: { from: before.role, ...patch } });
      }
      const after = await this.existing(store, org, userId);
      const previous = previousGrant(before, after);
      // A patch that sets what was already there is no change to announce.
      if (Object.keys(previous).length > 0) await publish(store, this.deps.clock(), actor, [memberEvent('member.updated', org, after, previous)]);
      return toMember(org, after);
    });
    this.deps.onEventsPublished();
    return updated;
  }

  async remove(instanceId: string, orgId: string, userId: string, actor: Actor): Promise<void> {
    await this.store.transaction(async (store) => {
      const org = await resolveOrg(store, instanceId, orgId);
      const member = await this.existing(store, org, userId);
      if (!(await store.deleteMember(org.id, userId))) throw notFound('Member');
      await audit(store, this.deps.clock, actor, { ...memberAuditFields(org, member), action: 'instanceOrgMember.delete', details: { role: member.role } });
      await publish(store, this.deps.clock(), actor, [memberEvent('member.removed', org, member)]);
    });
    this.deps.onEventsPublished();
  }

  private async existing(store: Store, org: OrgRecord, userId: string): Promise<MemberView> {
    const member = await store.getMember(org.id, userId);
    if (!member) throw notFound('Member');
    return member;
  }
}

/** An event about a member: the user, email and role grant, and `extra`. */
const memberEvent = (type: EventType, org: OrgRecord, member: MemberRecord, extra: Partial<NewEvent['data']> = {}): NewEvent => ({
  type,
  instanceId: org.instanceId,
  orgId: org.id,
  data: { userId: member.userId, email: member.email, ...grantData(member), ...extra },
});

/** The audit fields naming a member of an org. */
const memberAuditFields = (org: OrgRecord, user: { email: string } & ({ id: string } | { userId: string })) => ({
  instanceId: org.instanceId,
  orgId: org.id,
  targetId: 'id' in user ? user.id : user.userId,
  email: user.email,
});
