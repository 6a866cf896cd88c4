/**
 * Set-up mistakes end to end, as an operator makes them: each is one clear line on stderr and
 * exit 1, and leaves nothing behind (no folder, no empty database). Real processes, each in a
 * temp folder of its own as the working directory, so that relative paths land there.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, envWith, killAll, run } from '../helpers/cli.js';

let root = '';
let count = 0;
/** An empty working directory. */
const freshDir = () => {
  const dir = join(root, `cwd-${++count}`);
  mkdirSync(dir);
  return dir;
};
const gh = (cwd: string, args: string[], vars: Record<string, string>) => run(process.execPath, [BIN, ...args], envWith({ LOG_LEVEL: 'warn', ...vars }), cwd);
/** Commands as test cases: [the command line, its arguments]. */
const named = (commands: string[][]) => commands.map((args) => [args.join(' '), args] as const);
/** What a ConfigError with one problem prints. */
const configLine = (problem: string) => `gatehouse: Invalid configuration:\n  - ${problem}\n`;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'gatehouse-cli-setup-'));
});
afterAll(() => {
  killAll();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe.concurrent('GATEHOUSE_DATABASE that is neither a SQLite path nor a postgres:// URL', () => {
  it.each(named([['serve'], ['migrate'], ['instance', 'list'], ['org', 'create', '--instance', 'ffffffffffffffffffffffff', '--name', 'X']]))(
    '%s refuses mysql://… by name, and creates nothing',
    async (_name, args) => {
      const cwd = freshDir();
      const result = await gh(cwd, args, { GATEHOUSE_DATABASE: 'mysql://root:secret@db.internal/gatehouse', GATEHOUSE_MAIL: `file:${join(cwd, 'mail')}`, PORT: '0' });
      expect(result).toEqual({ code: 1, stdout: '', stderr: configLine('GATEHOUSE_DATABASE: unsupported scheme "mysql:"; use a SQLite file path or a postgres:// URL') });
      expect(readdirSync(cwd)).toEqual([]);
    },
  );
});

describe.concurrent('a SQLite file in a folder that does not exist', () => {
  it.each(named([['serve'], ['migrate'], ['instance', 'list']]))('%s refuses it naming the variable and the folder, and creates no folder', async (_name, args) => {
    const cwd = freshDir();
    const folder = join(cwd, 'missing', 'sub');
    const result = await gh(cwd, args, { GATEHOUSE_DATABASE: join(folder, 'gatehouse.db'), GATEHOUSE_MAIL: `file:${join(cwd, 'mail')}`, PORT: '0' });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: configLine(`GATEHOUSE_DATABASE: no folder "${folder}" for the SQLite file; create it, or point GATEHOUSE_DATABASE into an existing folder`),
    });
    expect(readdirSync(cwd)).toEqual([]);
  });
});
