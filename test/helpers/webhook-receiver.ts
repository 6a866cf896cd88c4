import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One delivery as the receiver saw it. */
export interface Received {
  id: string;
  timestamp: number;
  signature: string;
  body: string;
  event: { id: string; type: string; timestamp: string; data: Record<string, any> };
  headers: IncomingHttpHeaders;
  /** Which of the receiver's secrets verified it with the `standardwebhooks` package. */
  verifiedBy: string[];
  at: number;
  /** When the answer was sent (null while the request waits for its answer). */
  answeredAt: number | null;
  /** The sender's TCP port: which connection, and so which process, sent it. */
  remotePort: number;
}

/**
 * A real HTTP receiver on loopback that checks every delivery with the `standardwebhooks`
 * package, as a receiving application would. It answers `status` (200 unless set), can be
 * taken down (its port refuses connections) and brought back on the same port.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Requests whose signature no secret verified. */
  readonly rejected: { headers: IncomingHttpHeaders; body: string; reason: string }[] = [];
  status = 200;
  /** Milliseconds to wait before answering. */
  delayMs = 0;
  secrets: string[] = [];
  private server: Server | null = null;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const verifiedBy = this.secrets.filter((secret) => {
          try {
            new Webhook(secret).verify(body, headers);
            return true;
          } catch {
            return false;
          }
        });
        let delivery: Received | null = null;
        if (verifiedBy.length === 0) this.rejected.push({ headers: req.headers, body, reason: 'no secret verified the signature' });
        else {
          delivery = {
            id: headers['webhook-id'],
            timestamp: Number(headers['webhook-timestamp']),
            signature: headers['webhook-signature'],
            body,
            event: JSON.parse(body),
            headers: req.headers,
            verifiedBy,
            at: Date.now(),
            answeredAt: null,
            remotePort: req.socket.remotePort ?? 0,
          };
          this.received.push(delivery);
        }
        const answer = () => {
          if (delivery) delivery.answeredAt = Date.now();
          res.writeHead(this.status, { 'content-type': 'text/plain' }).end(this.status < 300 ? 'ok' : `nope ${this.status}`);
        };
        if (this.delayMs > 0) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
    await new Promise<void>((resolve) => server.listen(port || this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening (and cuts open connections): deliveries meet a refused connection. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The distinct event ids received. */
  ids(): Set<string> {
    return new Set(this.received.map((r) => r.id));
  }

  /** The deliveries taken in and not answered yet (waiting out `delayMs`). */
  inFlight(): Received[] {
    return this.received.filter((r) => r.answeredAt === null);
  }

  ofType(type: string): Received[] {
    return this.received.filter((r) => r.event.type === type);
  }
}
