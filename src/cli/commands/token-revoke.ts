import type { Command } from 'commander';
import { type JsonOption, print, setupAction } from '../output.js';

export function register(token: Command): void {
  token
    .command('revoke')
    .description('revoke an API token; it stops working at once')
    .requiredOption('--id <id>', 'token id (as printed by token create)')
    .option('--json', 'print one JSON object')
    .action(
      setupAction(async (operator, o: { id: string } & JsonOption) => {
        const id = await operator.revokeToken(o.id);
        print(o, { id, revoked: true }, `Revoked token ${o.id}`);
      }),
    );
}
