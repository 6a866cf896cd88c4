import type { Command } from 'commander';
import { print } from '../output.js';
import { id, remoteAction, remoteCommand, type RemoteOptions } from '../remote.js';

export function register(invites: Command): void {
  remoteCommand(invites, 'revoke', 'revoke an invite; its link stops working', 'gatehouse invites revoke --id 6b0250dd95ea51363e95bbad')
    .requiredOption('--id <id>', 'invite id', id)
    .action(
      remoteAction(async ({ client, ids }, o: RemoteOptions & { id: string }) => {
        const result = await client.instanceOrgInvite.delete({ ...ids, inviteId: o.id });
        print(o, result, `Revoked invite ${o.id}`);
      }),
    );
}
