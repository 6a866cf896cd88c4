/**
 * The instance's API tokens: the list (never a secret), a new token from a scope picker (its
 * secret shown once, with a copy button) and revoking (asks first). The picker offers only
 * the scopes this token could hand on: the server refuses the others (scope_escalation).
 */
import type { ApiToken, ApiTokenPost } from '../../client/src/index.js';
import type { ConsoleContext, ConsoleView } from './admin-context.js';
import { confirmStep } from './admin-dialogs.js';
import { copyField } from './admin-copy.js';
import { listView } from './admin-list.js';
import { badge, el, formatDate, rowAction, show, showFieldError, submitting } from './dom.js';

const DAY = 86_400_000;
const LIFETIMES: [string, number | null][] = [['Never', null], ['In 1 day', DAY], ['In 30 days', 30 * DAY], ['In 90 days', 90 * DAY], ['In 1 year', 365 * DAY]];

export function tokensView({ client, me, may, tell, report, perform }: ConsoleContext): ConsoleView {
  const ids = { instanceId: me.instanceId };
  const secretBox = el('div', { 'aria-live': 'polite' });
  const canRevoke = may('instanceApiToken.delete');

  const list = listView<ApiToken>({
    id: 'tokens',
    title: 'API tokens',
    noun: 'token',
    filterFields: [],
    sort: { field: 'creationDate', direction: 'desc' },
    fetch: async ({ page, perPage }) => client.instanceApiTokens.get({ ...ids, page, perPage }),
    onError: report,
    columns: [
      { label: 'Token', cell: (t) => (t.id === me.id ? `${t.id} (this one)` : t.id) },
      { label: 'Scopes', cell: (t) => t.scope.join(', ') },
      { label: 'Acts for', cell: (t) => t.userId ?? 'the instance' },
      { label: 'Created', cell: (t) => formatDate(t.creationDate) },
      { label: 'Expires', cell: (t) => (t.expirationDate ? formatDate(t.expirationDate) : 'Never') },
      { label: 'State', cell: (t) => badge(t.status === 'live' ? 'active' : t.status === 'revoked' ? 'disabled' : 'expired', t.status === 'revoked' && t.revokedDate ? `revoked ${formatDate(t.revokedDate)}` : t.status) },
    ],
    actions: [
      canRevoke &&
        ((t) =>
          t.status !== 'live'
            ? el('span', { class: 'muted' }, 'No longer works')
            : rowAction('Revoke', `Revoke token ${t.id}`, async () => {
                const self = t.id === me.id;
                const words = self ? 'This is the token you are signed in with: the console signs out.' : 'Whatever uses it is refused from then on (401). This cannot be undone.';
                if (await confirmStep(`Revoke token ${t.id}?`, words, 'Revoke token')) await perform(() => client.instanceApiToken.delete({ ...ids, apiTokenId: t.id }), `Revoked token ${t.id}.`, list.refresh);
              })),
    ],
  });

  function createForm(): HTMLElement {
    // Only what this token could hand on (the server's rule, from GET /me/token).
    const boxes = me.grantableScopes.map((s) => el('input', { type: 'checkbox', id: `token-scope-${s}`, name: 'scope', value: s }));
    const expires = el('select', { id: 'token-expires', name: 'expirationDate' }, ...LIFETIMES.map(([label, ms]) => el('option', { value: ms ?? '' }, label)));
    const submit = el('button', { type: 'submit', class: 'primary' }, 'Create token');
    const problem = el('p', { class: 'notice error', role: 'alert' });
    const form = el(
      'form',
      { class: 'settings-form', 'aria-label': 'New API token' },
      el('fieldset', {}, el('legend', {}, 'Scopes (what the token may do)'), el('div', { class: 'checks' }, ...boxes.map((b) => el('label', { class: 'check' }, b, b.value)))),
      problem,
      el('div', { class: 'row' }, el('div', { class: 'field' }, el('label', { for: expires.id }, 'Expires'), expires)),
      me.expiresAt && el('p', { class: 'muted' }, `This token expires ${formatDate(me.expiresAt)}; a token it creates expires no later.`),
      submit,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const scope = boxes.filter((b) => b.checked).map((b) => b.value);
      problem.textContent = scope.length ? '' : 'Tick at least one scope.';
      if (!scope.length) return;
      const apiToken: ApiTokenPost = { scope };
      if (expires.value) apiToken.expirationDate = new Date(Date.now() + Number(expires.value)).toISOString();
      await submitting(submit, async () => {
        const created = await client.instanceApiTokens.post({ ...ids, apiToken });
        form.reset();
        show(
          secretBox,
          el('div', { class: 'notice ok' }, el('p', {}, `Created token ${created.id}. Copy its secret now: it is not shown again, and Gatehouse keeps only its hash.`), copyField(created.token, `token-secret-${created.id}`, 'Token secret (shown only now)', 'the token secret')),
        );
        tell(`Created token ${created.id}.`);
        await list.refresh();
      }, (error) => {
        if (!showFieldError(form, error)) report(error);
      });
    });
    return form;
  }

  const element = el(
    'div',
    {},
    may('instanceApiTokens.post') &&
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'token-new-title' },
        el('h2', { id: 'token-new-title' }, 'New API token'),
        el('p', { class: 'muted' }, 'Tokens that act for a user (all.User) are made with gatehouse token create --user.'),
        createForm(),
        secretBox,
      ),
    list.element,
  );
  return { element, refresh: list.refresh };
}
