import type { Command } from 'commander';
import { print } from '../output.js';
import { id, remoteAction, remoteCommand, type RemoteOptions, table } from '../remote.js';

export function register(invites: Command): void {
  remoteCommand(invites, 'get', 'show one invite', 'gatehouse invites get --id 6b0250dd95ea51363e95bbad')
    .requiredOption('--id <id>', 'invite id', id)
    .action(
      remoteAction(async ({ client, ids }, o: RemoteOptions & { id: string }) => {
        const invite = await client.instanceOrgInvite.get({ ...ids, inviteId: o.id });
        print(o, invite, table([invite], ['id', 'email', 'role', 'inviteDate', 'hasExpired', 'mailStatus', 'mailError']));
      }),
    );
}
