/**
 * The admin console (`/admin`): sign in with an API token (kept in sessionStorage, never in a
 * URL), then the views the token may read, one per address (`#people`, `#audit`, …): an
 * organization's people, join links and CSV import, and the instance's audit log, webhooks,
 * organizations and API tokens.
 * Every call goes through the project's TypeScript client.
 */
import { createClient, GatehouseError, type GatehouseClient, type TokenInfo } from '../../client/src/index.js';
import type { ConsoleContext, ConsoleView, OrgScope } from './admin-context.js';
import { joinLinksView } from './admin-join-links.js';
import { auditView } from './admin-audit.js';
import { webhooksView } from './admin-webhooks.js';
import { orgsView } from './admin-orgs.js';
import { tokensView } from './admin-tokens.js';
import { mailView } from './admin-mail.js';
import { brandingView } from './admin-branding.js';
import { importView } from './admin-import.js';
import { peopleView } from './admin-people.js';
import { byId, el, show } from './dom.js';

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

/** The console's views, in the order of its navigation; each shown only to tokens that may read it. */
interface ViewSpec {
  hash: string;
  label: string;
  /** The action the view reads with: without it the view is not offered. */
  needs: string;
  make: (context: ConsoleContext, org: OrgScope) => ConsoleView;
  /** Views of one organization show the organization picker. */
  perOrg: boolean;
}
const VIEWS: ViewSpec[] = [
  { hash: 'people', label: 'People', needs: 'instanceOrgInvites.get', make: peopleView, perOrg: true },
  { hash: 'join-links', label: 'Join links', needs: 'instanceOrgJoinLinks.get', make: joinLinksView, perOrg: true },
  { hash: 'import', label: 'Import', needs: 'instanceOrgInvites.post', make: importView, perOrg: true },
  { hash: 'audit', label: 'Audit log', needs: 'instanceAuditLogs.get', make: auditView, perOrg: false },
  { hash: 'webhooks', label: 'Webhooks', needs: 'instanceWebhooks.get', make: webhooksView, perOrg: false },
  { hash: 'orgs', label: 'Organizations', needs: 'instanceOrgs.get', make: orgsView, perOrg: false },
  { hash: 'tokens', label: 'API tokens', needs: 'instanceApiTokens.get', make: tokensView, perOrg: false },
  { hash: 'mail', label: 'Mail problems', needs: 'instanceMail.get', make: mailView, perOrg: false },
  { hash: 'branding', label: 'Branding', needs: 'instanceBranding.get', make: brandingView, perOrg: false },
];

async function start(client: GatehouseClient, me: TokenInfo): Promise<void> {
  show(
    byId('who'),
    el('span', {}, me.instanceName, ' · ', me.user ? me.user.email : 'instance token'),
    el('button', { type: 'button', onclick: () => signOut() }, 'Sign out'),
  );
  let orgs;
  try {
    // A token bound to one org sees that org only (it may not list the instance's).
    orgs = me.orgId
      ? { items: [await client.instanceOrg.get({ instanceId: me.instanceId, orgId: me.orgId })] }
      : await client.instanceOrgs.get({ instanceId: me.instanceId, perPage: 1000 });
  } catch (error) {
    show(app, el('p', { class: 'card' }, 'This token cannot list the organizations of its instance (scope instanceOrgs.get or all.Instance.read is needed).'));
    report(error);
    return;
  }
  const may = (action: string) => me.actions.includes(action);
  const context: ConsoleContext = {
    client,
    me,
    may,
    tell,
    report,
    orgs: () => orgs.items,
    perform: async (change, done, reload) => {
      try {
        await change();
        tell(done);
      } catch (error) {
        report(error);
      }
      await reload();
    },
  };
  const views = VIEWS.filter((v) => may(v.needs));
  const links = views.map((v) => el('a', { href: `#${v.hash}` }, v.label));
  const picker = el('select', { id: 'org' }, ...orgs.items.map((o) => el('option', { value: o.id }, o.name)));
  const pickerCard = el('section', { class: 'card' }, el('div', { class: 'field' }, el('label', { for: 'org' }, 'Organization'), picker));
  const body = el('div');
  show(app, el('nav', { class: 'card tabs', 'aria-label': 'Console' }, ...links), pickerCard, body);
  const saved = sessionStorage.getItem(ORG_KEY);
  if (saved && orgs.items.some((o) => o.id === saved)) picker.value = saved;

  const open = () => {
    const view = views.find((v) => `#${v.hash}` === location.hash) ?? views[0];
    links.forEach((link, i) => (views[i] === view ? link.setAttribute('aria-current', 'page') : link.removeAttribute('aria-current')));
    tell(''); // what was said in another view or about another org does not belong here
    pickerCard.hidden = !view?.perOrg;
    if (!view) return show(body, el('p', { class: 'card' }, 'This token may not read anything the console shows.'));
    if (view.perOrg && orgs.items.length === 0) return show(body, el('p', { class: 'card' }, 'This instance has no organizations yet (gatehouse org create).'));
    sessionStorage.setItem(ORG_KEY, picker.value);
    const shown = view.make(context, { ids: { instanceId: me.instanceId, orgId: picker.value }, name: picker.selectedOptions[0]?.textContent ?? '' });
    show(body, shown.element);
    void shown.refresh();
  };
  picker.addEventListener('change', open);
  window.addEventListener('hashchange', open);
  open();
}

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
