import { Option, type Command } from 'commander';
import type { InstanceRole } from '../../domain/records.js';
import { type JsonOption, print, setupAction } from '../output.js';
import { instanceOption } from '../scope-options.js';

export function register(instance: Command): void {
  instance
    .command('add-member')
    .description("give a user a role in an instance (user tokens act with this role's rights)")
    .addOption(instanceOption().makeOptionMandatory())
    .requiredOption('--user <id>', 'user id')
    .addOption(new Option('--role <role>', 'instance role').choices(['admin', 'view']).makeOptionMandatory())
    .option('--json', 'print one JSON object')
    .action(
      setupAction(async (operator, o: { instance: string; user: string; role: InstanceRole } & JsonOption) => {
        const member = await operator.addInstanceMember(o.instance, o.user, o.role);
        print(o, member, `User ${member.userId} is now ${member.role} of instance ${member.instanceId}`);
      }),
    );
}
