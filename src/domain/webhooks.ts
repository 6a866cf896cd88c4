import { canonicalId } from '../contract/canonical.js';
import type { DeliveryQuery, RedeliverResult, Webhook, WebhookAttemptCollection, WebhookCollection, WebhookPatch, WebhookPost, WebhookWithSecret } from '../contract/webhooks.js';
import { type Actor, audit } from './audit.js';
import type { DomainDeps } from './context.js';
import { AppError, invalid, notFound } from './errors.js';
import { newId } from './ids.js';
import { toWebhook, toWebhookAttempt } from './presenters.js';
import type { WebhookRecord } from './records.js';
import { newWebhookSecret } from './secrets.js';
import type { Store, WebhookChange } from './store.js';

/** How long the secret before a rotation keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;
/** Each endpoint multiplies every event's work: a cap keeps one token from multiplying it without end. */
export const MAX_WEBHOOKS_PER_INSTANCE = 50;

export interface WebhookDeps extends Pick<DomainDeps, 'store' | 'clock' | 'onEventsPublished'> {
  /** Why Gatehouse may not call this URL, or null when it may (the server-side request forgery rules). */
  urlProblem: (url: string) => string | null;
}

/** Webhook endpoints of an instance: their settings, secrets, delivery log and redelivery. */
export class Webhooks {
  constructor(private readonly deps: WebhookDeps) {}

  private get store(): Store {
    return this.deps.store;
  }

  async list(instanceId: string): Promise<WebhookCollection> {
    const now = this.deps.clock();
    const items = (await this.store.listWebhooks(instanceId)).map((w) => toWebhook(w, now));
    return { items, instanceId, count: items.length };
  }

  async get(instanceId: string, webhookId: string): Promise<Webhook> {
    return toWebhook(await this.existing(this.store, instanceId, webhookId), this.deps.clock());
  }

