/**
 * The admin console (`/admin`): sign in with an API token (kept in sessionStorage, never in a
 * URL), pick an organization, and manage its members and invitations. Every call goes through
 * the project's TypeScript client.
 */
import { createClient, GatehouseError, type GatehouseClient, type Invite, type Member, type TokenInfo } from '../../client/src/index.js';
import type { Role } from '../contract/common.js';
import { chooseRole, confirmStep } from './admin-dialogs.js';
import { inviteForm } from './admin-invite.js';
import { joinLinksView } from './admin-join-links.js';
import { listView, type ListView } from './admin-list.js';
import { byId, el, formatDate, show } from './dom.js';

const TOKEN_KEY = 'gatehouse.token';
const ORG_KEY = 'gatehouse.org';
const app = byId('app');
const errorLine = byId('error');
const okLine = byId('ok');

function tell(message: string): void {
  errorLine.textContent = '';
  okLine.textContent = message;
}

/** The server's own message for a refused call; a dead token sends the user back to sign-in. */
function report(error: unknown): void {
  okLine.textContent = '';
  if (error instanceof GatehouseError && error.code === 'unauthorized') {
    signOut('Your token is no longer valid (revoked or expired). Sign in again.');
    return;
  }
  errorLine.textContent = error instanceof GatehouseError ? error.message : `Could not reach Gatehouse: ${(error as Error).message}`;
}

function signOut(message = ''): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(ORG_KEY);
  show(byId('who'));
  signIn(message);
}

function signIn(message = ''): void {
  const input = el('input', { id: 'token', name: 'token', type: 'password', required: true, autocomplete: 'off', spellcheck: 'false' });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = el(
    'form',
    { class: 'card narrow', 'aria-labelledby': 'signin-title' },
    el('h2', { id: 'signin-title' }, 'Sign in'),
    el('p', { class: 'muted' }, 'Paste an API token (gatehouse token create). It is kept in this tab only and forgotten when the tab closes.'),
    el('div', { class: 'field' }, el('label', { for: 'token' }, 'API token'), input),
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    const token = input.value.trim();
    try {
      const client = createClient({ url: location.origin, accessToken: token, timeout: 15_000 });
      const me = await client.me.token({});
      sessionStorage.setItem(TOKEN_KEY, token);
      errorLine.textContent = '';
      await start(client, me);
    } catch (error) {
      submit.disabled = false;
      errorLine.textContent =
        error instanceof GatehouseError && error.code === 'unauthorized'
          ? 'That token is not valid, has been revoked or has expired.'
          : error instanceof GatehouseError ? error.message : `Could not reach Gatehouse: ${(error as Error).message}`;
      input.focus();
    }
  });
  show(app, form);
  // Nothing said to the previous session stays on the sign-in form.
  tell('');
  if (message) errorLine.textContent = message;
  input.focus();
}

async function start(client: GatehouseClient, me: TokenInfo): Promise<void> {
  show(
    byId('who'),
    el('span', {}, me.instanceName, ' · ', me.user ? me.user.email : 'instance token'),
    el('button', { type: 'button', onclick: () => signOut() }, 'Sign out'),
  );
  let orgs;
  try {
    orgs = await client.instanceOrgs.get({ instanceId: me.instanceId, perPage: 1000 });
  } catch (error) {
    show(app, el('p', { class: 'card' }, 'This token cannot list the organizations of its instance (scope instanceOrgs.get or all.Instance.read is needed).'));
    report(error);
    return;
  }
  const picker = el('select', { id: 'org' }, ...orgs.items.map((o) => el('option', { value: o.id }, o.name)));
  const body = el('div');
  show(
    app,
    el('section', { class: 'card' }, el('div', { class: 'field' }, el('label', { for: 'org' }, 'Organization'), picker)),
    body,
  );
  if (orgs.items.length === 0) {
    show(body, el('p', { class: 'card' }, 'This instance has no organizations yet (gatehouse org create).'));
    return;
  }
  const saved = sessionStorage.getItem(ORG_KEY);
  if (saved && orgs.items.some((o) => o.id === saved)) picker.value = saved;
  const open = () => {
    sessionStorage.setItem(ORG_KEY, picker.value);
    tell(''); // what was said about the previous org does not belong to this one
    orgView(client, me, body, { instanceId: me.instanceId, orgId: picker.value }, picker.selectedOptions[0].textContent ?? '');
  };
  picker.addEventListener('change', open);
  open();
}

