/**
 * The instance's mail problems: invitation mail the server gave up on or will try again, with
 * the mail server's reason, and a Retry button where the token may use it.
 */
import type { MailMessage } from '../../client/src/index.js';
import type { ConsoleContext, ConsoleView } from './admin-context.js';
import { listView, type ListView } from './admin-list.js';
import { badge, el, formatDate, rowAction } from './dom.js';

export function mailView({ client, me, may, orgs, report, perform }: ConsoleContext): ConsoleView {
  const orgName = new Map(orgs().map((o) => [o.id, o.name]));
  const status = el('select', { id: 'mail-status' }, el('option', { value: '' }, 'Failed and waiting'), el('option', { value: 'failed' }, 'Failed'), el('option', { value: 'retrying' }, 'Waiting for a retry'));
  const org = el('select', { id: 'mail-org' }, el('option', { value: '' }, 'Every organization'), ...orgs().map((o) => el('option', { value: o.id }, o.name)));
  const field = (input: HTMLElement, label: string) => el('div', { class: 'field' }, el('label', { for: input.id }, label), input);
  const filters = el('form', { class: 'row', role: 'search', 'aria-label': 'Filter mail problems' }, field(status, 'Status'), field(org, 'Organization'), el('button', { type: 'submit' }, 'Apply filters'));

  const list: ListView = listView<MailMessage>({
    id: 'mail',
    title: 'Mail problems',
    noun: 'message',
    empty: 'No mail is waiting or failed.',
    filterFields: [],
    sort: { field: 'createdAt', direction: 'desc' },
    fetch: async ({ page, perPage }) =>
      client.instanceMail.get({
        instanceId: me.instanceId,
        page,
        perPage,
        ...(status.value === 'failed' || status.value === 'retrying' ? { status: status.value } : {}),
        ...(org.value ? { orgId: org.value } : {}),
      }),
    onError: report,
    columns: [
      { label: 'Recipient', cell: (m) => m.to },
      { label: 'Organization', cell: (m) => orgName.get(m.orgId) ?? m.orgId },
      { label: 'Status', cell: (m) => badge(m.status, m.status === 'failed' ? 'failed' : 'waiting for a retry') },
      { label: 'Reason', cell: (m) => m.lastError ?? '' },
      { label: 'Attempts', cell: (m) => String(m.attempts) },
      { label: 'Next attempt', cell: (m) => (m.nextAttemptAt ? formatDate(m.nextAttemptAt) : 'none: given up') },
      { label: 'Queued', cell: (m) => formatDate(m.createdAt) },
    ],
    actions: [
      may('instanceMailMessage.retry') &&
        ((m) =>
          rowAction('Retry', `Retry the mail to ${m.to}`, (): Promise<void> =>
            perform(() => client.instanceMailMessage.retry({ instanceId: me.instanceId, messageId: m.id }), `The mail to ${m.to} is queued to be sent now.`, list.refresh),
          )),
    ],
  });
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void list.restart();
  });
  list.element.insertBefore(filters, list.element.querySelector('.table-wrap'));
  return { element: list.element, refresh: list.refresh };
}
