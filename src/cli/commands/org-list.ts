import type { Command } from 'commander';
import { type JsonOption, print, setupAction } from '../output.js';
import { ORG_COLUMNS, orgRow } from '../org-table.js';
import { positiveInt } from '../parse.js';
import { id, table } from '../remote.js';
import { instanceOption } from '../scope-options.js';

export function register(org: Command): void {
  org
    .command('list')
    .description("list an instance's organizations by name, with their limits, members and pending invites")
    .addOption(instanceOption().argParser(id).makeOptionMandatory())
    .option('--limit <n>', 'at most this many organizations (1000 at most)', positiveInt, 100)
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  $ gatehouse org list --instance 5f…\n')
    .action(
      setupAction(async (operator, o: { instance: string; limit: number } & JsonOption) => {
        const list = await operator.listOrgs(o.instance, Math.min(o.limit, 1000));
        print(o, list, `${table(list.items.map(orgRow), ORG_COLUMNS)}\n${list.count} of ${list.totalCount}${list.totalCountCapped ? '+' : ''}`);
      }),
    );
}
