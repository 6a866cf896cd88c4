/**
 * The invitation page behind every invite link (`/accept?token=…&email=…`). Loading it only
 * reads (mail scanners open links); accepting or declining takes a click. The token leaves
 * the address bar at once and lives only in this script's memory.
 */
import { createClient, GatehouseError, type InviteInfo } from '../../client/src/index.js';
import { brand } from './brand.js';
import { el } from './dom.js';
import { formatDate, rich, roleText, t } from './i18n.js';
import { address, pageStates, para, strong } from './page-state.js';

const params = new URLSearchParams(location.search);
const token = params.get('token') ?? '';
const email = params.get('email') ?? '';
// Out of the address bar, the history, bookmarks and any screenshot of the page.
history.replaceState(null, '', location.pathname);

const client = createClient({ url: location.origin, timeout: 15_000 });
const state = pageStates();

async function load(): Promise<void> {
  if (!token || !email) {
    state(t('acceptIncomplete'), para(t('acceptIncompleteText')));
    return;
  }
  try {
    offer(await client.orgInvites.get({ token, email }));
  } catch (error) {
    failed(error, load);
  }
}

function offer(info: InviteInfo): void {
  const expires = new Date(Date.parse(info.inviteDate) + info.ttl).toISOString();
  const accept = el('button', { type: 'button', class: 'primary', onclick: () => respond(info, true, accept) }, t('acceptButton'));
  const decline = el('button', { type: 'button', onclick: () => confirmDecline(info) }, t('declineButton'));
  state(
    t('acceptJoin', { org: info.orgName }),
    info.joinLink
      ? para(...rich('acceptAskedThroughLink', { org: strong(info.orgName) }))
      : para(...rich('acceptInvited', { org: strong(info.orgName) })),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, t('factRole')),
      el('dd', {}, strong(info.role), el('br'), el('span', { class: 'muted' }, roleText(info.role))),
      el('dt', {}, t('acceptFor')),
      el('dd', {}, info.email),
      info.invitedBy ? el('dt', {}, t('acceptInvitedBy')) : null,
      info.invitedBy ? el('dd', {}, info.invitedBy) : null,
      el('dt', {}, t('acceptExpires')),
      el('dd', {}, el('time', { datetime: expires }, formatDate(expires))),
    ),
    el('div', { class: 'actions' }, accept, decline),
  );
}

function confirmDecline(info: InviteInfo): void {
  const yes = el('button', { type: 'button', class: 'danger', onclick: () => respond(info, false, yes) }, t('declineYes'));
  state(
    t('declineTitle', { org: info.orgName }),
    para(t('declineText')),
    el('div', { class: 'actions' }, yes, el('button', { type: 'button', onclick: () => offer(info) }, t('back'))),
  );
}

async function respond(info: InviteInfo, accept: boolean, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  button.textContent = t(accept ? 'accepting' : 'declining');
  try {
    await client.orgInvites.post({ invite: { token, email, accept } });
  } catch (error) {
    failed(error, () => respond(info, accept, button));
    return;
  }
  if (accept) {
    state(
      t('welcomeTitle', { org: info.orgName }),
      para(...rich('welcomeText', { org: strong(info.orgName), role: strong(info.role) })),
      para(...rich('welcomeSignIn', { email: address(info.email) })),
      // The app the admin named (http(s), on an origin they allowed: src/domain/branding.ts).
      brand?.continueUrl
        ? el('div', { class: 'actions' }, el('a', { class: 'button primary', href: brand.continueUrl }, t('continueTo', { product: brand.productName ?? info.orgName })))
        : null,
    );
  } else {
    state(
      t('declinedTitle'),
      para(...rich('declinedText', { org: strong(info.orgName) })),
    );
  }
}

/** Every failure as words a person can act on; never a status code or raw JSON alone. */
function failed(error: unknown, retry: () => void): void {
  if (error instanceof GatehouseError && error.code === 'invite_link_expired') {
    state(brand ? t('inviteExpiredTitleOrg', { org: brand.orgName }) : t('inviteExpiredTitle'), para(t('inviteExpiredText')));
  } else if (error instanceof GatehouseError && error.code === 'invite_link_invalid') {
    state(
      t('inviteUnusableTitle'),
      para(t('inviteUnusableText', { email })),
      para(t('inviteAskNew')),
    );
  } else if (error instanceof GatehouseError && (error.code === 'join_link_used_up' || error.code === 'join_link_expired')) {
    state(
      t(error.code === 'join_link_expired' ? 'confirmLinkExpired' : 'confirmLinkUsedUp'),
      para(t('confirmLinkGoneText')),
    );
  } else if (error instanceof GatehouseError && error.statusCode === 400) {
    state(t('inviteUnusableTitle'), para(error.message));
  } else {
    const again = el('button', { type: 'button', class: 'primary', onclick: retry }, t('tryAgain'));
    state(
      t('acceptUnreachableTitle'),
      para(t('acceptUnreachableText')),
      el('div', { class: 'actions' }, again),
    );
  }
}

void load();
