/**
 * Inviting everyone in a CSV file (columns `email` and `role`): shared by `gatehouse invites
 * import` and the console's Import view, which parse the file with csv-parse's Node and
 * browser builds and hand the records here. Safe to run again on the same file: who is
 * already invited or a member is skipped, not failed.
 */
import { GatehouseError } from '../../client/src/index.js';
import { canonicalEmail, isEmailShaped, ROLES } from '../contract/canonical.js';
import type { Role } from '../contract/common.js';

/** csv-parse's options for both builds: RFC 4180, forgiving where people's files differ. */
export const CSV_OPTIONS = {
  bom: true,
  info: true,
  // Space around a quoted cell (`"a@example.com" , view`) and ragged rows are taken.
  trim: true,
  relax_column_count: true,
  // Rows with no value are left out but still counted, so each row keeps the line an editor shows.
  skip_records_with_empty_values: true,
  // Any line ending ends a row, as in a file pasted together from two systems; left to
  // detection, the other ending would count as two lines.
  record_delimiter: ['\r\n', '\n', '\r'],
} as const;

/** A row of a CSV file and its line in the file (the last one, if a quoted cell spans lines). */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** csv-parse's answer with `info` (each record with where it ends), as rows. */
export const csvRows = (records: unknown): CsvRow[] =>
  // With `info`, each record comes as { record, info }, which the sync typings do not say.
  (records as { record: string[]; info: { lines: number } }[]).map(({ record, info }) => ({ line: info.lines, cells: record }));

export interface InviteRow {
  line: number;
  email: string;
  role: string;
}

export interface Outcome {
  line: number;
  email: string;
  result: 'created' | 'skipped' | 'failed';
  reason?: string;
}

export interface ImportSummary {
  created: number;
  skipped: number;
  failed: number;
  /** Every row's outcome, in the file's order. */
  outcomes: Outcome[];
}

/** Refusals that mean "nothing to do for this row": it is skipped, not failed. */
const ALREADY = new Set(['already_invited', 'already_member']);

/** The rows to invite; the header row must name the columns email and role (any order, any case). */
export function inviteRows(rows: CsvRow[]): InviteRow[] {
  const [header, ...body] = rows;
  const columns = (header?.cells ?? []).map((c) => c.trim().toLowerCase());
  const emailAt = columns.indexOf('email');
  const roleAt = columns.indexOf('role');
  if (emailAt < 0 || roleAt < 0) throw new Error('the first row must name the columns email and role');
  return body.map(({ line, cells }) => ({ line, email: canonicalEmail(cells[emailAt] ?? ''), role: (cells[roleAt] ?? '').trim().toLowerCase() }));
}

/** Invites every row with at most `concurrency` requests in flight, telling `progress` after each. */
export async function importInvites(
  rows: InviteRow[],
  { concurrency, invite, progress }: { concurrency: number; invite: (email: string, role: Role) => Promise<unknown>; progress?: (done: number, total: number) => void },
): Promise<ImportSummary> {
  const outcomes: Outcome[] = [];
  const seen = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      outcomes.push(await importRow(rows[next++], seen, invite));
      progress?.(outcomes.length, rows.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  outcomes.sort((a, b) => a.line - b.line);
  const count = (r: Outcome['result']) => outcomes.filter((x) => x.result === r).length;
  return { created: count('created'), skipped: count('skipped'), failed: count('failed'), outcomes };
}

async function importRow(row: InviteRow, seen: Set<string>, invite: (email: string, role: Role) => Promise<unknown>): Promise<Outcome> {
  const base = { line: row.line, email: row.email };
  if (!isEmailShaped(row.email)) return { ...base, result: 'failed', reason: 'not an email address' };
  if (!(ROLES as readonly string[]).includes(row.role)) return { ...base, result: 'failed', reason: `role must be one of ${ROLES.join(', ')}` };
  if (seen.has(row.email)) return { ...base, result: 'skipped', reason: 'listed earlier in the file' };
  seen.add(row.email);
  try {
    await invite(row.email, row.role as Role);
    return { ...base, result: 'created' };
  } catch (error) {
    if (error instanceof GatehouseError && ALREADY.has(error.code)) return { ...base, result: 'skipped', reason: error.message };
    return { ...base, result: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}
