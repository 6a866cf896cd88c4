/**
 * A TCP proxy in front of a real PostgreSQL server that fails the way networks and failovers
 * do, on demand: every connection cut and new ones refused for a while (a primary killed and
 * another promoted), connections that go silent (a node gone without a word), and the answer
 * to one COMMIT lost after the server committed (the outcome a client cannot know).
 */
import { createServer, type Server, type Socket, connect } from 'node:net';

/** A simple-protocol query message ('Q', length, text) whose text is COMMIT, as Gatehouse sends it. */
const COMMIT = /Q[\s\S]{4}commit\0/i;

export class FaultProxy {
  private readonly sockets = new Set<Socket>();
  private refusingUntil = 0;
  private silent = false;
  private commitsToLose = 0;
  /** How many COMMIT answers were lost so far. */
  lostCommits = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<FaultProxy> {
    let proxy: FaultProxy;
    const server = createServer((client) => proxy.accept(client, targetPort));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = new FaultProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  /** Cuts every connection and refuses new ones for `ms`. */
  outage(ms: number): void {
    this.refusingUntil = Date.now() + ms;
    this.cutAll();
  }

  /** From now on nothing passes either way, and new connections are accepted and never answered. */
  goSilent(): void {
    this.silent = true;
  }

  /** Ends the silence: the silent connections are cut (as a TCP timeout would), new ones work. */
  speak(): void {
    this.silent = false;
    this.cutAll();
  }

  /** The next COMMIT reaches the server, which commits; its answer never reaches the client. */
  loseNextCommitAnswer(): void {
    this.commitsToLose = 1;
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise((r) => this.server.close(r));
  }

  private cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: Socket, targetPort: number): void {
    if (Date.now() < this.refusingUntil) return void client.destroy();
    this.track(client);
    if (this.silent) return;
    const upstream = connect(targetPort, '127.0.0.1');
    this.track(upstream);
    let loseAnswer = false;
    client.on('data', (chunk) => {
      if (this.silent) return;
      if (this.commitsToLose > 0 && COMMIT.test(chunk.toString('latin1'))) {
        this.commitsToLose--;
        loseAnswer = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.silent) return;
      if (loseAnswer) {
        // The server has committed and is answering: the client never hears it.
        this.lostCommits++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
