/**
 * Set-up mistakes end to end, as an operator makes them: each is one clear line on stderr and
 * exit 1, and leaves nothing behind (no folder, no empty database). Real processes, each in a
 * temp folder of its own as the working directory, so that relative paths land there.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, envWith, killAll, run, serve } from '../helpers/cli.js';

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

describe('GATEHOUSE_DATABASE that is neither a SQLite path nor a postgres:// URL', () => {
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

describe('a SQLite file in a folder that does not exist', () => {
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

const ID = 'ffffffffffffffffffffffff';
/** Every command that reads or writes the database, but serve and migrate, which create it. */
const LOCAL_COMMANDS = [
  ['instance', 'create', '--name', 'X'],
  ['instance', 'list'],
  ['instance', 'add-member', '--instance', ID, '--user', ID, '--role', 'view'],
  ['org', 'create', '--instance', ID, '--name', 'X'],
  ['org', 'list', '--instance', ID],
  ['org', 'get', '--id', ID],
  ['org', 'update', '--id', ID, '--name', 'X'],
  ['user', 'create', '--email', 'x@example.com'],
  ['token', 'create', '--instance', ID, '--scope', 'all.Instance'],
  ['token', 'list', '--instance', ID],
  ['token', 'revoke', '--id', ID],
  ['mail', 'status'],
  ['mail', 'retry', '--id', ID],
  ['audit', 'list'],
];

describe('a command run where there is no database says so, and creates none', () => {
  it.each(named(LOCAL_COMMANDS))('%s', async (_name, args) => {
    const cwd = freshDir();
    const path = join(cwd, 'gatehouse.db');
    const result = await gh(cwd, [...args, '--json'], { GATEHOUSE_DATABASE: path });
    expect(result).toEqual({ code: 1, stdout: '', stderr: `gatehouse: no database at ${path} (GATEHOUSE_DATABASE); run gatehouse serve or gatehouse migrate to create it\n` });
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('serve --no-migrate says so too', async () => {
    const cwd = freshDir();
    const result = await gh(cwd, ['serve', '--no-migrate'], { GATEHOUSE_DATABASE: join(cwd, 'gatehouse.db'), GATEHOUSE_MAIL: `file:${join(cwd, 'mail')}`, PORT: '0' });
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: `gatehouse: no database at ${join(cwd, 'gatehouse.db')} (GATEHOUSE_DATABASE); run gatehouse serve or gatehouse migrate to create it\n` });
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('an empty SQLite file is there but has no tables: run migrate; it is left untouched', async () => {
    const cwd = freshDir();
    const path = join(cwd, 'empty.db');
    writeFileSync(path, '');
    const result = await gh(cwd, ['instance', 'list'], { GATEHOUSE_DATABASE: path });
    expect(result).toEqual({ code: 1, stdout: '', stderr: `gatehouse: ${path} (GATEHOUSE_DATABASE) has no Gatehouse tables; run gatehouse migrate to create them\n` });
    expect(readdirSync(cwd)).toEqual(['empty.db']);
    expect(readFileSync(path)).toHaveLength(0);
  });

  it('a file that is not a SQLite database is one line too, for every command', async () => {
    const cwd = freshDir();
    const path = join(cwd, 'notes.txt');
    writeFileSync(path, 'These are notes, not a database. '.repeat(8));
    for (const args of [['instance', 'list'], ['migrate']]) {
      const result = await gh(cwd, args, { GATEHOUSE_DATABASE: path });
      expect(result).toEqual({ code: 1, stdout: '', stderr: `gatehouse: Cannot open the SQLite database ${path}: file is not a database\n` });
    }
  });

  it("with the default ./data/gatehouse.db: no data folder is made; migrate makes it, and then the command works", async () => {
    const cwd = freshDir();
    const refused = await gh(cwd, ['instance', 'list'], {});
    expect(refused).toEqual({ code: 1, stdout: '', stderr: 'gatehouse: no database at ./data/gatehouse.db (GATEHOUSE_DATABASE); run gatehouse serve or gatehouse migrate to create it\n' });
    expect(readdirSync(cwd)).toEqual([]);

    expect(await gh(cwd, ['migrate'], {})).toEqual({ code: 0, stdout: 'Database ./data/gatehouse.db is up to date\n', stderr: '' });
    expect(readdirSync(join(cwd, 'data'))).toContain('gatehouse.db');
    expect(await gh(cwd, ['instance', 'list'], {})).toEqual({ code: 0, stdout: '(none)\n', stderr: '' });
  });
});

describe('a port in use', () => {
  let blocker: NetServer;
  let port = 0;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((listening) => blocker.listen(0, '127.0.0.1', listening));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((closed) => blocker.close(() => closed())));

  it("serve says so in one line, without a stack, and exits 1; the first start's token is shown at the next", async () => {
    const cwd = freshDir();
    const vars = { GATEHOUSE_DATABASE: join(cwd, 'gatehouse.db'), GATEHOUSE_MAIL: `file:${join(cwd, 'mail')}`, HOST: '127.0.0.1', LOG_LEVEL: 'info' };
    const result = await gh(cwd, ['serve', '--json'], { ...vars, PORT: String(port) });
    expect(result).toEqual({ code: 1, stdout: '', stderr: `gatehouse: port ${port} is in use (PORT); stop the other process or set PORT to another port (0 picks a free one)\n` });

    // The empty database was not set up behind the failed start, its token printed to nobody.
    const server = await serve(envWith({ ...vars, PORT: '0', LOG_LEVEL: 'warn' }));
    try {
      expect(server.summary.created).toMatchObject({ instanceId: expect.any(String), token: expect.any(String) });
    } finally {
      await server.stop();
    }
  });
});
