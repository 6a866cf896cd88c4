/** The audit trail of the instance: who changed what and when, filtered by org, action and time. */
import type { AuditLog } from '../../client/src/index.js';
import type { ConsoleContext, ConsoleView } from './admin-context.js';
import { listView } from './admin-list.js';
import { el, formatDate } from './dom.js';

/** What each recorded action did, in words; an action not listed here is shown by its name. */
const ACTIONS: Record<string, string> = {
  'instanceOrgInvites.post': 'Invited someone',
  'instanceOrgInvite.resendInvite': 'Resent an invitation',
  'instanceOrgInvite.delete': 'Revoked an invitation',
  'orgInvites.accept': 'Accepted an invitation',
  'orgInvites.reject': 'Declined an invitation',
  'instanceOrgMembers.post': 'Added a member',
  'instanceOrgMember.patch': 'Changed a member',
  'instanceOrgMember.delete': 'Removed a member',
  'instanceOrgs.post': 'Created an organization',
  'instanceOrg.patch': 'Changed an organization',
  'instanceApiTokens.post': 'Created an API token',
  'instanceApiToken.delete': 'Revoked an API token',
  'instanceOrgJoinLinks.post': 'Created a join link',
  'instanceOrgJoinLink.patch': 'Changed a join link',
  'instanceOrgJoinLink.rotate': 'Gave a join link a new URL',
  'instanceOrgJoinLink.delete': 'Deleted a join link',
  'joinLinks.post': 'Asked to join through a link',
  'instanceWebhooks.post': 'Added a webhook',
  'instanceWebhook.patch': 'Changed a webhook',
  'instanceWebhook.rotate': 'Gave a webhook a new secret',
  'instanceWebhook.delete': 'Deleted a webhook',
  'instanceWebhook.redeliver': 'Sent an event again',
  'instanceMailMessage.retry': 'Retried an invitation mail',
  'instanceBranding.patch': "Changed the instance's branding",
  'instanceOrgBranding.patch': "Changed an organization's branding",
};

/**
 * "role edit, replaced 1": the entry's details that read as words (lists and objects left out),
 * each kept on one line where it fits one (a URL is otherwise broken at any slash).
 */
const details = (d: Record<string, unknown>) => {
  const pairs = Object.entries(d).filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
  return el('span', {}, ...pairs.flatMap(([k, v], i) => [i ? ', ' : '', `${k} `, el('span', { class: 'address' }, String(v))]));
};

/** Who made the change: user and token by the start of their ids (the whole id on hover), and the address. */
function by(e: AuditLog): HTMLElement {
  const short = (kind: string, id: string | undefined) => id && el('span', { title: `${kind} ${id}` }, `${kind} ${id.slice(0, 8)}…`);
  const parts = [short('user', e.userId), short('token', e.tokenId), e.address].filter((p): p is HTMLElement | string => Boolean(p));
  return el('span', {}, ...parts.flatMap((p, i) => (i ? [' · ', p] : [p])));
}

/** A `datetime-local` value (the reader's time) as an instant, or nothing. */
const instant = (input: HTMLInputElement) => (input.value ? new Date(input.value).toISOString() : undefined);

export function auditView({ client, me, orgs, report }: ConsoleContext): ConsoleView {
  const orgName = new Map(orgs().map((o) => [o.id, o.name]));
  const org = el('select', { id: 'audit-org' }, el('option', { value: '' }, 'Every organization'), ...orgs().map((o) => el('option', { value: o.id }, o.name)));
  const action = el('select', { id: 'audit-action' }, el('option', { value: '' }, 'Every action'), ...Object.entries(ACTIONS).map(([id, words]) => el('option', { value: id }, words)));
  const since = el('input', { id: 'audit-since', type: 'datetime-local' });
  const until = el('input', { id: 'audit-until', type: 'datetime-local' });
  const field = (input: HTMLElement, label: string) => el('div', { class: 'field' }, el('label', { for: input.id }, label), input);
  const filters = el('form', { class: 'row', role: 'search', 'aria-label': 'Filter the audit log' }, field(org, 'Organization'), field(action, 'Action'), field(since, 'From'), field(until, 'Until'), el('button', { type: 'submit' }, 'Apply filters'));

  const list = listView<AuditLog>({
    id: 'audit',
    title: 'Audit log',
    noun: 'entry',
    plural: 'entries',
    filterFields: [],
    sort: { field: 'at', direction: 'desc' },
    perPage: 50,
    fetch: async ({ page, perPage }) =>
      client.instanceAuditLogs.get({
        instanceId: me.instanceId,
        page,
        perPage,
        ...(org.value ? { orgId: org.value } : {}),
        ...(action.value ? { action: action.value } : {}),
        ...(instant(since) ? { since: instant(since) } : {}),
        ...(instant(until) ? { until: instant(until) } : {}),
      }),
    onError: report,
    columns: [
      { label: 'When', cell: (e) => formatDate(e.at) },
      { label: 'Action', cell: (e) => ACTIONS[e.action] ?? e.action },
      { label: 'Organization', cell: (e) => (e.orgId ? orgName.get(e.orgId) ?? e.orgId : 'The instance') },
      { label: 'About', cell: (e) => e.email ?? e.targetId ?? '' },
      { label: 'By', cell: by },
      { label: 'Details', cell: (e) => details(e.details) },
    ],
  });
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void list.restart();
  });
  list.element.insertBefore(filters, list.element.querySelector('.table-wrap'));
  return { element: list.element, refresh: list.refresh };
}
