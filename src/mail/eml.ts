import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ReadMail {
  file: string;
  to: string;
  subject: string;
  text: string;
  /** The accept link of an invitation mail, if the mail has one. */
  link: string | null;
}

const decodeQuotedPrintable = (s: string) =>
  Buffer.from(
    s.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');

/** Reads a message written by the file transport: its recipient, subject and plain text. */
export function parseEml(file: string, eml: string): ReadMail {
  const raw = eml.replace(/\r\n/g, '\n');
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1].trim() ?? '';
  // The text part ends at the next boundary line, not at the first line that starts with "--"
  // (a signature separator or a line of dashes in the text would cut it short).
  const boundary = /boundary="([^"]+)"/i.exec(raw)?.[1];
  const part = (boundary ? raw.split(`\n--${boundary}`) : [raw]).find((p) => /^\s*Content-Type: text\/plain/im.test(p)) ?? '';
  const split = part.indexOf('\n\n');
  const body = split < 0 ? '' : part.slice(split + 2).replace(/\n$/, '');
  const quoted = /^Content-Transfer-Encoding: quoted-printable$/im.test(part.slice(0, split));
  const text = quoted ? decodeQuotedPrintable(body) : body;
  return { file, to: header('To'), subject: header('Subject'), text, link: /https?:\/\/\S+\/accept\?\S+/.exec(text)?.[0] ?? null };
}

/** The newest mail in `folder` (optionally the newest to `to`), or null when there is none. */
export async function lastMail(folder: string, to?: string): Promise<ReadMail | null> {
  // Files are named by outbox id, and ids sort in creation order.
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).sort().reverse();
  for (const name of names) {
    const mail = parseEml(join(folder, name), await readFile(join(folder, name), 'utf8'));
    if (!to || mail.to.toLowerCase() === to.toLowerCase()) return mail;
  }
  return null;
}
