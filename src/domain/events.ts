import { EVENT_TYPES, EVENTS_DEFAULT_LIMIT, type EventCollection, type EventData, type EventQuery, type EventType, type Via } from '../contract/events.js';
import { canonicalId } from '../contract/canonical.js';
import type { Actor } from './audit.js';
import { AppError, invalid } from './errors.js';
import { newId } from './ids.js';
import { toEvent } from './presenters.js';
import type { DeliveryRecord, EventRecord, RoleGrant } from './records.js';
import type { Store } from './store.js';

/** An event about to be written: what `data` says besides the instance and the actor. */
export interface NewEvent {
  type: EventType;
  instanceId: string;
  orgId: string | null;
  data: Omit<EventData, 'instanceId' | 'actor'>;
}

/** The event's actor: the token and its user (never the token itself) and how the change came. */
export const eventActor = (actor: Pick<Actor, 'tokenId' | 'userId' | 'via'>): EventData['actor'] => ({
  ...(actor.tokenId ? { tokenId: actor.tokenId } : {}),
  ...(actor.userId ? { userId: actor.userId } : {}),
  via: actor.via,
});

export const SYSTEM: Pick<Actor, 'tokenId' | 'userId' | 'via'> = { tokenId: null, userId: null, via: 'system' };

/**
 * Writes events, and a delivery for each enabled endpoint that wants one, on the store of the
 * change's transaction: the events exist exactly when the change does. Call it last in the
 * transaction, since numbering the events locks the instance's counter until the commit (see
 * `Store.nextEventSeq`); several instances are numbered in id order, so that two sweeps
 * never wait for each other's counters.
 */
export async function publish(store: Store, now: Date, actor: Pick<Actor, 'tokenId' | 'userId' | 'via'>, events: NewEvent[]): Promise<void> {
  const at = now.toISOString();
  const byInstance = new Map<string, NewEvent[]>();
  for (const e of events) byInstance.set(e.instanceId, [...(byInstance.get(e.instanceId) ?? []), e]);
  for (const instanceId of [...byInstance.keys()].sort()) {
    const batch = byInstance.get(instanceId)!;
    const endpoints = await store.enabledWebhooks(instanceId);
    const last = await store.nextEventSeq(instanceId, batch.length);
    const records: EventRecord[] = batch.map((e, i) => ({
      id: newId(now.getTime()),
      instanceId,
      seq: last - batch.length + 1 + i,
      orgId: e.orgId,
      type: e.type,
      at,
      data: { instanceId, ...(e.orgId ? { orgId: e.orgId } : {}), ...e.data, actor: eventActor(actor) },
    }));
    await store.insertEvents(records);
    const deliveries: DeliveryRecord[] = records.flatMap((event) =>
      endpoints
        .filter((w) => (w.orgId === null || w.orgId === event.orgId) && (w.events === null || w.events.includes(event.type)))
        .map((w) => ({ id: newId(now.getTime()), webhookId: w.id, eventId: event.id, status: 'queued' as const, attempts: 0, nextAttemptAt: at, createdAt: at, deliveredAt: null })),
    );
    await store.insertDeliveries(deliveries);
  }
}

/** An event's view of a role grant. */
export const grantData = (g: RoleGrant) => ({ role: g.role, applicationRoles: g.applicationRoles, dashboardRoles: g.dashboardRoles });

/** The grant before a change, in the fields that changed. */
export function previousGrant(before: RoleGrant, after: RoleGrant): Partial<NewEvent['data']> {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return {
    ...(before.role !== after.role ? { previousRole: before.role } : {}),
    ...(!same(before.applicationRoles, after.applicationRoles) ? { previousApplicationRoles: before.applicationRoles } : {}),
    ...(!same(before.dashboardRoles, after.dashboardRoles) ? { previousDashboardRoles: before.dashboardRoles } : {}),
  };
}

/** `invite.revoked` for invites that a newer invite or a membership replaced. */
export const replacedInvites = (org: { id: string; instanceId: string }, inviteIds: string[], email: string): NewEvent[] =>
  inviteIds.map((inviteId) => ({ type: 'invite.revoked', instanceId: org.instanceId, orgId: org.id, data: { inviteId, email, reason: 'replaced' } }));

/** The cursor is opaque to consumers; its version prefix lets its form change later. */
const encodeCursor = (seq: number) => Buffer.from(`v1:${seq}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const match = /^v1:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw invalid('"after" is not a cursor of this feed: pass the "next" of an earlier page');
  return Number(match[1]);
}

/** The event feed: an instance's events in commit order, after a cursor. */
export class EventFeed {
  constructor(private readonly deps: { store: Store }) {}

  async list(instanceId: string, q: EventQuery): Promise<EventCollection> {
    const afterSeq = q.after === undefined ? 0 : decodeCursor(q.after);
    if (afterSeq > 0) {
      // Numbers have no gaps: a cursor short of the oldest kept event has lost events to retention.
      const { first, last } = await this.deps.store.eventBounds(instanceId);
      if (afterSeq < last && (first === null || afterSeq + 1 < first)) {
        throw new AppError('events_pruned', 'Events after this cursor are past their retention and were deleted: read the feed again without "after"');
      }
    }
    const types = q.types === undefined ? undefined : parseTypes(q.types);
    const limit = q.limit ?? EVENTS_DEFAULT_LIMIT;
    // One more than the page tells whether more are there.
    const rows = await this.deps.store.listEvents(instanceId, { afterSeq, limit: limit + 1, types, orgId: q.orgId === undefined ? undefined : canonicalId(q.orgId) });
    const items = rows.slice(0, limit);
    return {
      items: items.map(toEvent),
      instanceId,
      next: items.length > 0 ? encodeCursor(items[items.length - 1].seq) : (q.after ?? encodeCursor(0)),
      hasMore: rows.length > limit,
    };
  }
}

export function parseTypes(text: string): EventType[] {
  const types = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const unknown = types.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) throw invalid(`Unknown event type ${JSON.stringify(unknown[0])}; the types are ${EVENT_TYPES.join(', ')}`);
  if (types.length === 0) throw invalid('"types" names no event type');
  return types as EventType[];
}

export type { Via };
