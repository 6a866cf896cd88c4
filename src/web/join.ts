/**
 * The page a join link opens (`/join/<code>`). Loading it only reads (link previews and mail
 * scanners open URLs); asking to join takes an email address, and Gatehouse mails that address
 * a confirmation link: nobody joins with an address they cannot read mail at.
 */
import { createClient, GatehouseError, type JoinInfo } from '../../client/src/index.js';
import { el, formatDate, ROLE_TEXT } from './dom.js';
import { address, pageStates, para, strong } from './page-state.js';

const code = decodeURIComponent(location.pathname.split('/').filter(Boolean).at(-1) ?? '');
const client = createClient({ url: location.origin, timeout: 15_000 });
const state = pageStates();

async function load(): Promise<void> {
  try {
    offer(await client.joinLinks.get({ code }));
  } catch (error) {
    failed(error, load);
  }
}

const domainsText = (domains: string[]) => (domains.length === 1 ? domains[0] : `${domains.slice(0, -1).join(', ')} or ${domains.at(-1)}`);

function offer(info: JoinInfo, email = '', problem = ''): void {
  const input = el('input', {
    id: 'email',
    type: 'email',
    name: 'email',
    required: true,
    autocomplete: 'email',
    value: email,
    placeholder: info.allowedDomains.length > 0 ? `you@${info.allowedDomains[0]}` : 'you@example.com',
    'aria-describedby': 'email-help email-problem',
    'aria-invalid': problem ? 'true' : null,
  });
  const send = el('button', { type: 'submit', class: 'primary' }, 'Email me a link to join');
  const form = el(
    'form',
    { novalidate: true, onsubmit: (e: Event) => (e.preventDefault(), ask(info, input, send)) },
    el(
      'div',
      { class: 'field' },
      el('label', { for: 'email' }, 'Your email address'),
      input,
      el(
        'p',
        { id: 'email-help', class: 'muted' },
        info.allowedDomains.length > 0 ? `Only addresses at ${domainsText(info.allowedDomains)} can join with this link. ` : '',
        'We will mail you a link; opening it makes you a member.',
      ),
      el('p', { id: 'email-problem', class: 'notice error', role: 'alert' }, problem),
    ),
    el('div', { class: 'actions' }, send),
  );
  state(
    `Join ${info.orgName}`,
    para('This link lets you join ', strong(info.orgName), '.'),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'Role'),
      el('dd', {}, strong(info.role), el('br'), el('span', { class: 'muted' }, ROLE_TEXT[info.role])),
      info.expiresAt ? el('dt', {}, 'Link expires') : null,
      info.expiresAt ? el('dd', {}, el('time', { datetime: info.expiresAt }, formatDate(info.expiresAt))) : null,
    ),
    form,
  );
  if (problem) input.focus();
}

async function ask(info: JoinInfo, input: HTMLInputElement, button: HTMLButtonElement): Promise<void> {
  const email = input.value.trim();
  if (!input.checkValidity() || email === '') {
    offer(info, email, 'Enter your email address, like name@example.com.');
    return;
  }
  button.disabled = true;
  button.textContent = 'Sending…';
  try {
    const sent = await client.joinLinks.post({ joinRequest: { code, email } });
    state(
      'Check your inbox',
      para('We sent a link to ', address(sent.email), '. Open it to join ', strong(sent.orgName), '.'),
      para(`The link works until ${formatDate(sent.expiresAt)}. If nothing arrives in a few minutes, look in your spam folder, or come back to this page and ask again.`),
    );
  } catch (error) {
    if (error instanceof GatehouseError && error.statusCode === 400) offer(info, email, problemText(error));
    else failed(error, () => ask(info, input, button));
  }
}

/** The words for a refused address, shown next to the field. */
function problemText(error: GatehouseError): string {
  if (error.code === 'already_member') return `${error.message}: you already belong to it, there is nothing more to do.`;
  if (error.code === 'already_invited') return error.message;
  if (error.code === 'join_domain_not_allowed') return `${error.message}. Use your address at that domain.`;
  return error.message;
}

/** Every failure as words a person can act on; never a status code or raw JSON alone. */
function failed(error: unknown, retry: () => void): void {
  const code = error instanceof GatehouseError ? error.code : null;
  if (code === 'join_link_expired') {
    state('This join link has expired', para('Join links work for a limited time. Ask the organization for a new link or an invitation.'));
  } else if (code === 'join_link_used_up') {
    state('This join link has been used up', para('As many people have joined with this link as it allows. Ask the organization for a new link or an invitation.'));
  } else if (code === 'join_link_invalid' || code === 'not_found') {
    state(
      'This join link cannot be used',
      para('It may have been turned off or replaced by the organization, or the address was copied incompletely.'),
      para('Ask the organization for the current link.'),
    );
  } else if (code === 'rate_limited') {
    state('Too many requests', para((error as GatehouseError).message), para('Wait a while before you ask again.'));
  } else {
    state(
      'We could not reach the service',
      para('Check your connection and try again. Nothing has been sent yet unless you see a confirmation.'),
      el('div', { class: 'actions' }, el('button', { type: 'button', class: 'primary', onclick: retry }, 'Try again')),
    );
  }
}

void load();
