/**
 * The console's join links of an organization: create one, copy its URL again at any time,
 * disable or enable it, give it a new URL, delete it. A list of blocks rather than a table:
 * a link carries a long URL and a few facts, which read as a card at any width.
 */
import type { JoinLink, JoinLinkPost } from '../../client/src/index.js';
import { DOMAIN_PATTERN } from '../contract/canonical.js';
import type { ConsoleContext, ConsoleView, OrgScope } from './admin-context.js';
import { copyField } from './admin-copy.js';
import { confirmStep, roleSelect } from './admin-dialogs.js';
import { badge, el, formatDate, show, submitting } from './dom.js';

const DOMAIN = new RegExp(DOMAIN_PATTERN);
const DAY = 86_400_000;
const LIFETIMES: [string, number | null][] = [['Never', null], ['In 1 day', DAY], ['In 7 days', 7 * DAY], ['In 30 days', 30 * DAY], ['In 90 days', 90 * DAY]];

/** What a person calls a link: its note, or its role and age. */
const nameOf = (l: JoinLink) => (l.description ? `join link “${l.description}”` : `join link for ${l.role} of ${formatDate(l.creationDate)}`);

function stateOf(l: JoinLink): [kind: string, words: string] {
  if (l.state === 'disabled') return ['disabled', 'disabled'];
  if (l.hasExpired) return ['expired', 'expired'];
  if (l.usedUp) return ['disabled', 'used up'];
  return ['active', 'active'];
}

