/**
 * The console's CSV import: pick a file with the columns email and role, watch a progress bar,
 * and read each row's result. The same rules as `gatehouse invites import` (src/import/):
 * running it again on the same file creates only what is missing.
 */
import { CSV_OPTIONS, csvRows, importInvites, type InviteRow, inviteRows, type Outcome } from '../import/invites-csv.js';
import type { ConsoleContext, ConsoleView, OrgScope } from './admin-context.js';
import { badge, el, fitTable, show } from './dom.js';

const CONCURRENCY = 4;
/** A file larger than this is most likely not a list of people. */
const MAX_BYTES = 5 * 1024 * 1024;

export function importView({ client, tell, report }: ConsoleContext, { ids, name }: OrgScope): ConsoleView {
  const file = el('input', { id: 'import-file', type: 'file', accept: '.csv,text/csv', 'aria-describedby': 'import-help import-problem' });
  const problem = el('p', { id: 'import-problem', class: 'notice error', role: 'alert' });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Import');
  const bar = el('progress', { id: 'import-progress', max: 1, value: 0 });
  const progressLine = el('p', { id: 'import-progress-line', 'aria-live': 'polite' });
  const progress = el('div', { class: 'field', hidden: true }, el('label', { for: bar.id }, 'Progress'), bar, progressLine);
  const results = el('div');
  const form = el(
    'form',
    { 'aria-label': 'Import a CSV file' },
    el('p', { id: 'import-help', class: 'muted' }, 'A CSV file whose first row names the columns email and role (any order). Everyone is invited to ', name, '; whoever is already invited or a member is skipped, so the same file can be imported again.'),
    el('div', { class: 'field' }, el('label', { for: file.id }, 'CSV file'), file, problem),
    submit,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.textContent = '';
    tell('');
    const chosen = file.files?.[0];
    let rows: InviteRow[];
    try {
      if (!chosen) throw new Error('Choose a CSV file first.');
      if (chosen.size > MAX_BYTES) throw new Error(`${chosen.name} is larger than 5 MB: split it into smaller files.`);
      rows = await read(await chosen.text());
      if (rows.length === 0) throw new Error(`${chosen.name} has no rows under its header.`);
    } catch (error) {
      problem.textContent = (error as Error).message;
      return file.focus();
    }
    submit.disabled = true;
    progress.hidden = false;
    show(results);
    const step = (done: number, total: number) => {
      bar.max = total;
      bar.value = done;
      progressLine.textContent = `${done} of ${total} rows`;
    };
    step(0, rows.length);
    try {
      const summary = await importInvites(rows, {
        concurrency: CONCURRENCY,
        invite: (email, role) => client.instanceOrgInvites.post({ ...ids, invite: { email, role }, perPage: 1 }),
        progress: step,
      });
      const words = `${summary.created} created, ${summary.skipped} skipped, ${summary.failed} failed`;
      tell(`Imported ${chosen!.name}: ${words}.`);
      show(results, el('h3', {}, words), resultTable(summary.outcomes));
    } catch (error) {
      report(error);
    } finally {
      submit.disabled = false;
    }
  });

  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'import-title' },
    el('h2', { id: 'import-title' }, 'Import invitations'),
    form,
    progress,
    results,
  );
  return { element, refresh: async () => {} };
}

/**
 * The rows of a file's text; a quote out of place says where, in the parser's words. The
 * parser is loaded here, on the first import, not with the console (it is most of its weight).
 */
async function read(text: string): Promise<InviteRow[]> {
  const { CsvError, parse } = await import('csv-parse/browser/esm/sync');
  try {
    return inviteRows(csvRows(parse(text, { ...CSV_OPTIONS, record_delimiter: [...CSV_OPTIONS.record_delimiter] })));
  } catch (error) {
    if (error instanceof CsvError) throw new Error(`The file is not valid CSV: ${error.message}`);
    const message = (error as Error).message;
    throw new Error(`${message[0].toUpperCase()}${message.slice(1)}.`);
  }
}

function resultTable(outcomes: Outcome[]): HTMLElement {
  const cell = (label: string, value: Node | string) => el('td', { role: 'cell', 'data-label': label }, el('span', { class: 'value' }, value));
  const kind = { created: 'sent', skipped: 'queued', failed: 'failed' } as const;
  const wrap = el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { role: 'table', 'aria-label': 'Import results' },
      el('thead', { role: 'rowgroup' }, el('tr', { role: 'row' }, ...['Line', 'Email', 'Result', 'Reason'].map((h) => el('th', { scope: 'col', role: 'columnheader' }, h)))),
      el(
        'tbody',
        { role: 'rowgroup' },
        ...outcomes.map((o) => el('tr', { role: 'row' }, cell('Line', String(o.line)), cell('Email', o.email || '(no email)'), cell('Result', badge(kind[o.result], o.result)), cell('Reason', o.reason ?? ''))),
      ),
    ),
  );
  fitTable(wrap);
  return wrap;
}
