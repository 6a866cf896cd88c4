import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/cli/csv.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const csv = (text: string) => {
  const file = join(dir, `${++files}.csv`);
  writeFileSync(file, text);
  return file;
};

describe('readCsv', () => {
  it('takes a byte-order mark before a quoted header, as spreadsheets save it', () => {
    expect(readCsv(csv('\uFEFF"email","role"\r\n"a@example.com",view\r\n'))).toEqual([
      { line: 1, cells: ['email', 'role'] },
      { line: 2, cells: ['a@example.com', 'view'] },
    ]);
  });

  it('refuses a stray quote inside a cell, naming the file and its line', () => {
    const file = csv('email,role\nok@example.com,view\na"b@example.com,view\n');
    expect(() => readCsv(file)).toThrow(`${file}: Invalid Opening Quote: a quote is found on field 0 at line 3, value is "a"`);
  });

  it('refuses a quote that is never closed as a quote error, not as a bad row', () => {
    // csv-parse names the line where the file ends still inside the quote.
    const file = csv('email,role\n"a@example.com,view\nb@example.com,edit\n');
    expect(() => readCsv(file)).toThrow(`${file}: Quote Not Closed: the parsing is finished with an opening quote at line 3`);
  });

  it('leaves out blank rows but gives each row its line in the file', () => {
    expect(readCsv(csv('email,role\n\n\n  \n,\nlate@example.com,view\r\nlast@example.com,edit'))).toEqual([
      { line: 1, cells: ['email', 'role'] },
      { line: 6, cells: ['late@example.com', 'view'] },
      { line: 7, cells: ['last@example.com', 'edit'] },
    ]);
  });
});
