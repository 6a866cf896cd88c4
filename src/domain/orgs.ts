import { ORG_LIST_DEFAULTS, type Org, type OrgCollection, type OrgListQuery, type OrgPatch, type OrgPost } from '../contract/orgs.js';
import { type Actor, audit } from './audit.js';
import type { DomainDeps } from './context.js';
import { AppError, notFound } from './errors.js';
import { newId } from './ids.js';
import { orgChange } from './org-change.js';
import { resolveList, totals } from './lists.js';
import { toOrg } from './presenters.js';
import type { OrgRecord } from './records.js';
import type { Store } from './store.js';
import { requireText } from './text.js';

/** An instance's organizations, as the API lists and creates them. */
export class Orgs {
  constructor(private readonly deps: DomainDeps) {}

  async list(instanceId: string, params: OrgListQuery): Promise<OrgCollection> {
    await this.instance(instanceId);
    const { query, echo } = resolveList(params, ORG_LIST_DEFAULTS);
    const page = await this.deps.store.listOrgs(instanceId, query);
    const items = page.items.map(toOrg);
    return { items, instanceId, count: items.length, ...totals(page), page: 0, perPage: ORG_LIST_DEFAULTS.perPage, ...echo };
  }

  async create(instanceId: string, body: OrgPost, actor: Actor): Promise<Org> {
    await this.instance(instanceId);
    const org = newOrg(instanceId, { name: body.name, description: body.description, iconColor: body.iconColor, memberLimit: body.limits?.member }, this.deps.clock());
    await this.deps.store.transaction(async (store) => {
      await store.insertOrg(org);
      await audit(store, this.deps.clock, actor, {
        instanceId,
        orgId: org.id,
        action: 'instanceOrgs.post',
        targetId: org.id,
        email: null,
        details: { name: org.name, memberLimit: org.memberLimit },
      });
    });
    return toOrg(org);
  }

  async get(instanceId: string, orgId: string): Promise<Org> {
    return toOrg(await resolveOrg(this.deps.store, instanceId, orgId));
  }

  /** Changes the fields given, with the rules of the CLI's `org update` (src/domain/org-change.ts). */
  async update(instanceId: string, orgId: string, body: OrgPatch, actor: Actor): Promise<Org> {
    const change = orgChange(
      {
        name: body.name,
        description: body.description,
        memberLimit: body.limits?.member,
        inviteTtlMs: body.inviteTtlMs,
        locale: body.locale,
      },
      this.deps.clock(),
      'Nothing to change: give name, description, limits.member, inviteTtlMs or locale',
    );
    return this.deps.store.transaction(async (store) => {
      const org = await resolveOrg(store, instanceId, orgId);
      const updated = await store.updateOrg(org.id, change);
      if (!updated) throw notFound('Organization');
      const details = Object.fromEntries(Object.entries({ name: change.name, description: change.description, memberLimit: change.memberLimit, inviteTtlMs: change.inviteTtlMs, locale: change.locale }).filter(([, v]) => v !== undefined));
      await audit(store, this.deps.clock, actor, { instanceId, orgId: org.id, action: 'instanceOrg.patch', targetId: org.id, email: null, details });
      return toOrg(updated);
    });
  }

  private async instance(instanceId: string): Promise<void> {
    if (!(await this.deps.store.getInstance(instanceId))) throw notFound('Instance');
  }
}

interface NewOrg {
  name: string;
  description?: string;
  iconColor?: string;
  memberLimit?: number;
  inviteTtlMs?: number;
}

/** A new org record; its name is shown in mail and pages, so it is one trimmed line. */
export function newOrg(instanceId: string, input: NewOrg, now: Date): OrgRecord {
  const at = now.toISOString();
  return {
    id: newId(now.getTime()),
    instanceId,
    name: requireText(input.name, 'name'),
    memberLimit: input.memberLimit ?? null,
    inviteTtlMs: input.inviteTtlMs ?? null,
    description: input.description || null,
    iconColor: input.iconColor || null,
    locale: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** The org at `orgId`, which must belong to `instanceId`; a 404 otherwise. */
export async function resolveOrg(store: Store, instanceId: string, orgId: string): Promise<OrgRecord> {
  const org = await store.getOrg(orgId);
  if (!org || org.instanceId !== instanceId) throw notFound('Organization');
  return org;
}

/**
 * Members plus pending, unexpired invites may not exceed the org's limit. Call it inside the
 * transaction that takes the seat: the org lock keeps two replicas from both taking the last one.
 */
export async function assertSeatFree(store: Store, org: OrgRecord, now: Date): Promise<void> {
  if (org.memberLimit === null) return;
  await store.lock({ org: org.id });
  const used = await store.countSeats(org.id, now.toISOString());
  if (used >= org.memberLimit) {
    throw new AppError('member_limit_reached', `Organization has reached its member limit of ${org.memberLimit} (members plus pending invites)`);
  }
}
