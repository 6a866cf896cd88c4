import { type Command, Option } from 'commander';
import { canonicalEmail } from '../../contract/canonical.js';
import { ROLES } from '../../contract/canonical.js';
import type { Role } from '../../contract/common.js';
import { print } from '../output.js';
import { remoteAction, remoteCommand, type RemoteOptions } from '../remote.js';

export function register(invites: Command): void {
  remoteCommand(invites, 'create', 'invite someone (they get a mail with a link)', 'gatehouse invites create --email ada@example.com --role edit')
    .requiredOption('--email <email>', 'who to invite')
    .addOption(new Option('--role <role>', 'role in the organization').choices([...ROLES]).makeOptionMandatory())
    .option('--disallow-transfer', 'keep with the invite and the membership')
    .action(
      remoteAction(async ({ client, ids }, o: RemoteOptions & { email: string; role: Role; disallowTransfer?: boolean }) => {
        const email = canonicalEmail(o.email);
        const list = await client.instanceOrgInvites.post({
          ...ids,
          invite: { email, role: o.role, ...(o.disallowTransfer ? { disallowTransfer: true } : {}) },
          filterField: 'email',
          filter: email.replace(/[*?]/g, '?'),
        });
        const invite = list.items.find((i) => i.email === email) ?? list.items[0];
        print(o, invite, `Invited ${invite.email} as ${invite.role} (invite ${invite.id})`);
      }),
    );
}
