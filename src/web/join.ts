/**
 * The page a join link opens (`/join/<code>`). Loading it only reads (link previews and mail
 * scanners open URLs); asking to join takes an email address, and Gatehouse mails that address
 * a confirmation link: nobody joins with an address they cannot read mail at.
 */
import { createClient, GatehouseError, type JoinInfo } from '../../client/src/index.js';
import { brand } from './brand.js';
import { el } from './dom.js';
import { formatDate, orList, rich, roleText, t } from './i18n.js';
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
  const send = el('button', { type: 'submit', class: 'primary' }, t('joinSend'));
  const form = el(
    'form',
    { novalidate: true, onsubmit: (e: Event) => (e.preventDefault(), ask(info, input, send)) },
    el(
      'div',
      { class: 'field' },
      el('label', { for: 'email' }, t('joinEmailLabel')),
      input,
      el(
        'p',
        { id: 'email-help', class: 'muted' },
        info.allowedDomains.length > 0 ? `${t('joinOnlyDomains', { domains: orList(info.allowedDomains) })} ` : '',
        t('joinWeMail'),
      ),
      el('p', { id: 'email-problem', class: 'notice error', role: 'alert' }, problem),
    ),
    el('div', { class: 'actions' }, send),
  );
  state(
    t('acceptJoin', { org: info.orgName }),
    para(...rich('joinLets', { org: strong(info.orgName) })),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, t('factRole')),
      el('dd', {}, strong(info.role), el('br'), el('span', { class: 'muted' }, roleText(info.role))),
      info.expiresAt ? el('dt', {}, t('joinLinkExpires')) : null,
      info.expiresAt ? el('dd', {}, el('time', { datetime: info.expiresAt }, formatDate(info.expiresAt))) : null,
    ),
    form,
  );
  if (problem) input.focus();
}

async function ask(info: JoinInfo, input: HTMLInputElement, button: HTMLButtonElement): Promise<void> {
  const email = input.value.trim();
  if (!input.checkValidity() || email === '') {
    offer(info, email, t('joinEnterEmail'));
    return;
  }
  button.disabled = true;
  button.textContent = t('sending');
  try {
    const sent = await client.joinLinks.post({ joinRequest: { code, email } });
    state(
      t('joinCheckInbox'),
      para(...rich('joinSentTo', { email: address(sent.email), org: strong(sent.orgName) })),
      para(t('joinWorksUntil', { date: formatDate(sent.expiresAt) })),
    );
  } catch (error) {
    if (error instanceof GatehouseError && error.statusCode === 400) offer(info, email, problemText(info, error));
    else failed(error, () => ask(info, input, button));
  }
}

/** The words for a refused address, shown next to the field. */
function problemText(info: JoinInfo, error: GatehouseError): string {
  if (error.code === 'already_member') return t('joinAlreadyMember', { org: info.orgName });
  if (error.code === 'already_invited') return t('joinAlreadyInvited', { org: info.orgName });
  if (error.code === 'join_domain_not_allowed') return t('joinDomainNotAllowed', { domains: orList(info.allowedDomains) });
  return error.message;
}

/** Every failure as words a person can act on; never a status code or raw JSON alone. */
function failed(error: unknown, retry: () => void): void {
  const code = error instanceof GatehouseError ? error.code : null;
  if (code === 'join_link_expired') {
    state(brand ? t('joinExpiredTitleOrg', { org: brand.orgName }) : t('joinExpiredTitle'), para(t('joinExpiredText')));
  } else if (code === 'join_link_used_up') {
    state(t('joinUsedUpTitle'), para(t('joinUsedUpText')));
  } else if (code === 'join_link_invalid' || code === 'not_found') {
    state(
      t('joinInvalidTitle'),
      para(t('joinInvalidText')),
      para(t('joinAskCurrent')),
    );
  } else if (code === 'rate_limited') {
    state(t('tooManyTitle'), para((error as GatehouseError).message), para(t('tooManyText')));
  } else {
    state(
      t('joinUnreachableTitle'),
      para(t('joinUnreachableText')),
      el('div', { class: 'actions' }, el('button', { type: 'button', class: 'primary', onclick: retry }, t('tryAgain'))),
    );
  }
}

void load();
