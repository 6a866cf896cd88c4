import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Delivers one message or throws; `permanent` on the error says retrying cannot help. */
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
      const info = await builder.sendMail({ ...mail, messageId: `<${mail.id}@gatehouse>` });
      await mkdir(folder, { recursive: true });
      const file = join(folder, `${mail.id}.eml`);
      // Written aside and renamed, so a reader never sees half a message.
      await writeFile(`${file}.tmp`, info.message as Buffer);
      await rename(`${file}.tmp`, file);
    },
    close() {
      builder.close();
    },
  };
}
