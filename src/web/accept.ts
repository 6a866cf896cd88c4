/**
 * The invitation page behind every invite link (`/accept?token=…&email=…`). Loading it only
 * reads (mail scanners open links); accepting or declining takes a click. The token leaves
 * the address bar at once and lives only in this script's memory.
 */
import { createClient, GatehouseError, type InviteInfo } from '../../client/src/index.js';
import { el, formatDate, ROLE_TEXT } from './dom.js';
import { pageStates, para, strong } from './page-state.js';

const params = new URLSearchParams(location.search);
const token = params.get('token') ?? '';
const email = params.get('email') ?? '';
// Out of the address bar, the history, bookmarks and any screenshot of the page.
history.replaceState(null, '', location.pathname);

const client = createClient({ url: location.origin, timeout: 15_000 });
const state = pageStates();

async function load(): Promise<void> {
  if (!token || !email) {
    state('This link is incomplete', para('Open the link from your invitation mail again, or copy the whole link into the address bar.'));
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
  const accept = el('button', { type: 'button', class: 'primary', onclick: () => respond(info, true, accept) }, 'Accept invitation');
  const decline = el('button', { type: 'button', onclick: () => confirmDecline(info) }, 'Decline');
  state(
    `Join ${info.orgName}`,
    info.joinLink
      ? para('You asked to join ', strong(info.orgName), ' through a join link. Confirm to become a member.')
      : para('You have been invited to join ', strong(info.orgName), '.'),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'Role'),
      el('dd', {}, strong(info.role), el('br'), el('span', { class: 'muted' }, ROLE_TEXT[info.role])),
      el('dt', {}, 'For'),
      el('dd', {}, info.email),
      info.invitedBy ? el('dt', {}, 'Invited by') : null,
      info.invitedBy ? el('dd', {}, info.invitedBy) : null,
      el('dt', {}, 'Expires'),
      el('dd', {}, el('time', { datetime: expires }, formatDate(expires))),
    ),
    el('div', { class: 'actions' }, accept, decline),
  );
}

function confirmDecline(info: InviteInfo): void {
  const yes = el('button', { type: 'button', class: 'danger', onclick: () => respond(info, false, yes) }, 'Yes, decline');
  state(
    `Decline the invitation to ${info.orgName}?`,
    para('The link stops working once you decline. If you change your mind later, you will need a new invitation.'),
    el('div', { class: 'actions' }, yes, el('button', { type: 'button', onclick: () => offer(info) }, 'Back')),
  );
}

async function respond(info: InviteInfo, accept: boolean, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  button.textContent = accept ? 'Accepting…' : 'Declining…';
  try {
    await client.orgInvites.post({ invite: { token, email, accept } });
  } catch (error) {
    failed(error, () => respond(info, accept, button));
    return;
  }
  if (accept) {
    state(
      `Welcome to ${info.orgName}`,
      para('You are now a member of ', strong(info.orgName), ' with the role ', strong(info.role), '.'),
      para(`Sign in to your organization's applications as ${info.email}; your access is ready. You can close this page.`),
    );
  } else {
    state(
      'Invitation declined',
      para('You will not be added to ', strong(info.orgName), '. If this was a mistake, ask the organization for a new invitation.'),
    );
  }
}

/** Every failure as words a person can act on; never a status code or raw JSON alone. */
function failed(error: unknown, retry: () => void): void {
  if (error instanceof GatehouseError && error.code === 'invite_link_expired') {
    state('This invitation has expired', para('Invitations are valid for a limited time. Ask the organization for a new invitation.'));
  } else if (error instanceof GatehouseError && error.code === 'invite_link_invalid') {
    state(
      'This invitation cannot be used',
      para(
        `No open invitation matches this link for ${email}. It may have been accepted or declined already, ` +
          'or withdrawn by the organization, or the link was changed or opened for another email address.',
      ),
      para('Ask the organization for a new invitation if you still need one.'),
    );
  } else if (error instanceof GatehouseError && (error.code === 'join_link_used_up' || error.code === 'join_link_expired')) {
    state(
      error.code === 'join_link_expired' ? 'The join link has expired' : 'The join link has been used up',
      para('This confirmation came from a join link that no longer lets anyone join. Ask the organization for a new link or an invitation.'),
    );
  } else if (error instanceof GatehouseError && error.statusCode === 400) {
    state('This invitation cannot be used', para(error.message));
  } else {
    const again = el('button', { type: 'button', class: 'primary', onclick: retry }, 'Try again');
    state(
      'We could not reach the invitation service',
      para('Check your connection and try again. Nothing has been accepted or declined yet unless you see a confirmation.'),
      el('div', { class: 'actions' }, again),
    );
  }
}

void load();
