/** The people of an organization: the invite form, its invitations and its members. */
import type { Invite, Member } from '../../client/src/index.js';
import type { Role } from '../contract/common.js';
import type { ConsoleContext, ConsoleView, OrgScope } from './admin-context.js';
import { chooseRole, confirmStep } from './admin-dialogs.js';
import { inviteForm } from './admin-invite.js';
import { listView } from './admin-list.js';
import { badge, el, formatDate, rowAction } from './dom.js';

export function peopleView({ client, may, tell, report, perform }: ConsoleContext, { ids, name: orgName }: OrgScope): ConsoleView {
  const refresh = async () => void (await Promise.all([invites.refresh(), members.refresh()]));
  // Both tables: an accept moves a row across.
  const act = (change: () => Promise<unknown>, done: string) => perform(change, done, refresh);

  const invites = listView<Invite>({
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
    ],
    actions: [
      may('instanceOrgInvite.resendInvite') &&
        ((i) =>
          rowAction('Resend', `Resend invitation to ${i.email}`, async () => {
            const role = await chooseRole(`Resend the invitation to ${i.email}`, 'A new link is mailed and the old one stops working.', i.role, 'Resend');
            if (role) await act(() => client.instanceOrgInvite.resendInvite({ ...ids, inviteId: i.id, roleInfo: { role } }), `Sent a new invitation to ${i.email} as ${role}.`);
          })),
      may('instanceOrgInvite.delete') &&
        ((i) =>
          rowAction('Revoke', `Revoke invitation to ${i.email}`, async () => {
            if (await confirmStep(`Revoke the invitation to ${i.email}?`, 'Its link stops working at once.', 'Revoke invitation')) {
              await act(() => client.instanceOrgInvite.delete({ ...ids, inviteId: i.id }), `Revoked the invitation to ${i.email}.`);
            }
          })),
    ],
  });

  const members = listView<Member>({
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
    ],
    actions: [
      may('instanceOrgMember.patch') &&
        ((m) =>
          rowAction('Change role', `Change role of ${m.email}`, async () => {
            const role: Role | null = await chooseRole(`Change the role of ${m.email}`, `Their role in ${orgName}.`, m.role, 'Change role');
            if (role) await act(() => client.instanceOrgMember.patch({ ...ids, userId: m.userId, member: { role } }), `${m.email} is now ${role}.`);
          })),
      may('instanceOrgMember.delete') &&
        ((m) =>
          rowAction('Remove', `Remove ${m.email}`, async () => {
            if (await confirmStep(`Remove ${m.email} from ${orgName}?`, 'They lose access to the organization at once.', 'Remove member')) {
              await act(() => client.instanceOrgMember.delete({ ...ids, userId: m.userId }), `Removed ${m.email} from ${orgName}.`);
            }
          })),
    ],
  });

  const element = el(
    'div',
    {},
    may('instanceOrgInvites.post') &&
      inviteForm(client, () => ids, (email) => {
        tell(`Invitation sent to ${email}.`);
        void invites.refresh();
      }, report),
    invites.element,
    members.element,
  );
  return { element, refresh };
}
