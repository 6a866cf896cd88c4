import type { Command } from 'commander';
import { type JsonOption, print, setupAction } from '../output.js';

export function register(user: Command): void {
  user
    .command('create')
    .description('create a user (accepting an invite also creates one)')
    .requiredOption('--email <email>', 'email address')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--json', 'print one JSON object')
    .action(
      setupAction(async (operator, o: { email: string; firstName?: string; lastName?: string } & JsonOption) => {
        const created = await operator.createUser(o);
        print(o, created, `Created user ${created.id} (${created.email})`);
      }),
    );
}