export function joinLinksView({ client, may, tell, report, perform }: ConsoleContext, { ids }: OrgScope): ConsoleView {
  const list = el('ul', { class: 'items', 'aria-labelledby': 'join-links-title' });
  const act = (change: () => Promise<unknown>, done: string) => perform(change, done, refresh);

  function item(l: JoinLink): HTMLElement {
    const [kind, words] = stateOf(l);
    const name = nameOf(l);
    const heading = `join-link-${l.id}`;
    return el(
      'li',
      { class: 'item', 'aria-labelledby': heading },
      el('h3', { id: heading }, `Join as ${l.role} `, badge(kind, words)),
      l.description && el('p', { class: 'muted' }, l.description),
      el(
        'dl',
        { class: 'facts' },
        el('dt', {}, 'Joined'), el('dd', {}, l.maxUses === undefined ? `${l.uses} (no limit)` : `${l.uses} of ${l.maxUses}`),
        el('dt', {}, 'Expires'), el('dd', {}, l.expiresAt ? formatDate(l.expiresAt) : 'Never'),
        el('dt', {}, 'Email domains'), el('dd', {}, l.allowedDomains.length ? l.allowedDomains.join(', ') : 'Any'),
      ),
      l.url === undefined ? el('p', { class: 'muted' }, 'The link itself is shown to tokens that may create join links.') : copyField(l.url, `join-link-url-${l.id}`, 'Link to share', name),
      el(
        'div',
        { class: 'actions' },
        may('instanceOrgJoinLink.patch') &&
          (l.state === 'active'
            ? el('button', { type: 'button', 'aria-label': `Disable ${name}`, onclick: async () => {
                if (await confirmStep(`Disable this ${name}?`, 'Its URL stops working until you enable it; confirmations mailed from it and not yet accepted are withdrawn.', 'Disable link')) {
                  await act(() => client.instanceOrgJoinLink.patch({ ...ids, joinLinkId: l.id, joinLink: { state: 'disabled' } }), 'Disabled the join link.');
                }
              } }, 'Disable')
            : el('button', { type: 'button', 'aria-label': `Enable ${name}`, onclick: () => act(() => client.instanceOrgJoinLink.patch({ ...ids, joinLinkId: l.id, joinLink: { state: 'active' } }), 'Enabled the join link: its URL works again.') }, 'Enable')),
        may('instanceOrgJoinLink.rotate') &&
          el('button', { type: 'button', 'aria-label': `New URL for ${name}`, onclick: async () => {
            if (await confirmStep(`Give this ${name} a new URL?`, 'The current URL stops working at once, and confirmations mailed from it and not yet accepted are withdrawn. Share the new one.', 'New URL')) {
              await act(() => client.instanceOrgJoinLink.rotate({ ...ids, joinLinkId: l.id }), 'The join link has a new URL; the old one no longer works.');
            }
          } }, 'New URL'),
        may('instanceOrgJoinLink.delete') &&
          el('button', { type: 'button', 'aria-label': `Delete ${name}`, onclick: async () => {
            if (await confirmStep(`Delete this ${name}?`, 'Its URL stops working for good, and confirmations mailed from it and not yet accepted are withdrawn. Members who joined stay members.', 'Delete link')) {
              await act(() => client.instanceOrgJoinLink.delete({ ...ids, joinLinkId: l.id }), 'Deleted the join link.');
            }
          } }, 'Delete'),
      ),
    );
  }

  async function refresh(): Promise<void> {
    try {
      const { items } = await client.instanceOrgJoinLinks.get(ids);
      show(list, ...(items.length ? items.map(item) : [el('li', { class: 'muted' }, 'No join links.')]));
    } catch (error) {
      report(error);
    }
  }

  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'join-links-title' },
    el('h2', { id: 'join-links-title' }, 'Join links'),
    el('p', { class: 'muted' }, 'A link to share instead of typing addresses: whoever opens it gives their email, and joins once they confirm it from the mail Gatehouse sends.'),
    may('instanceOrgJoinLinks.post') && createForm(),
    list,
  );

  function createForm(): HTMLElement {
    const role = roleSelect('join-role');
    const maxUses = el('input', { id: 'join-max-uses', type: 'number', min: 1, max: 1_000_000, step: 1, inputmode: 'numeric' });
    const expires = el('select', { id: 'join-expires' }, ...LIFETIMES.map(([label, ms]) => el('option', { value: ms ?? '' }, label)));
    const domains = el('input', { id: 'join-domains', placeholder: 'acme.com, eu.acme.com', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'join-domains-problem' });
    const domainProblem = el('p', { id: 'join-domains-problem', class: 'notice error', role: 'alert' });
    const description = el('input', { id: 'join-description', maxlength: 200, placeholder: 'Where you share it', autocomplete: 'off' });
    const submit = el('button', { type: 'submit', class: 'primary' }, 'Create join link');
    const field = (input: HTMLElement, label: string, ...more: Node[]) => el('div', { class: 'field' }, el('label', { for: input.id }, label), input, ...more);
    const form = el(
      'form',
      { class: 'settings-form', 'aria-label': 'New join link' },
      el('div', { class: 'row' }, field(role, 'Role'), field(maxUses, 'Most people who may join (optional)'), field(expires, 'Expires')),
      el('div', { class: 'row' }, field(domains, 'Allowed email domains (optional, comma-separated)', domainProblem), field(description, 'Note for admins (optional)')),
      submit,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const joinLink: JoinLinkPost = { role: role.value as JoinLinkPost['role'] };
      if (maxUses.value) joinLink.maxUses = Number(maxUses.value);
      if (expires.value) joinLink.expiresAt = new Date(Date.now() + Number(expires.value)).toISOString();
      const allowed = domains.value.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean);
      // Said next to the field, before any request: the API's answer would name a JSON path.
      const wrong = allowed.find((d) => !DOMAIN.test(d));
      domainProblem.textContent = wrong === undefined ? '' : `“${wrong}” is not an email domain: write the part after the @, like acme.com.`;
      if (wrong !== undefined) {
        domains.setAttribute('aria-invalid', 'true');
        return domains.focus();
      }
      domains.removeAttribute('aria-invalid');
      if (allowed.length) joinLink.allowedDomains = allowed;
      if (description.value.trim()) joinLink.description = description.value.trim();
      await submitting(submit, async () => {
        await client.instanceOrgJoinLinks.post({ ...ids, joinLink });
        form.reset();
        tell(`Created a join link for ${joinLink.role}: copy it from the list below.`);
        await refresh();
      }, report);
    });
    return form;
  }

  return { element, refresh };
}
