/**
 * The instance's webhook endpoints: add one (its signing secret shown once, with a copy
 * button), enable or disable, give it a new secret, delete it, and read its delivery log with
 * a way to send an event again.
 */
import type { EventType } from '../contract/events.js';
import type { Webhook, WebhookAttempt, WebhookPost } from '../contract/webhooks.js';
import { EVENT_TYPES } from '../contract/canonical.js';
import type { ConsoleContext, ConsoleView } from './admin-context.js';
import { confirmStep } from './admin-dialogs.js';
import { copyField } from './admin-copy.js';
import { listView, type ListView } from './admin-list.js';
import { badge, el, formatDate, rowAction, show, submitting } from './dom.js';

export function webhooksView(context: ConsoleContext): ConsoleView {
  const { client, me, may, orgs, tell, report, perform } = context;
  const ids = { instanceId: me.instanceId };
  const list = el('ul', { class: 'items', 'aria-labelledby': 'webhooks-title' });
  const secretBox = el('div', { 'aria-live': 'polite' });
  const orgName = new Map(orgs().map((o) => [o.id, o.name]));
  const act = (change: () => Promise<unknown>, done: string) => perform(change, done, refresh);

  /** The secret of a new or rotated endpoint, shown this once. */
  const showSecret = (w: { id: string; secret: string }, words: string) =>
    show(secretBox, el('div', { class: 'notice ok' }, el('p', {}, words), copyField(w.secret, `webhook-secret-${w.id}`, 'Signing secret (shown only now)', 'the signing secret')));

  function item(w: Webhook): HTMLElement {
    const heading = `webhook-${w.id}`;
    const name = `webhook ${w.url}`;
    const log = el('div');
    const state = w.enabled ? badge('active', 'enabled') : badge('disabled', w.disabledReason ? `disabled: ${w.disabledReason}` : 'disabled');
    return el(
      'li',
      { class: 'item', 'aria-labelledby': heading },
      el('h3', { id: heading, class: 'address' }, w.url),
      el('p', {}, state),
      w.description && el('p', { class: 'muted' }, w.description),
      el(
        'dl',
        { class: 'facts' },
        el('dt', {}, 'Events'), el('dd', {}, w.events ? w.events.join(', ') : 'Every event'),
        el('dt', {}, 'Organization'), el('dd', {}, w.orgId ? orgName.get(w.orgId) ?? w.orgId : 'Every organization'),
        ...(w.previousSecretExpiresAt ? [el('dt', {}, 'Previous secret'), el('dd', {}, `also signs until ${formatDate(w.previousSecretExpiresAt)}`)] : []),
      ),
      el(
        'div',
        { class: 'actions' },
        may('instanceWebhook.deliveries') && el('button', { type: 'button', 'aria-label': `Delivery log of ${name}`, 'aria-expanded': 'false', onclick: (event: Event) => toggleLog(event.currentTarget as HTMLButtonElement, w, log) }, 'Delivery log'),
        may('instanceWebhook.patch') &&
          el('button', {
            type: 'button',
            'aria-label': `${w.enabled ? 'Disable' : 'Enable'} ${name}`,
            onclick: () => act(() => client.instanceWebhook.patch({ ...ids, webhookId: w.id, webhook: { enabled: !w.enabled } }), w.enabled ? 'Disabled the webhook; its waiting deliveries are cancelled.' : 'Enabled the webhook.'),
          }, w.enabled ? 'Disable' : 'Enable'),
        may('instanceWebhook.rotate') &&
          el('button', { type: 'button', 'aria-label': `New secret for ${name}`, onclick: async () => {
            if (!(await confirmStep('Give this webhook a new signing secret?', 'The current secret keeps signing beside the new one for 24 hours, time to update your receiver.', 'New secret'))) return;
            try {
              const rotated = await client.instanceWebhook.rotate({ ...ids, webhookId: w.id });
              showSecret(rotated, `New signing secret for ${w.url}. Copy it now: it is not shown again.`);
              tell('The webhook has a new signing secret.');
            } catch (error) {
              report(error);
            }
            await refresh();
          } }, 'New secret'),
        may('instanceWebhook.delete') &&
          el('button', { type: 'button', 'aria-label': `Delete ${name}`, onclick: async () => {
            if (await confirmStep(`Delete the webhook ${w.url}?`, 'No more events are sent to it; its delivery log is deleted too.', 'Delete webhook')) {
              await act(() => client.instanceWebhook.delete({ ...ids, webhookId: w.id }), 'Deleted the webhook.');
            }
          } }, 'Delete'),
      ),
      log,
    );
  }

  /** Opens or closes an endpoint's delivery log, newest attempt first. */
  function toggleLog(button: HTMLButtonElement, w: Webhook, into: HTMLElement): void {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    if (!open) return show(into);
    const deliveries: ListView = listView<WebhookAttempt>({
      id: `deliveries-${w.id}`,
      title: `Delivery log of ${w.url}`,
      noun: 'attempt',
      filterFields: [],
      sort: { field: 'at', direction: 'desc' },
      fetch: async ({ page, perPage }) => {
        const found = await client.instanceWebhook.deliveries({ ...ids, webhookId: w.id, page, perPage });
        // The log is paged without a total: "more" while pages come back full.
        return { items: found.items, totalCount: page * perPage + found.count, ...(found.count === perPage ? { totalCountCapped: true as const } : {}) };
      },
      onError: report,
      columns: [
        { label: 'When', cell: (a) => formatDate(a.at) },
        { label: 'Event', cell: (a) => a.eventType ?? a.eventId },
        { label: 'Answer', cell: (a) => (a.statusCode !== undefined ? `${a.statusCode} in ${a.durationMs} ms` : a.error ?? '') },
        { label: 'Delivery', cell: (a) => badge(a.deliveryStatus === 'delivered' ? 'sent' : a.deliveryStatus === 'failed' ? 'failed' : 'queued', a.nextAttemptAt ? `${a.deliveryStatus}, next ${formatDate(a.nextAttemptAt)}` : a.deliveryStatus) },
      ],
      actions: [
        may('instanceWebhook.redeliver') &&
          ((a) =>
            rowAction('Send again', `Send event ${a.eventType ?? a.eventId} of ${formatDate(a.at)} again`, () =>
              perform(() => client.instanceWebhook.redeliver({ ...ids, webhookId: w.id, redeliver: { eventId: a.eventId } }), 'Queued the event for delivery again.', deliveries.refresh))),
      ],
    });
    show(into, deliveries.element);
    void deliveries.refresh();
  }

  async function refresh(): Promise<void> {
    try {
      const { items } = await client.instanceWebhooks.get(ids);
      show(list, ...(items.length ? items.map(item) : [el('li', { class: 'muted' }, 'No webhooks.')]));
    } catch (error) {
      report(error);
    }
  }

  function createForm(): HTMLElement {
    const url = el('input', { id: 'webhook-url', type: 'url', required: true, placeholder: 'https://app.example.com/hooks/gatehouse', autocomplete: 'off', spellcheck: 'false' });
    const boxes = EVENT_TYPES.map((t) => el('input', { type: 'checkbox', id: `webhook-event-${t}`, value: t }));
    const org = el('select', { id: 'webhook-org' }, el('option', { value: '' }, 'Every organization'), ...orgs().map((o) => el('option', { value: o.id }, o.name)));
    const description = el('input', { id: 'webhook-description', maxlength: 200, autocomplete: 'off' });
    const submit = el('button', { type: 'submit', class: 'primary' }, 'Add webhook');
    const field = (input: HTMLElement, label: string) => el('div', { class: 'field' }, el('label', { for: input.id }, label), input);
    const form = el(
      'form',
      { class: 'settings-form', 'aria-label': 'New webhook' },
      field(url, 'Endpoint URL'),
      el('fieldset', {}, el('legend', {}, 'Events (none ticked: every event)'), el('div', { class: 'checks' }, ...boxes.map((b) => el('label', { class: 'check' }, b, b.value)))),
      el('div', { class: 'row' }, field(org, 'Organization'), field(description, 'Description (optional)')),
      submit,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const events = boxes.filter((b) => b.checked).map((b) => b.value as EventType);
      const webhook: WebhookPost = { url: url.value.trim(), ...(events.length ? { events } : {}), ...(org.value ? { orgId: org.value } : {}), ...(description.value.trim() ? { description: description.value.trim() } : {}) };
      await submitting(submit, async () => {
        const created = await client.instanceWebhooks.post({ ...ids, webhook });
        form.reset();
        showSecret(created, `Added the webhook ${created.url}. Copy its signing secret now: it is not shown again.`);
        tell('Added the webhook.');
        await refresh();
      }, report);
    });
    return form;
  }

  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'webhooks-title' },
    el('h2', { id: 'webhooks-title' }, 'Webhooks'),
    el('p', { class: 'muted' }, 'Gatehouse POSTs each event to these URLs, signed (Standard Webhooks), and retries until they answer 2xx.'),
    may('instanceWebhooks.post') && createForm(),
    secretBox,
    list,
  );
  return { element, refresh };
}
