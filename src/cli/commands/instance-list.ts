import type { Command } from 'commander';
import { type JsonOption, print, setupAction } from '../output.js';
import { table } from '../remote.js';

export function register(instance: Command): void {
  instance
    .command('list')
    .description('list every instance, oldest first, with its number of organizations (to find an id again)')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  $ gatehouse instance list\n')
    .action(
      setupAction(async (operator, o: JsonOption) => {
        const items = await operator.listInstances();
        const rows = items.map((i) => ({ id: i.id, name: i.name, created: i.createdAt, orgs: i.orgCount }));
        print(o, { items, count: items.length }, table(rows, ['id', 'name', 'created', 'orgs']));
      }),
    );
}
