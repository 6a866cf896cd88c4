import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** What the test SMTP server answers to a recipient: accept (null) or an SMTP error. */
export type RcptAnswer = null | { code: number; message: string };

/**
 * A real SMTP server in the test process (smtp-server), offering STARTTLS with its built-in
 * self-signed certificate; every message it accepts is parsed with mailparser.
 */
export class TestSmtpServer {
  readonly messages: (ParsedMail & { secure: boolean })[] = [];
  connections = 0;
  /** Decides each RCPT TO; accepts everything unless a test says otherwise. */
  answer: (to: string, attempt: number) => RcptAnswer = () => null;
  private attempts = 0;
  private server: SMTPServer | null = null;

  async start(port = 0): Promise<number> {
    const server = new SMTPServer({
      authOptional: true,
      logger: false,
      onConnect: (_session, done) => {
        this.connections++;
        done();
      },
      onRcptTo: (address: SMTPServerAddress, _session, done) => {
        const answer = this.answer(address.address, ++this.attempts);
        if (!answer) return done();
        done(Object.assign(new Error(answer.message), { responseCode: answer.code }));
      },
      onData: (stream, session, done) => {
        simpleParser(stream)
          .then((mail) => {
            this.messages.push(Object.assign(mail, { secure: session.secure }));
            done();
          })
          .catch(done);
      },
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return (server.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The invite token and email in the accept link of a parsed invitation mail. */
export function linkOf(mail: ParsedMail): { token: string; email: string } {
  const link = /https?:\/\/\S+\/accept\?\S+/.exec(mail.text ?? '')?.[0];
  if (!link) throw new Error('no accept link in the mail');
  const url = new URL(link);
  return { token: url.searchParams.get('token')!, email: url.searchParams.get('email')! };
}
