import type { Command } from 'commander';
import { print } from '../output.js';
import { id, remoteAction, remoteCommand, type RemoteOptions } from '../remote.js';

export function register(members: Command): void {
  remoteCommand(members, 'remove', 'remove a member from the organization', 'gatehouse members remove --user 6b0250f095ea51363e95bbaf')
    .requiredOption('--user <id>', 'user id', id)
    .action(
      remoteAction(async ({ client, ids }, o: RemoteOptions & { user: string }) => {
        const result = await client.instanceOrgMember.delete({ ...ids, userId: o.user });
        print(o, result, `Removed user ${o.user}`);
      }),
    );
}
