/**
 * The instance's organizations: create one, and per organization change its name,
 * description, member limit, how long its invites live and the language of its mail.
 * Blocks rather than a table: each carries a few facts and its own edit form.
 */
import type { Org, OrgPatch, OrgPost } from '../../client/src/index.js';
import { LOCALES, type Locale } from '../contract/canonical.js';
import type { ConsoleContext, ConsoleView } from './admin-context.js';
import { el, formatDate, show, showFieldError, submitting } from './dom.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LIFETIMES: [string, number][] = [['1 hour', HOUR], ['1 day', DAY], ['3 days', 3 * DAY], ['7 days', 7 * DAY], ['14 days', 14 * DAY], ['30 days', 30 * DAY], ['90 days', 90 * DAY]];
const LANGUAGES: Record<Locale, string> = { en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español', 'pt-BR': 'Português (Brasil)', ja: '日本語' };

/** "7 days", "36 hours", "90 minutes": the largest unit that divides the lifetime. */
function lifetimeWords(ms: number): string {
  const units: [number, string][] = [[DAY, 'day'], [HOUR, 'hour'], [60_000, 'minute'], [1000, 'second']];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size} ${unit}${ms === size ? '' : 's'}`;
  return `${ms} ms`;
}

const field = (input: HTMLElement, label: string) => el('div', { class: 'field' }, el('label', { for: input.id }, label), input);

export function orgsView({ client, me, may, tell, report }: ConsoleContext): ConsoleView {
  const ids = { instanceId: me.instanceId };
  const list = el('ul', { class: 'items', 'aria-labelledby': 'orgs-title' });

  function item(o: Org): HTMLElement {
    const heading = `org-${o.id}`;
    const editor = el('div');
    const edit = el('button', { type: 'button', 'aria-label': `Edit ${o.name}`, 'aria-expanded': 'false', onclick: () => toggleEditor(edit, o, editor) }, 'Edit');
    return el(
      'li',
      { class: 'item', 'aria-labelledby': heading },
      el('h3', { id: heading }, o.name),
      o.description && el('p', { class: 'muted' }, o.description),
      el(
        'dl',
        { class: 'facts' },
        el('dt', {}, 'Member limit'), el('dd', {}, o.limits.member === undefined ? 'No limit' : `${o.limits.member} (members plus pending invites)`),
        el('dt', {}, 'Invites live'), el('dd', {}, o.inviteTtlMs === undefined ? 'Server default' : lifetimeWords(o.inviteTtlMs)),
        el('dt', {}, 'Mail language'), el('dd', {}, o.locale === undefined ? 'Server default' : LANGUAGES[o.locale]),
        el('dt', {}, 'Created'), el('dd', {}, formatDate(o.creationDate)),
      ),
      may('instanceOrg.patch') && el('div', { class: 'actions' }, edit),
      editor,
    );
  }

  function toggleEditor(button: HTMLButtonElement, o: Org, into: HTMLElement): void {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    show(into, open && editForm(o));
    if (open) into.querySelector<HTMLInputElement>('input')?.focus();
  }

  function editForm(o: Org): HTMLFormElement {
    const p = `org-${o.id}`;
    const name = el('input', { id: `${p}-name`, name: 'name', required: true, maxlength: 255, value: o.name, autocomplete: 'off' });
    const description = el('input', { id: `${p}-description`, name: 'description', maxlength: 32767, value: o.description ?? '', autocomplete: 'off' });
    const limit = el('input', { id: `${p}-limit`, name: 'limits.member', type: 'number', min: 1, max: 1_000_000, step: 1, inputmode: 'numeric', value: o.limits.member ?? '' });
    const lifetimes: [string, number][] = o.inviteTtlMs !== undefined && !LIFETIMES.some(([, ms]) => ms === o.inviteTtlMs) ? [...LIFETIMES, [lifetimeWords(o.inviteTtlMs), o.inviteTtlMs]] : LIFETIMES;
    const ttl = el('select', { id: `${p}-ttl`, name: 'inviteTtlMs' }, el('option', { value: '' }, 'Server default'), ...lifetimes.map(([words, ms]) => el('option', { value: ms, selected: ms === o.inviteTtlMs }, words)));
    const locale = el('select', { id: `${p}-locale`, name: 'locale' }, el('option', { value: '' }, 'Server default'), ...LOCALES.map((l) => el('option', { value: l, selected: l === o.locale }, LANGUAGES[l])));
    const submit = el('button', { type: 'submit', class: 'primary' }, 'Save changes');
    const form = el(
      'form',
      { class: 'settings-form', 'aria-label': `Settings of ${o.name}` },
      el('div', { class: 'row' }, field(name, 'Name'), field(description, 'Description (optional)')),
      el('div', { class: 'row' }, field(limit, 'Member limit (empty: no limit)'), field(ttl, 'Invites live for'), field(locale, 'Language of mail and pages')),
      submit,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      // Only what changed is sent: a value set elsewhere (the CLI) is not rewritten by a save.
      const organization: OrgPatch = {};
      if (name.value.trim() !== o.name) organization.name = name.value.trim();
      if (description.value.trim() !== (o.description ?? '')) organization.description = description.value.trim();
      const member = limit.value === '' ? null : Number(limit.value);
      if (member !== (o.limits.member ?? null)) organization.limits = { member };
      const ttlMs = ttl.value === '' ? null : Number(ttl.value);
      if (ttlMs !== (o.inviteTtlMs ?? null)) organization.inviteTtlMs = ttlMs;
      const language = (locale.value || null) as Locale | null;
      if (language !== (o.locale ?? null)) organization.locale = language;
      if (Object.keys(organization).length === 0) return tell(`Nothing to change in ${o.name}.`);
      await submitting(submit, async () => {
        const saved = await client.instanceOrg.patch({ ...ids, orgId: o.id, organization });
        tell(`Saved ${saved.name}.`);
        await refresh();
      }, (error) => {
        if (!showFieldError(form, error)) report(error);
      });
    });
    return form;
  }

  async function refresh(): Promise<void> {
    try {
      const { items } = await client.instanceOrgs.get({ ...ids, perPage: 1000 });
      show(list, ...(items.length ? items.map(item) : [el('li', { class: 'muted' }, 'No organizations.')]));
    } catch (error) {
      report(error);
    }
  }

  function createForm(): HTMLElement {
    const name = el('input', { id: 'org-new-name', name: 'name', required: true, maxlength: 255, autocomplete: 'off' });
    const description = el('input', { id: 'org-new-description', name: 'description', maxlength: 32767, autocomplete: 'off' });
    const limit = el('input', { id: 'org-new-limit', name: 'limits.member', type: 'number', min: 1, max: 1_000_000, step: 1, inputmode: 'numeric' });
    const submit = el('button', { type: 'submit', class: 'primary' }, 'Create organization');
    const form = el(
      'form',
      { class: 'settings-form', 'aria-label': 'New organization' },
      el('div', { class: 'row' }, field(name, 'Name'), field(description, 'Description (optional)'), field(limit, 'Member limit (optional)')),
      submit,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const orgConfig: OrgPost = { name: name.value.trim() };
      if (description.value.trim()) orgConfig.description = description.value.trim();
      if (limit.value) orgConfig.limits = { member: Number(limit.value) };
      await submitting(submit, async () => {
        const created = await client.instanceOrgs.post({ ...ids, orgConfig });
        form.reset();
        tell(`Created the organization ${created.name}. Reload the console to pick it in the organization views.`);
        await refresh();
      }, (error) => {
        if (!showFieldError(form, error)) report(error);
      });
    });
    return form;
  }

  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'orgs-title' },
    el('h2', { id: 'orgs-title' }, 'Organizations'),
    el('p', { class: 'muted' }, 'The organizations of this instance. The member limit counts members plus pending invites; the invite lifetime and language apply to invites sent from now on.'),
    may('instanceOrgs.post') && createForm(),
    list,
  );
  return { element, refresh };
}
