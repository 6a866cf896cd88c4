import { type Command, Option } from 'commander';
import { ROLES } from '../../contract/canonical.js';
import type { Role } from '../../contract/common.js';
import { print } from '../output.js';
import { id, remoteAction, remoteCommand, type RemoteOptions } from '../remote.js';

export function register(members: Command): void {
  remoteCommand(members, 'add', 'add a member directly, by email (the user is found or created) or by user id', 'gatehouse members add --email ada@example.com --role view')
    .option('--email <email>', 'the person to add')
    .option('--user <id>', 'an existing user', id)
    .addOption(new Option('--role <role>', 'role in the organization').choices([...ROLES]).makeOptionMandatory())
    .action(
      remoteAction(async ({ client, ids }, o: RemoteOptions & { email?: string; user?: string; role: Role }) => {
        if (!o.email === !o.user) throw new Error('give exactly one of --email and --user');
        const member = await client.instanceOrgMembers.post({ ...ids, member: o.user ? { userId: o.user, role: o.role } : { email: o.email!, role: o.role } });
        print(o, member, `Added ${member.email} as ${member.role} (user ${member.userId})`);
      }),
    );
}
