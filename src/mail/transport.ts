import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

interface OutgoingMail {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Sent as Content-Language when known. */
  language?: string;
}

/** nodemailer's message: the mail, its id as Message-ID, its language as a header. */
const message = ({ language, ...mail }: OutgoingMail) => ({
  ...mail,
  messageId: `<${mail.id}@gatehouse>`,
  headers: language ? { 'Content-Language': language } : ({} as Record<string, string>),
});

/** Delivers one message or throws; `permanent: true` on the error says retrying cannot help. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * The embedded default: nodemailer builds the RFC 5322 message and it is written as one
 * `.eml` file per mail, named by the outbox id so that a retry overwrites rather than adds.
 */
export function fileTransport(folder: string): MailTransport {
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true });
  return {
    async send(mail) {
      const info = await builder.sendMail(message(mail));
      // Each message holds a live invitation link: readable by the service's user only. A
      // folder made here is private too; an existing one keeps the mode its operator gave it.
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const file = join(folder, `${mail.id}.eml`);
      // Written aside and renamed, so a reader never sees half a message. Created afresh
      // ('wx'): the mode applies only to a new file, and a leftover could be world-readable.
      await rm(`${file}.tmp`, { force: true });
      await writeFile(`${file}.tmp`, info.message as Buffer, { mode: 0o600, flag: 'wx' });
      await rename(`${file}.tmp`, file);
    },
    close() {
      builder.close();
    },
  };
}

/**
 * SMTP through nodemailer: `smtp://` upgrades with STARTTLS when the server offers it,
 * `smtps://` is TLS from the start; `?tls.rejectUnauthorized=false` and other nodemailer
 * options may ride on the query string. Connections are pooled and reused between messages.
 */
function smtpTransport(url: string): MailTransport {
  const withPool = new URL(url);
  if (!withPool.searchParams.has('pool')) withPool.searchParams.set('pool', 'true');
  const transport = nodemailer.createTransport(withPool.toString());
  return {
    async send(mail) {
      try {
        await transport.sendMail(message(mail));
      } catch (error) {
        // 5xx is the server's final word (no such mailbox, refused); 4xx and connection
        // failures are worth another try.
        const code = (error as { responseCode?: number }).responseCode;
        if (code !== undefined && code >= 500) Object.assign(error as object, { permanent: true });
        throw error;
      }
    },
    close() {
      transport.close();
    },
  };
}

/** Where mail goes: a folder of .eml files (the embedded default), or an SMTP server. */
export type MailSetting = { kind: 'file'; folder: string } | { kind: 'smtp'; url: string };

export function openTransport(mail: MailSetting): MailTransport {
  return mail.kind === 'smtp' ? smtpTransport(mail.url) : fileTransport(mail.folder);
}
