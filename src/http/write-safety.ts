import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OPERATIONS, type OperationSpec } from '../contract/operations.js';
import { AppError, invalid } from '../domain/errors.js';
import { inRequest, type RequestScope } from '../domain/request-scope.js';
import type { KeptAnswer, Store } from '../domain/store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The Idempotency-Key this request holds, to keep its answer under. */
    idempotency: { key: string; owner: string; secret: boolean } | null;
  }
}

/** How long an answer is kept for its Idempotency-Key (the IETF httpapi draft suggests 24 h). */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** Room for a request to finish after its hold, before a repeat of its key may take over. */
const LEASE_MARGIN_MS = 60_000;
/** A journal entry outlives any retry of its request (the hold) by this much. */
const JOURNAL_MARGIN_MS = 10 * 60_000;
/** What the draft's key may be: a string of printable ASCII, here at most 255 of them. */
const KEY = /^[\x21-\x7e]{1,255}$/;

export type WriteSafetyStore = Pick<Store, 'claimIdempotencyKey' | 'keepIdempotentAnswer' | 'releaseIdempotencyKey'>;

const writes = (method: string | string[]) => ![method].flat().every((m) => m === 'GET' || m === 'HEAD');

/**
 * Tokens that wrote in the last `windowMs` (in this process): their reads go to the primary,
 * so that a client reads its own writes even where a standby serves the others' reads.
 */
class RecentWriters {
  private readonly last = new Map<string, number>();
  constructor(private readonly windowMs: number) {}

  note(tokenId: string): void {
    const now = Date.now();
    // Forgotten once past the window, so the map holds only the tokens writing now.
    if (this.last.size > 1000) for (const [id, at] of this.last) if (now - at > this.windowMs) this.last.delete(id);
    this.last.delete(tokenId);
    this.last.set(tokenId, now);
  }

  wroteLately(tokenId: string): boolean {
    const at = this.last.get(tokenId);
    return at !== undefined && Date.now() - at <= this.windowMs;
  }
}

/** The header's key: a Structured Field string (`"abc"`) or, as most clients send it, bare. */
function keyOf(request: FastifyRequest): string | null {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return null;
  const text = (Array.isArray(raw) ? raw.join(',') : raw).trim();
  const key = /^".*"$/.test(text) ? text.slice(1, -1) : text;
  if (!KEY.test(key)) throw invalid('Idempotency-Key must be 1 to 255 printable ASCII characters', 'Idempotency-Key');
  return key;
}

/** What makes a repeat "the same request": method, path with query, and body. */
export const requestFingerprint = (method: string, url: string, body: unknown): string =>
  createHash('sha256').update(`${method} ${url}\n${JSON.stringify(body ?? null)}`).digest('base64url');

/**
 * Makes every request of the operation table safe to run again and every write safe to repeat:
 * - each request waits out a database that went away for at most `holdMs` (the store retries
 *   on fresh connections until the request's deadline);
 * - each write journals the outcome of its transactions under a key of its own, so that a
 *   transaction run again after its COMMIT's outcome was lost answers as it did the first time;
 * - a write with an `Idempotency-Key` is done once per key and token: the first answer is
 *   kept for 24 h and replayed for a repeat with the same method, path and body; a repeat with
 *   another is a 422, and a repeat while the first is still running a 409.
 */
