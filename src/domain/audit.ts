import { canonicalId } from '../contract/canonical.js';
import type { DomainDeps } from './context.js';
import { invalid } from './errors.js';
import { newId } from './ids.js';
import { totals } from './lists.js';
import { toAuditLog } from './presenters.js';
import { AUDIT_DEFAULT_PER_PAGE, type AuditLogCollection, type AuditLogQuery } from '../contract/audit.js';
import type { AuditRecord } from './records.js';
import type { AuditQuery, Store } from './store.js';
import type { Via } from '../contract/events.js';

/** Who asked: the token and its user (none on the public endpoints), the client address, and how. */
export interface Actor {
  tokenId: string | null;
  userId: string | null;
  address: string | null;
  via: Via;
}

type AuditEntry = Pick<AuditRecord, 'instanceId' | 'orgId' | 'action' | 'targetId' | 'email' | 'details'>;

/**
 * Records a change in the audit trail. Call it on the store of the change's transaction, so
 * the entry exists exactly when the change does. Secrets never go in: not the API token (only
 * its id) and not the invite token.
 */
export async function audit(store: Store, clock: () => Date, actor: Actor, entry: AuditEntry): Promise<void> {
  const now = clock();
  await store.appendAudit({ id: newId(now.getTime()), at: now.toISOString(), tokenId: actor.tokenId, userId: actor.userId, address: actor.address, ...entry });
}

/** Reading the trail: newest first, by org and time range, paged. */
export class AuditTrail {
  constructor(private readonly deps: Pick<DomainDeps, 'store'>) {}

  /** The trail of one instance, or with `instanceId` null (the CLI) of all of them. */
  async list(instanceId: string | null, q: AuditLogQuery): Promise<AuditLogCollection> {
    const page = q.page ?? 0;
    const perPage = q.perPage ?? AUDIT_DEFAULT_PER_PAGE;
    // Stored instants are UTC ISO strings: a bound given with an offset is compared as UTC.
    // The schema's date-time format lets through what Date cannot hold (a leap second).
    const utc = (iso: string | undefined) => {
      if (iso === undefined) return undefined;
      const at = new Date(iso);
      if (Number.isNaN(at.getTime())) throw invalid(`"${iso}" is not a time this service can compare`);
      return at.toISOString();
    };
    const query: AuditQuery = { orgId: q.orgId === undefined ? undefined : canonicalId(q.orgId), action: q.action, since: utc(q.since), until: utc(q.until), offset: page * perPage, limit: perPage };
    const found = await this.deps.store.listAudit(instanceId, query);
    const items = found.items.map(toAuditLog);
    return {
      items,
      ...(instanceId === null ? {} : { instanceId }),
      count: items.length,
      ...totals(found),
      page,
      perPage,
      ...(query.orgId ? { orgId: query.orgId } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.since ? { since: q.since } : {}),
      ...(q.until ? { until: q.until } : {}),
    };
  }
}
