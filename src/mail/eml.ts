import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalEmail } from '../contract/canonical.js';

export interface ReadMail {
  file: string;
  to: string;
  subject: string;
  text: string;
  /** The accept link of an invitation mail, if the mail has one. */
  link: string | null;
}

/** Reads a message written by the file transport: its recipient, subject and plain text. */
export async function parseEml(file: string, eml: Buffer | string): Promise<ReadMail> {
  // Loaded here, not at the top: mailparser takes ~150 ms to load, which every other CLI
  // command and `serve` would pay.
  const { simpleParser } = await import('mailparser');
  const mail = await simpleParser(eml);
  const text = mail.text ?? '';
  const to = [mail.to ?? []].flat().map((address) => address.text).join(', ');
  return { file, to, subject: mail.subject ?? '', text, link: /https?:\/\/\S+\/accept\?\S+/.exec(text)?.[0] ?? null };
}

/** The newest mail in `folder` (optionally the newest to `to`), or null when there is none. */
export async function lastMail(folder: string, to?: string): Promise<ReadMail | null> {
  // Files are named by outbox id, and ids sort in creation order.
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).sort().reverse();
  for (const name of names) {
    const mail = await parseEml(join(folder, name), await readFile(join(folder, name)));
    if (!to || canonicalEmail(mail.to) === canonicalEmail(to)) return mail;
  }
  return null;
}
