import type { Command } from 'commander';
import { print } from '../output.js';
import { id, remoteAction, remoteCommand, type RemoteOptions, table } from '../remote.js';

export function register(members: Command): void {
  remoteCommand(members, 'get', 'show one member', 'gatehouse members get --user 6b0250f095ea51363e95bbaf')
    .requiredOption('--user <id>', 'user id', id)
    .action(
      remoteAction(async ({ client, ids }, o: RemoteOptions & { user: string }) => {
        const member = await client.instanceOrgMember.get({ ...ids, userId: o.user });
        print(o, member, table([member], ['userId', 'email', 'role', 'firstName', 'lastName']));
      }),
    );
}
