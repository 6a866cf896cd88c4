import { type Command, InvalidArgumentError } from 'commander';
import { GatehouseError } from '../../../client/src/index.js';
import { canonicalEmail, isEmailShaped } from '../../contract/canonical.js';
import { ROLES, type Role } from '../../contract/common.js';
import { readCsv } from '../csv.js';
import { print } from '../output.js';
import { remoteAction, remoteCommand, type RemoteOptions } from '../remote.js';

type Outcome = { line: number; email: string; result: 'created' | 'skipped' | 'failed'; reason?: string };

/** Refusals that mean "nothing to do for this row": it is skipped, not failed. */
const ALREADY = new Set(['already_invited', 'already_member']);

export function register(invites: Command): void {
  remoteCommand(invites, 'import', 'invite everyone in a CSV file (columns email, role); safe to run again on the same file', 'gatehouse invites import people.csv --concurrency 8')
    .argument('<file>', 'CSV file with a header row naming the columns email and role')
    .option('--concurrency <n>', 'invites in flight at once (1-32)', concurrency, 4)
    .action(async (file: string, o: RemoteOptions & { concurrency: number }) =>
      remoteAction(async ({ client, ids }) => {
        const rows = readRows(file);
        const outcomes: Outcome[] = [];
        const progress = reporter(rows.length);
        const seen = new Set<string>();
        let next = 0;
        const worker = async () => {
          while (next < rows.length) {
            const row = rows[next++];
            outcomes.push(await importRow(row, seen, (email, role) => client.instanceOrgInvites.post({ ...ids, invite: { email, role }, perPage: 1 })));
            progress(outcomes.length);
          }
        };
        await Promise.all(Array.from({ length: Math.min(o.concurrency, rows.length) }, worker));
        outcomes.sort((a, b) => a.line - b.line);
        const count = (r: Outcome['result']) => outcomes.filter((x) => x.result === r).length;
        const summary = { created: count('created'), skipped: count('skipped'), failed: count('failed'), rows: outcomes.filter((x) => x.result !== 'created') };
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

interface Row {
  line: number;
  email: string;
  role: string;
}

function readRows(file: string): Row[] {
  const [header, ...body] = readCsv(file);
  const columns = (header?.cells ?? []).map((c) => c.trim().toLowerCase());
  const emailAt = columns.indexOf('email');
  const roleAt = columns.indexOf('role');
  if (emailAt < 0 || roleAt < 0) throw new Error(`${file}: the first row must name the columns email and role`);
  return body.map(({ line, cells }) => ({ line, email: canonicalEmail(cells[emailAt] ?? ''), role: (cells[roleAt] ?? '').trim().toLowerCase() }));
}

async function importRow(row: Row, seen: Set<string>, invite: (email: string, role: Role) => Promise<unknown>): Promise<Outcome> {
  const base = { line: row.line, email: row.email };
  if (!isEmailShaped(row.email)) return { ...base, result: 'failed', reason: 'not an email address' };
  if (!(ROLES as readonly string[]).includes(row.role)) return { ...base, result: 'failed', reason: `role must be one of ${ROLES.join(', ')}` };
  if (seen.has(row.email)) return { ...base, result: 'skipped', reason: 'listed earlier in the file' };
  seen.add(row.email);
  try {
    await invite(row.email, row.role as Role);
    return { ...base, result: 'created' };
  } catch (error) {
    if (error instanceof GatehouseError && ALREADY.has(error.code)) {
      return { ...base, result: 'skipped', reason: error.message };
    }
    return { ...base, result: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
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
