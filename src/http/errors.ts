import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { DEFAULT_CODE, ERROR_STATUS, type ErrorCode, type ErrorType, errorBody } from '../contract/errors.js';
import { AppError } from '../domain/errors.js';
import { describeValidation } from './validation-messages.js';

const TYPE_BY_STATUS = new Map<number, ErrorType>(
  Object.entries(ERROR_STATUS).map(([type, status]) => [status, type as ErrorType]),
);

/**
 * Fastify's own client errors, with messages of ours: the parser's would quote the body, and
 * the body may hold an invite token.
 */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Body is empty but Content-Type is application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Content-Type must be application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body',
  FST_ERR_BAD_URL: 'The path is not valid percent-encoding',
  FST_ERR_MAX_PARAM_LENGTH: 'A path segment is longer than 200 characters',
};

/** The code of a status the framework chose (a parser's 413, the router's 414). */
const codeOfStatus = (status: number): ErrorCode => DEFAULT_CODE[TYPE_BY_STATUS.get(status) ?? 'Validation'];

/** Sends an error answer; a 429 also ends the connection, so a flood cannot keep its sockets. */
function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string, field?: string): FastifyReply {
  if (status === 429) reply.header('connection', 'close');
  return reply.status(status).send(errorBody(code, message, field));
}

/**
 * The router's own refusals (a malformed or overlong path), given to Fastify as
 * `frameworkErrors`: they happen before any route, so the error handler never sees them.
 */
export function answerFrameworkError(error: FastifyError, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  sendError(reply, status, codeOfStatus(status), FASTIFY_MESSAGES[error.code] ?? 'Bad request');
}

/** The methods of the app's routes by path pattern, to answer 405 with `Allow` for a known path. */
function routeMethods(app: FastifyInstance): (path: string) => string[] {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (route) => {
    const source = route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*');
    routes.push({ pattern: new RegExp(`^${source}$`), methods: ([] as string[]).concat(route.method) });
  });
  return (path) => [...new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods))].sort();
}

/** The one place where any error becomes an HTTP answer `{ type, message, code }` (and `field`). */
export function registerErrorMapper(app: FastifyInstance, isUnavailable: (error: unknown) => boolean): void {
  const methodsOf = routeMethods(app);

  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
      return sendError(reply, ERROR_STATUS[error.type], error.code, error.message, error.field);
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      // Ajv's own text (`body/role must be equal to one of the allowed values`) is for programmers.
      try {
        const { message, field } = describeValidation(fe.validation as ErrorObject[], fe.validationContext);
        return sendError(reply, 400, 'invalid_request', message, field);
      } catch (failure) {
        // A shape of error the words do not foresee is still the client's 400, in Ajv's words.
        request.log.error({ err: failure }, 'could not describe a validation error');
        return sendError(reply, 400, 'invalid_request', fe.message);
      }
    }
    if (error instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return sendError(reply, 400, 'invalid_request', FASTIFY_MESSAGES.FST_ERR_CTP_INVALID_JSON_BODY);
    }
    if (isUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', '5');
      return sendError(reply, 503, 'service_unavailable', 'The database is unavailable; try again shortly');
    }
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendError(reply, status, codeOfStatus(status), FASTIFY_MESSAGES[fe.code] ?? fe.message);
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'server_error', 'Internal server error');
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = methodsOf(path);
    // A route of this very method may still answer 404 (a static file it does not have).
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '));
      return sendError(reply, 405, 'method_not_allowed', `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`);
    }
    return sendError(reply, 404, 'not_found', `No route for ${request.method} ${path}`);
  });
}
