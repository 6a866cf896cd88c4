import { readFileSync } from 'node:fs';
import { CsvError, type Info, parse } from 'csv-parse/sync';

/** A row of a CSV file and its line in the file (the last one, if a quoted cell spans lines). */
export interface CsvRow {
  line: number;
  cells: string[];
}

/**
 * Reads a CSV file (RFC 4180). Rows with no value are left out but still counted, so each row
 * has the line an editor shows. A quote out of place or never closed throws, naming the line.
 */
export function readCsv(file: string): CsvRow[] {
  try {
    const records = parse(readFileSync(file, 'utf8'), {
      bom: true,
      info: true,
      // Space around a quoted cell (`"a@example.com" , view`) and ragged rows are taken.
      trim: true,
      relax_column_count: true,
      skip_records_with_empty_values: true,
      // Any line ending ends a row, as in a file pasted together from two systems; left to
      // detection, the other ending would count as two lines.
      record_delimiter: ['\r\n', '\n', '\r'],
      // With `info`, each record comes as { record, info }, which the sync typings do not say.
    }) as unknown as { record: string[]; info: Info }[];
    return records.map(({ record, info }) => ({ line: info.lines, cells: record }));
  } catch (error) {
    throw error instanceof CsvError ? new Error(`${file}: ${error.message}`) : error;
  }
}
