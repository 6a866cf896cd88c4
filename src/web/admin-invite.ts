/** The console's invite form: email, role, and per-application and per-dashboard role overrides. */
import type { GatehouseClient, InvitePost } from '../../client/src/index.js';
import { canonicalId, ID_PATTERN } from '../contract/canonical.js';
import type { ResourceRole } from '../contract/common.js';
import { roleSelect } from './admin-dialogs.js';
import { el, showFieldError, submitting } from './dom.js';

const RESOURCE_ROLES: ResourceRole['role'][] = ['collaborate', 'view', 'none'];
let rowSeq = 0;

/** A fieldset of "resource id + role" rows that grows with a button. */
function overrides(kind: 'application' | 'dashboard') {
  const rows = el('div');
  const add = (): void => {
    const n = ++rowSeq;
    const row: HTMLDivElement = el(
      'div',
      { class: 'row override' },
      el('div', { class: 'field' }, el('label', { for: `${kind}-id-${n}` }, `${kind === 'application' ? 'Application' : 'Dashboard'} id`),
        el('input', { id: `${kind}-id-${n}`, required: true, pattern: ID_PATTERN, title: '24 hexadecimal characters', autocomplete: 'off' })),
      el('div', { class: 'field' }, el('label', { for: `${kind}-role-${n}` }, 'Role'),
        el('select', { id: `${kind}-role-${n}` }, ...RESOURCE_ROLES.map((r) => el('option', { value: r }, r)))),
      el('button', { type: 'button', onclick: () => row.remove() }, 'Remove'),
    );
    rows.append(row);
    row.querySelector('input')!.focus();
  };
  const element = el(
    'fieldset',
    {},
    el('legend', {}, `${kind === 'application' ? 'Application' : 'Dashboard'} roles (optional)`),
    rows,
    el('button', { type: 'button', onclick: add }, `Add ${kind} role`),
  );
  const read = (): ResourceRole[] =>
    [...rows.querySelectorAll('.override')].map((row) => ({
      resourceId: canonicalId(row.querySelector('input')!.value.trim()),
      role: row.querySelector('select')!.value as ResourceRole['role'],
    }));
  return { element, read, clear: () => rows.replaceChildren() };
}

export function inviteForm(client: GatehouseClient, org: () => { instanceId: string; orgId: string }, done: (email: string) => void, failed: (error: unknown) => void) {
  const email = el('input', { id: 'invite-email', name: 'email', type: 'email', required: true, autocomplete: 'off', maxlength: 1024 });
  const role = roleSelect('invite-role');
  const apps = overrides('application');
  const dashboards = overrides('dashboard');
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Send invitation');
  const form = el(
    'form',
    { id: 'invite-form' },
    el('div', { class: 'row' },
      el('div', { class: 'field' }, el('label', { for: email.id }, 'Email'), email),
      el('div', { class: 'field' }, el('label', { for: role.id }, 'Role'), role)),
    apps.element,
    dashboards.element,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const invite: InvitePost = { email: email.value.trim(), role: role.value as InvitePost['role'] };
    const applicationRoles = apps.read();
    const dashboardRoles = dashboards.read();
    if (applicationRoles.length) invite.applicationRoles = applicationRoles;
    if (dashboardRoles.length) invite.dashboardRoles = dashboardRoles;
    await submitting(submit, async () => {
      // perPage=1: the answer is the org's invite list, which the table reloads anyway.
      await client.instanceOrgInvites.post({ ...org(), invite, perPage: 1 });
      showFieldError(form, null);
      form.reset();
      apps.clear();
      dashboards.clear();
      done(invite.email);
    }, (error) => {
      if (!showFieldError(form, error)) failed(error);
    });
  });
  return el('section', { class: 'card', 'aria-labelledby': 'invite-title' }, el('h2', { id: 'invite-title' }, 'Invite someone'), form);
}
