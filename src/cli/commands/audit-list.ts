import type { Command } from 'commander';
import { type JsonOption, print, setupAction } from '../output.js';
import { instant, positiveInt } from '../parse.js';
import { id, table } from '../remote.js';
import { instanceOption, orgOption } from '../scope-options.js';

interface Options extends JsonOption {
  instance?: string;
  org?: string;
  since?: string;
  until?: string;
  limit: number;
}

export function register(audit: Command): void {
  audit
    .command('list')
    .description('show the audit trail, newest first: who changed what, when and from where')
    .addOption(instanceOption('only this instance (default: every instance)').argParser(id))
    .addOption(orgOption('only this organization').argParser(id))
    .option('--since <when>', 'from this instant: ISO date/time, or a duration ago (24h, 7d)', instant)
    .option('--until <when>', 'before this instant (same forms as --since)', instant)
    .option('--limit <n>', 'at most this many entries (default 100)', positiveInt, 100)
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  $ gatehouse audit list --org 5f… --since 7d\n')
    .action(
      setupAction(async (operator, o: Options) => {
        const list = await operator.auditTrail(o.instance ?? null, {
          orgId: o.org,
          since: o.since,
          until: o.until,
          perPage: Math.min(o.limit, 1000),
        });
        const rows = list.items.map((e) => ({ ...e, who: e.userId ? `user ${e.userId}` : e.tokenId ? `token ${e.tokenId}` : 'invite link' }));
        print(o, list, `${table(rows, ['at', 'action', 'email', 'who', 'address', 'orgId', 'targetId'])}\n${list.count} of ${list.totalCount}${list.totalCountCapped ? '+' : ''}`);
      }),
    );
}
