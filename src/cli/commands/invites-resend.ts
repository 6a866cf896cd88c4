import { type Command, Option } from 'commander';
import { ROLES } from '../../contract/canonical.js';
import type { Role } from '../../contract/common.js';
import { print } from '../output.js';
import { id, remoteAction, remoteCommand, type RemoteOptions } from '../remote.js';

export function register(invites: Command): void {
  remoteCommand(invites, 'resend', 'send a new link (the old one stops working), optionally with another role', 'gatehouse invites resend --id 6b0250dd95ea51363e95bbad --role admin')
    .requiredOption('--id <id>', 'invite id', id)
    .addOption(new Option('--role <role>', 'new role').choices([...ROLES]))
    .action(
      remoteAction(async ({ client, ids }, o: RemoteOptions & { id: string; role?: Role }) => {
        const invite = await client.instanceOrgInvite.resendInvite({ ...ids, inviteId: o.id, roleInfo: o.role ? { role: o.role } : {} });
        print(o, invite, `Resent the invite of ${invite.email} as ${invite.role}`);
      }),
    );
}