export function registerWriteSafety(app: FastifyInstance, store: WriteSafetyStore, { holdMs, readYourWritesMs }: { holdMs: number; readYourWritesMs: number }): void {
  app.decorateRequest('idempotency', null);
  const writers = new RecentWriters(readYourWritesMs);
  app.addHook('onRoute', (route) => {
    const id = route.config?.operation;
    if (!id) return;
    const write = writes(route.method);
    // Public operations (the invite and join links) read the primary: a link checked there
    // must see the invite or link just made.
    const replicaOk = !write && OPERATIONS[id].access !== 'public';
    const secret = (OPERATIONS[id] as OperationSpec).oneTimeSecret === true;
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const now = Date.now();
      const scope: RequestScope = {
        deadline: now + holdMs,
        replay: false,
        replicaOk: replicaOk && request.token !== null && !writers.wroteLately(request.token.id),
        ...(write && !secret && { journal: { key: `request:${randomUUID()}`, expiresAt: new Date(now + holdMs + JOURNAL_MARGIN_MS).toISOString(), next: 0, repeats: false } }),
      };
      return inRequest(scope, async () => {
        if (write) {
          const kept = await claim(request, scope, OPERATIONS[id].access === 'public', secret);
          if (kept) return replay(reply, kept, secret);
        }
        return handler.call(this, request, reply);
      });
    } as typeof route.handler;
  });

  async function claim(request: FastifyRequest, scope: RequestScope, anonymous: boolean, secret: boolean) {
    const header = keyOf(request);
    if (header === null) return null;
    // Keys are the caller's own: another token's key of the same text is another key. A public
    // operation has no token; its body holds the link's secret, which the fingerprint covers.
    const key = `${anonymous ? 'public' : request.token!.id}:${header}`;
    const print = requestFingerprint(request.method, request.url, request.body);
    const owner = randomUUID();
    const now = Date.now();
    const found = await store.claimIdempotencyKey({
      key,
      fingerprint: print,
      owner,
      now: new Date(now).toISOString(),
      leaseUntil: new Date(now + holdMs + LEASE_MARGIN_MS).toISOString(),
      expiresAt: new Date(now + IDEMPOTENCY_TTL_MS).toISOString(),
    });
    if (found.state !== 'fresh' && found.fingerprint !== print) {
      throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used for another request; use a new key for a new request');
    }
    if (found.state === 'running') throw new AppError('idempotency_key_in_flight', 'A request with this Idempotency-Key is still being answered; repeat it in a moment');
    if (found.state === 'answered') return found.answer;
    request.idempotency = { key, owner, secret };
    // Its journal is the key's, so that a request taking over from one that died finds what
    // that one wrote.
    if (!secret) scope.journal = { key: `idempotency:${key}`, expiresAt: new Date(now + IDEMPOTENCY_TTL_MS).toISOString(), next: 0, repeats: true };
    scope.replay = found.resumed;
    return null;
  }

  function replay(reply: FastifyReply, answer: KeptAnswer, secret: boolean) {
    if (secret && answer.status < 300) {
      const made = (JSON.parse(answer.body) as { id?: string }).id;
      throw new AppError('idempotency_answer_not_kept', `This Idempotency-Key made the API token ${made} already; its secret is shown only once. If it was lost, revoke that token and create another`);
    }
    reply.code(answer.status).header('idempotent-replayed', 'true');
    if (answer.contentType) reply.header('content-type', answer.contentType);
    return reply.send(answer.body);
  }

  // The answer is kept once it is final, error answers included (the same request would get
  // the same one): only the transient ones (a 5xx, a 429) let the key go, for a retry to run.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.token && writes(request.method)) writers.note(request.token.id);
    const held = request.idempotency;
    // Most answers hold no key: they pass without a promise (a callback hook, not an async one).
    if (!held) return done(null, payload);
    request.idempotency = null;
    keep(request, reply, held, payload).then(() => done(null, payload));
  });

  async function keep(request: FastifyRequest, reply: FastifyReply, held: NonNullable<FastifyRequest['idempotency']>, payload: unknown) {
    const status = reply.statusCode;
    const type = reply.getHeader('content-type');
    try {
      if (status >= 500 || status === 429) await store.releaseIdempotencyKey(held.key, held.owner);
      else {
        const body = typeof payload === 'string' ? payload : payload == null ? '' : String(payload);
        await store.keepIdempotentAnswer(held.key, held.owner, {
          status,
          contentType: typeof type === 'string' ? type : null,
          // The one-time secret is not kept: only what says which token was made.
          body: held.secret && status < 300 ? JSON.stringify({ id: (JSON.parse(body) as { id: string }).id }) : body,
        });
      }
    } catch (error) {
      // The answer stands (what it reports was done). A repeat of the key once its lease runs
      // out takes over, and the journal gives it this request's outcome.
      request.log.warn({ err: error }, 'could not keep the answer of an Idempotency-Key');
    }
  }
}
