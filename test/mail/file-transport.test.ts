/** The file transport's files hold live invitation links: private to the service's user (issue 12). */
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fileTransport } from '../../src/mail/transport.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-file-transport-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mail = (id: string) => ({ id, from: 'g@example.com', to: 'a@example.com', subject: 'Join', text: 'http://x/accept?token=t', html: '<p>hi</p>' });
const mode = (path: string) => statSync(path).mode & 0o777;

it('writes each .eml 0600 and creates its folder 0700', async () => {
  const folder = join(dir, 'new', 'mail');
  const transport = fileTransport(folder);
  await transport.send(mail('m1'));
  transport.close();
  expect(mode(join(folder, 'm1.eml')).toString(8)).toBe('600');
  expect(mode(folder).toString(8)).toBe('700');
});

it('a retry over a world-readable leftover still leaves a 0600 file', async () => {
  const folder = join(dir, 'existing');
  mkdirSync(folder, { mode: 0o755 });
  writeFileSync(join(folder, 'm2.eml.tmp'), 'half', { mode: 0o644 });
  writeFileSync(join(folder, 'm2.eml'), 'old', { mode: 0o644 });
  const transport = fileTransport(folder);
  await transport.send(mail('m2'));
  transport.close();
  expect(mode(join(folder, 'm2.eml')).toString(8)).toBe('600');
  expect(mode(folder).toString(8)).toBe('755'); // the operator's folder keeps its mode
});
