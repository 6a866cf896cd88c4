import type { Command } from 'commander';
import { type JsonOption, print, setupAction } from '../output.js';

export function register(mail: Command): void {
  mail
    .command('retry')
    .description('re-queue a failed invitation mail (a running server sends it within a second or so)')
    .requiredOption('--id <id>', 'message id, as listed by mail status')
    .option('--json', 'print one JSON object')
    .action(
      setupAction(async (operator, o: { id: string } & JsonOption) => {
        const id = await operator.retryMail(o.id);
        print(o, { id, status: 'queued' }, `Mail ${o.id} is queued again`);
      }),
    );
}
