import { readFileSync } from 'node:fs';
import { CsvError, parse } from 'csv-parse/sync';
import { CSV_OPTIONS, type CsvRow, csvRows } from '../import/invites-csv.js';

export type { CsvRow };

/** Reads a CSV file (RFC 4180). A quote out of place or never closed throws, naming the file and line. */
export function readCsv(file: string): CsvRow[] {
  try {
    return csvRows(parse(readFileSync(file, 'utf8'), { ...CSV_OPTIONS, record_delimiter: [...CSV_OPTIONS.record_delimiter] }));
  } catch (error) {
    throw error instanceof CsvError ? new Error(`${file}: ${error.message}`) : error;
  }
}