  async create(instanceId: string, body: WebhookPost, actor: Actor): Promise<WebhookWithSecret> {
    const now = this.deps.clock();
    this.checkUrl(body.url);
    return this.store.transaction(async (store) => {
      const orgId = body.orgId === undefined ? null : await this.orgOf(store, instanceId, body.orgId);
      if ((await store.listWebhooks(instanceId)).length >= MAX_WEBHOOKS_PER_INSTANCE) {
        throw invalid(`An instance has at most ${MAX_WEBHOOKS_PER_INSTANCE} webhook endpoints`);
      }
      const record: WebhookRecord = {
        id: newId(now.getTime()),
        instanceId,
        orgId,
        url: body.url,
        events: body.events ?? null,
        description: body.description ?? null,
        enabled: body.enabled ?? true,
        disabledReason: null,
        secret: newWebhookSecret(),
        previousSecret: null,
        previousSecretUntil: null,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      await store.insertWebhook(record);
      await this.audit(store, actor, record, 'instanceWebhooks.post');
      return { ...toWebhook(record, now), secret: record.secret };
    });
  }

  async update(instanceId: string, webhookId: string, patch: WebhookPatch, actor: Actor): Promise<Webhook> {
    const now = this.deps.clock();
    if (patch.url !== undefined) this.checkUrl(patch.url);
    return this.store.transaction(async (store) => {
      const current = await this.existing(store, instanceId, webhookId);
      const change: WebhookChange = { updatedAt: now.toISOString() };
      if (patch.url !== undefined) change.url = patch.url;
      if (patch.events !== undefined) change.events = patch.events;
      if (patch.description !== undefined) change.description = patch.description;
      if (patch.orgId !== undefined) change.orgId = patch.orgId === null ? null : await this.orgOf(store, instanceId, patch.orgId);
      if (patch.enabled !== undefined) {
        change.enabled = patch.enabled;
        // Enabled again by hand: Gatehouse's own reason for disabling it no longer stands.
        if (patch.enabled) change.disabledReason = null;
      }
      const updated = (await store.updateWebhook(current.id, change))!;
      // A disabled endpoint gets nothing: what waited for it is cancelled (redeliver can send it later).
      if (current.enabled && !updated.enabled) await store.cancelDeliveries(current.id);
      await this.audit(store, actor, updated, 'instanceWebhook.patch');
      return toWebhook(updated, now);
    });
  }

  async remove(instanceId: string, webhookId: string, actor: Actor): Promise<void> {
    await this.store.transaction(async (store) => {
      const current = await this.existing(store, instanceId, webhookId);
      await store.deleteWebhook(current.id);
      await this.audit(store, actor, current, 'instanceWebhook.delete');
    });
  }

  /** A new secret; the old one signs beside it for ROTATION_OVERLAP_MS so that receivers can switch over. */
  async rotate(instanceId: string, webhookId: string, actor: Actor): Promise<WebhookWithSecret> {
    const now = this.deps.clock();
    return this.store.transaction(async (store) => {
      const current = await this.existing(store, instanceId, webhookId);
      const secret = newWebhookSecret();
      const updated = (await store.updateWebhook(current.id, {
        secret,
        previousSecret: current.secret,
        previousSecretUntil: new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString(),
        updatedAt: now.toISOString(),
      }))!;
      await this.audit(store, actor, updated, 'instanceWebhook.rotate');
      return { ...toWebhook(updated, now), secret };
    });
  }

  async attempts(instanceId: string, webhookId: string, q: DeliveryQuery): Promise<WebhookAttemptCollection> {
    const webhook = await this.existing(this.store, instanceId, webhookId);
    const page = q.page ?? 0;
    const perPage = q.perPage ?? 100;
    const [rows, pending] = await Promise.all([this.store.listAttempts(webhook.id, page * perPage, perPage), this.store.countPendingDeliveries(webhook.id)]);
    const items = rows.map(toWebhookAttempt);
    return { items, webhookId: webhook.id, count: items.length, page, perPage, pending };
  }

  /** Queues the event for the endpoint once more, whatever became of earlier deliveries. */
  async redeliver(instanceId: string, webhookId: string, eventId: string, actor: Actor): Promise<RedeliverResult> {
    const now = this.deps.clock();
    const result = await this.store.transaction(async (store) => {
      const webhook = await this.existing(store, instanceId, webhookId);
      const event = await store.getEvent(instanceId, canonicalId(eventId));
      // An endpoint of one org is never sent another org's event, not even by hand.
      if (!event || (webhook.orgId !== null && webhook.orgId !== event.orgId)) throw notFound('Event');
      if (!webhook.enabled) throw invalid('The endpoint is disabled: enable it first');
      const at = now.toISOString();
      const id = newId(now.getTime());
      await store.insertDeliveries([{ id, webhookId: webhook.id, eventId: event.id, status: 'queued', attempts: 0, nextAttemptAt: at, createdAt: at, deliveredAt: null }]);
      await audit(store, this.deps.clock, actor, { instanceId, orgId: webhook.orgId, action: 'instanceWebhook.redeliver', targetId: webhook.id, email: null, details: { eventId: event.id } });
      return { deliveryId: id, eventId: event.id };
    });
    this.deps.onEventsPublished();
    return result;
  }

  private checkUrl(url: string): void {
    const problem = this.deps.urlProblem(url);
    if (problem) throw new AppError('webhook_url_refused', problem);
  }

  private async orgOf(store: Store, instanceId: string, orgId: string): Promise<string> {
    const org = await store.getOrg(canonicalId(orgId));
    if (!org || org.instanceId !== instanceId) throw invalid(`orgId ${orgId}: no such organization in this instance`);
    return org.id;
  }

  private async existing(store: Store, instanceId: string, webhookId: string): Promise<WebhookRecord> {
    const webhook = await store.getWebhook(instanceId, webhookId);
    if (!webhook) throw notFound('Webhook');
    return webhook;
  }

  /** What changed, never the secret. */
  private audit(store: Store, actor: Actor, w: WebhookRecord, action: string) {
    return audit(store, this.deps.clock, actor, {
      instanceId: w.instanceId,
      orgId: w.orgId,
      action,
      targetId: w.id,
      email: null,
      details: { url: w.url, events: w.events, enabled: w.enabled },
    });
  }
}
