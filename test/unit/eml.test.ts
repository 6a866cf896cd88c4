import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastMail } from '../../src/mail/eml.js';
import { fileTransport } from '../../src/mail/transport.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-eml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes one mail with the file transport, as the service does, and returns its folder and raw text. */
async function written(subject: string, text: string) {
  const folder = join(dir, String(Math.random()).slice(2));
  const transport = fileTransport(folder);
  await transport.send({ id: 'm1', from: 'Gatehouse <no-reply@example.com>', to: 'someone@example.com', subject, text, html: '<p>hi</p>' });
  transport.close();
  return { folder, raw: readFileSync(join(folder, 'm1.eml'), 'utf8') };
}

describe('lastMail', () => {
  it('reads back an encoded non-ASCII subject whole, though nodemailer folds it over two lines', async () => {
    const subject = 'Einladung zu Müller & Söhne – Ärzte';
    const { folder, raw } = await written(subject, 'Hallo');
    expect(raw, 'the subject is RFC 2047 words on two header lines').toMatch(/^Subject: =\?UTF-8\?Q\?[^\r\n]+\?=\r\n =\?UTF-8\?Q\?/m);
    expect(await lastMail(folder)).toMatchObject({ to: 'someone@example.com', subject });
  });

  it('reads back quoted-printable text, and the link broken over its lines', async () => {
    const link = `https://gatehouse.example.com/accept?token=${'x'.repeat(90)}&email=j%C3%BCrgen%40example.com`;
    const text = `Grüße, Jürgen:\n${link}\n`;
    const { folder, raw } = await written('Hello', text);
    expect(raw, 'the text is quoted-printable, with soft line breaks').toContain('Content-Transfer-Encoding: quoted-printable');
    expect(raw).toContain('Gr=C3=BC=C3=9Fe');
    expect(raw).toMatch(/=\r\nx+/);
    expect(await lastMail(folder)).toMatchObject({ text, link });
  });
});
