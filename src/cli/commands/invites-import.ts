import { type Command, InvalidArgumentError } from 'commander';
import { importInvites, inviteRows } from '../../import/invites-csv.js';
import { readCsv } from '../csv.js';
import { print } from '../output.js';
import { remoteAction, remoteCommand, type RemoteOptions } from '../remote.js';

export function register(invites: Command): void {
  remoteCommand(invites, 'import', 'invite everyone in a CSV file (columns email, role); safe to run again on the same file', 'gatehouse invites import people.csv --concurrency 8')
    .argument('<file>', 'CSV file with a header row naming the columns email and role')
    .option('--concurrency <n>', 'invites in flight at once (1-32)', concurrency, 4)
    .action(async (file: string, o: RemoteOptions & { concurrency: number }) =>
      remoteAction(async ({ client, ids }) => {
        let rows;
        try {
          rows = inviteRows(readCsv(file));
        } catch (error) {
          throw error instanceof Error && !error.message.startsWith(file) ? new Error(`${file}: ${error.message}`) : error;
        }
        const result = await importInvites(rows, {
          concurrency: o.concurrency,
          invite: (email, role) => client.instanceOrgInvites.post({ ...ids, invite: { email, role }, perPage: 1 }),
          progress: reporter(rows.length),
        });
        const summary = { created: result.created, skipped: result.skipped, failed: result.failed, rows: result.outcomes.filter((x) => x.result !== 'created') };
        const details = summary.rows.map((x) => `  line ${x.line}: ${x.email || '(no email)'}: ${x.result}, ${x.reason}`);
        print(o, summary, [`${summary.created} created, ${summary.skipped} skipped, ${summary.failed} failed`, ...details].join('\n'));
        if (summary.failed > 0) process.exitCode = 1;
      })(o),
    );
}

function concurrency(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 32) throw new InvalidArgumentError('expected a whole number from 1 to 32');
  return n;
}

/** A progress bar on a terminal; on a pipe, a plain line every tenth of the way. */
function reporter(total: number): (done: number) => void {
  const tty = process.stderr.isTTY;
  const step = Math.max(1, Math.ceil(total / 10));
  return (done) => {
    if (tty) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
    } else if (done % step === 0 || done === total) {
      process.stderr.write(`imported ${done}/${total}\n`);
    }
  };
}
