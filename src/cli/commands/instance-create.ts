import type { Command } from 'commander';
import { type JsonOption, print, setupAction } from '../output.js';

export function register(instance: Command): void {
  instance
    .command('create')
    .description('create an instance (a group of organizations, the scope of API tokens)')
    .requiredOption('--name <name>', 'display name')
    .option('--json', 'print one JSON object')
    .action(
      setupAction(async (operator, o: { name: string } & JsonOption) => {
        const created = await operator.createInstance(o.name);
        print(o, created, `Created instance ${created.id} (${created.name})`);
      }),
    );
}