function orgView(client: GatehouseClient, me: TokenInfo, body: HTMLElement, ids: { instanceId: string; orgId: string }, orgName: string): void {
  const may = (action: string) => me.actions.includes(action);
  const refreshAll = () => Promise.all([invites.refresh(), members.refresh()]);

  /** Runs a change, says what happened, then reloads what it may have changed. */
  const perform = async (change: () => Promise<unknown>, done: string, reload: () => Promise<unknown>) => {
    try {
      await change();
      tell(done);
    } catch (error) {
      report(error);
    }
    await reload();
  };
  // Both tables: an accept moves a row across.
  const act = (change: () => Promise<unknown>, done: string) => perform(change, done, refreshAll);

  const invites: ListView = listView<Invite>({
    id: 'invites',
    title: 'Invitations',
    noun: 'invitation',
    filterFields: ['email', 'role'],
    sort: { field: 'inviteDate', direction: 'desc' },
    fetch: (q) => client.instanceOrgInvites.get({ ...ids, ...(q as object) }),
    onError: report,
    columns: [
      { label: 'Email', sort: 'email', cell: (i) => i.email },
      { label: 'Role', sort: 'role', cell: (i) => i.role },
      { label: 'Invited', sort: 'inviteDate', cell: (i) => formatDate(i.inviteDate) },
      { label: 'Status', cell: (i) => badge(i.hasExpired ? 'expired' : 'pending', i.hasExpired ? 'expired' : `pending until ${formatDate(new Date(Date.parse(i.inviteDate) + i.ttl).toISOString())}`) },
      { label: 'Mail', cell: (i) => (i.mailStatus ? el('span', {}, badge(i.mailStatus, i.mailStatus), i.mailError ? ` ${i.mailError}` : '') : '') },
      {
        label: 'Actions',
        cell: (i) =>
          el(
            'div',
            { class: 'actions' },
            may('instanceOrgInvite.resendInvite') &&
              action('Resend', `Resend invitation to ${i.email}`, async () => {
                const role = await chooseRole(`Resend the invitation to ${i.email}`, 'A new link is mailed and the old one stops working.', i.role, 'Resend');
                if (role) await act(() => client.instanceOrgInvite.resendInvite({ ...ids, inviteId: i.id, roleInfo: { role } }), `Sent a new invitation to ${i.email} as ${role}.`);
              }),
            may('instanceOrgInvite.delete') &&
              action('Revoke', `Revoke invitation to ${i.email}`, async () => {
                if (await confirmStep(`Revoke the invitation to ${i.email}?`, 'Its link stops working at once.', 'Revoke invitation')) {
                  await act(() => client.instanceOrgInvite.delete({ ...ids, inviteId: i.id }), `Revoked the invitation to ${i.email}.`);
                }
              }),
          ),
      },
    ],
  });

  const members: ListView = listView<Member>({
    id: 'members',
    title: 'Members',
    noun: 'member',
    filterFields: ['email', 'role'],
    sort: { field: 'email', direction: 'asc' },
    fetch: (q) => client.instanceOrgMembers.get({ ...ids, ...(q as object) }),
    onError: report,
    columns: [
      { label: 'Email', sort: 'email', cell: (m) => m.email },
      { label: 'Name', cell: (m) => [m.firstName, m.lastName].filter(Boolean).join(' ') },
      { label: 'Role', sort: 'role', cell: (m) => m.role },
      {
        label: 'Actions',
        cell: (m) =>
          el(
            'div',
            { class: 'actions' },
            may('instanceOrgMember.patch') &&
              action('Change role', `Change role of ${m.email}`, async () => {
                const role: Role | null = await chooseRole(`Change the role of ${m.email}`, `Their role in ${orgName}.`, m.role, 'Change role');
                if (role) await act(() => client.instanceOrgMember.patch({ ...ids, userId: m.userId, member: { role } }), `${m.email} is now ${role}.`);
              }),
            may('instanceOrgMember.delete') &&
              action('Remove', `Remove ${m.email}`, async () => {
                if (await confirmStep(`Remove ${m.email} from ${orgName}?`, 'They lose access to the organization at once.', 'Remove member')) {
                  await act(() => client.instanceOrgMember.delete({ ...ids, userId: m.userId }), `Removed ${m.email} from ${orgName}.`);
                }
              }),
          ),
      },
    ],
  });

  const joinLinks = may('instanceOrgJoinLinks.get') ? joinLinksView({ client, ids, may, tell, report, perform }) : null;

  show(
    body,
    may('instanceOrgInvites.post') &&
      inviteForm(client, () => ids, (email) => {
        tell(`Invitation sent to ${email}.`);
        void invites.refresh();
      }, report),
    invites.element,
    members.element,
    joinLinks?.element,
  );
  void refreshAll();
  void joinLinks?.refresh();
}

const badge = (kind: string, text: string) => el('span', { class: `badge ${kind}` }, text);

/** A row's action button; its accessible name says which row it acts on. */
const action = (label: string, name: string, onclick: () => Promise<void>) => el('button', { type: 'button', 'aria-label': name, onclick }, label);

const token = sessionStorage.getItem(TOKEN_KEY);
if (token) {
  const client = createClient({ url: location.origin, accessToken: token, timeout: 15_000 });
  client.me.token({}).then(
    (me) => start(client, me),
    (error) => {
      signIn();
      report(error);
    },
  );
} else {
  signIn();
}
