import type { Command } from 'commander';
import { type JsonOption, print, setupAction } from '../output.js';

export function register(mail: Command): void {
  mail
    .command('status')
    .description('list invitation mail not delivered yet: queued and failed (with the reason)')
    .option('--json', 'print one JSON object')
    .action(
      setupAction(async (operator, o: JsonOption) => {
        const messages = await operator.undeliveredMail();
        const lines = messages.map((m) =>
          [m.id, m.status.padEnd(7), `attempts=${m.attempts}`, m.to, m.status === 'failed' ? `error: ${m.lastError}` : `next: ${m.nextAttemptAt}`].join('  '),
        );
        print(o, { messages }, messages.length ? lines.join('\n') : 'All invitation mail has been delivered.');
      }),
    );
}
