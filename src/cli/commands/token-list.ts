import type { Command } from 'commander';
import { type JsonOption, print, setupAction } from '../output.js';
import { positiveInt } from '../parse.js';
import { id, table } from '../remote.js';
import { instanceOption } from '../scope-options.js';

export function register(token: Command): void {
  token
    .command('list')
    .description("list an instance's API tokens, newest first, and whether each still works (never a secret: only its hash is kept)")
    .addOption(instanceOption().argParser(id).makeOptionMandatory())
    .option('--limit <n>', 'at most this many tokens (1000 at most)', positiveInt, 100)
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  $ gatehouse token list --instance 5f…\n')
    .action(
      setupAction(async (operator, o: { instance: string; limit: number } & JsonOption) => {
        const list = await operator.listTokens(o.instance, Math.min(o.limit, 1000));
        const rows = list.items.map((t) => ({ id: t.id, scopes: t.scopes.join(','), user: t.userId, org: t.orgId, created: t.createdAt, expires: t.expiresAt ?? 'never', state: t.state }));
        print(o, list, `${table(rows, ['id', 'scopes', 'user', 'org', 'created', 'expires', 'state'])}\n${list.count} of ${list.totalCount}${list.totalCountCapped ? '+' : ''}`);
      }),
    );
}
