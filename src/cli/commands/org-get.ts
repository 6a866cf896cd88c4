import type { Command } from 'commander';
import { type JsonOption, print, setupAction } from '../output.js';
import { shownOrg } from '../org-table.js';
import { id } from '../remote.js';

export function register(org: Command): void {
  org
    .command('get')
    .description('show one organization with its limits, members and pending invites')
    .requiredOption('--id <id>', 'organization id', id)
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  $ gatehouse org get --id 5f…\n')
    .action(
      setupAction(async (operator, o: { id: string } & JsonOption) => {
        const org = await operator.getOrg(o.id);
        print(o, org, shownOrg(org));
      }),
    );
}
