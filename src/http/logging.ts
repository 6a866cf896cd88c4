import type { FastifyRequest } from 'fastify';
import pino from 'pino';

const REDACTED = '[REDACTED]';

/**
 * Whether a query parameter, by its raw name, may carry a secret. Judged by the decoded name,
 * as the query parser sees it (`%74oken`, `TOKEN`, `to+ken`… are all read by someone), and by
 * any name holding "token" or "code" (`access_token`, `id_token`, a join link's `code`): a false alarm costs a log value. A
 * name that does not decode is suspect: some parser may still read it as one that does.
 */
function isSecretName(raw: string): boolean {
  let name: string;
  try {
    name = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return true;
  }
  const lower = name.toLowerCase();
  return lower.includes('token') || lower.includes('code');
}

/**
 * A query string (without the `?`) with the value of every secret-suspect parameter replaced.
 * `;` separates too: this parser does not, but a proxy or log reader might.
 */
const redactQuery = (query: string): string =>
  query.replace(/(^|[&;])([^&;=]*)=([^&;]*)/g, (pair, sep: string, name: string) => (isSecretName(name) ? `${sep}${name}=${REDACTED}` : pair));

/** A join link carries its code in the path (`/join/<code>`); whatever follows `/join/` is the secret. */
const redactPath = (path: string): string => path.replace(/(\/join\/)[^/?\s"'<>`]+/gi, `$1${REDACTED}`);

/** A request URL (path and query) fit for a log line: never throws. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? redactPath(url) : `${redactPath(url.slice(0, q))}?${redactQuery(url.slice(q + 1))}`;
}

/** Any text that may quote a URL (a message, an error): join paths, and each `?query` up to a space or quote, redacted. */
const redactText = (text: string): string => redactPath(text).replace(/\?[^\s"'<>`]*/g, (query) => `?${redactQuery(query.slice(1))}`);

/** pino options: request lines without secrets, and headers never logged. */
export function loggerOptions(level: string) {
  return {
    level,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'token', '*.token', 'code', '*.code'], censor: REDACTED },
    serializers: {
      req(req: FastifyRequest) {
        return { method: req.method, url: redactUrl(req.url), remoteAddress: req.ip };
      },
      // Fastify's own warnings quote the request URL in error messages (FST_ERR_REP_ALREADY_SENT).
      err(error: Error) {
        const serialized = pino.stdSerializers.err(error);
        serialized.message = redactText(serialized.message);
        if (serialized.stack) serialized.stack = redactText(serialized.stack);
        return serialized;
      },
    },
    // Messages too: Fastify's default 404 line is `Route GET:/invites?token=… not found`.
    hooks: {
      logMethod(this: pino.Logger, args: unknown[], method: pino.LogFn) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)) as Parameters<pino.LogFn>);
      },
    },
  };
}
