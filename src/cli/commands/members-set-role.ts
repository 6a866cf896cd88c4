import { type Command, Option } from 'commander';
import { ROLES } from '../../contract/canonical.js';
import type { Role } from '../../contract/common.js';
import { print } from '../output.js';
import { id, remoteAction, remoteCommand, type RemoteOptions } from '../remote.js';

export function register(members: Command): void {
  remoteCommand(members, 'set-role', "change a member's role", 'gatehouse members set-role --user 6b0250f095ea51363e95bbaf --role admin')
    .requiredOption('--user <id>', 'user id', id)
    .addOption(new Option('--role <role>', 'new role').choices([...ROLES]).makeOptionMandatory())
    .action(
      remoteAction(async ({ client, ids }, o: RemoteOptions & { user: string; role: Role }) => {
        const member = await client.instanceOrgMember.patch({ ...ids, userId: o.user, member: { role: o.role } });
        print(o, member, `${member.email} is now ${member.role}`);
      }),
    );
}
