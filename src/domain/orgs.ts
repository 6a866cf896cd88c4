import type { Store } from '../store/store.js';
import { invalid, notFound } from './errors.js';
import type { OrgRecord } from './records.js';

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
    throw invalid(`Organization has reached its member limit of ${org.memberLimit} (members plus pending invites)`);
  }
}
