import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import { lastMail } from '../../src/mail/eml.js';
import type { MailRecord } from '../../src/domain/records.js';
import { OutboxWorker, withoutPaths } from '../../src/mail/outbox-worker.js';
import { fileTransport } from '../../src/mail/transport.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/domain/store.js';

let dir: string;
let store: Store;
let now: number;
const quiet = { info() {}, warn() {}, error() {} };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-outbox-'));
  store = await openSqliteStore(join(dir, 'db.sqlite'));
  now = Date.now();
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const mail = (): MailRecord => ({
  id: newId(),
  inviteId: null,
  to: 'someone@example.com',
  subject: 'Hello',
  text: 'a link: http://x/accept?token=t&email=e',
  html: '<p>hi</p>',
  status: 'queued',
  attempts: 0,
  nextAttemptAt: new Date(now).toISOString(),
  lastError: null,
  createdAt: new Date(now).toISOString(),
  sentAt: null,
});

const worker = (folder: string, maxAttempts = 8) =>
  new OutboxWorker({ store, transport: fileTransport(folder), from: 'Gatehouse <g@example.com>', clock: () => new Date(now), log: quiet, maxAttempts });

it('delivers each queued message once, as one .eml file, and clears its body', async () => {
  const folder = join(dir, 'mail');
  const m = mail();
  await store.enqueueMail(m);
  const w = worker(folder);
  await w.drain();
  await w.drain();
  expect(await readdir(folder)).toEqual([`${m.id}.eml`]);
  expect(await store.getMail(m.id)).toMatchObject({ status: 'sent', attempts: 1, text: null, html: null });
});

it('a delivered mail reads back whole, even where a line of its encoding starts with "--"', async () => {
  const folder = join(dir, 'mail');
  // A long token of "a--" wraps in quoted-printable with some lines starting "--", and a
  // signature separator: neither may end the text part, only the MIME boundary does.
  const link = `http://x/accept?token=${'a--'.repeat(60)}&email=e%40example.com`;
  const text = `Accept: ${link}\n\n-- \nGatehouse`;
  await store.enqueueMail({ ...mail(), text });
  await worker(folder).drain();
  const [name] = await readdir(folder);
  expect(await readFile(join(folder, name), 'utf8'), 'the encoding has a line starting with "--"').toMatch(/\r?\n--a/);
  expect(await lastMail(folder)).toMatchObject({ to: 'someone@example.com', subject: 'Hello', text, link });
});

it('retries a failed delivery later with backoff, then delivers', async () => {
  // The folder path is taken by a file, so writing fails until it is cleared.
  const folder = join(dir, 'blocked');
  await writeFile(folder, 'not a folder');
  const m = mail();
  await store.enqueueMail(m);
  await worker(folder).drain();
  const failed = await store.getMail(m.id);
  expect(failed).toMatchObject({ status: 'queued', attempts: 1, lastError: expect.stringMatching(/EEXIST|ENOTDIR/) });
  expect(Date.parse(failed!.nextAttemptAt)).toBeGreaterThan(now);

  // Not due yet: nothing happens.
  await rm(folder);
  await worker(folder).drain();
  expect((await store.getMail(m.id))?.status).toBe('queued');

  now += 60_000;
  await worker(folder).drain();
  expect(await store.getMail(m.id)).toMatchObject({ status: 'sent', attempts: 2 });
  expect(await readdir(folder)).toEqual([`${m.id}.eml`]);
});

it('marks a message failed with its last error after the last attempt', async () => {
  const folder = join(dir, 'blocked');
  await writeFile(folder, 'not a folder');
  const m = mail();
  await store.enqueueMail(m);
  for (let i = 0; i < 3; i++) {
    await worker(folder, 3).drain();
    now += 3_600_000;
  }
  const failed = await store.getMail(m.id);
  expect(failed).toMatchObject({ status: 'failed', attempts: 3, lastError: expect.stringMatching(/^E\w+: .*\[path\]/) });
  // The error is shown to API tokens as `mailError`: the server's paths are not in it.
  expect(failed!.lastError).not.toContain(dir);
});

it('keeps the rest of an error when it hides paths, URLs included', () => {
  expect(withoutPaths("ENOTDIR: not a directory, mkdir '/srv/gatehouse/mail'")).toBe("ENOTDIR: not a directory, mkdir '[path]'");
  expect(withoutPaths('EACCES: permission denied, open /var/lib/x.eml')).toBe('EACCES: permission denied, open [path]');
  expect(withoutPaths('550 5.1.1 see https://help.example.com/550 (user unknown)')).toBe('550 5.1.1 see https://help.example.com/550 (user unknown)');
  expect(withoutPaths('421 4.7.0 try again later')).toBe('421 4.7.0 try again later');
});

it('a message claimed by a sender that died is taken again when its lease runs out', async () => {
  const m = mail();
  await store.enqueueMail(m);
  const lease = new Date(now + 60_000).toISOString();
  expect(await store.claimDueMail(new Date(now).toISOString(), lease, 10)).toHaveLength(1);
  // Still leased: nobody else may take it.
  expect(await store.claimDueMail(new Date(now).toISOString(), lease, 10)).toHaveLength(0);
  now += 61_000;
  await worker(join(dir, 'mail')).drain();
  expect((await store.getMail(m.id))?.status).toBe('sent');
});
