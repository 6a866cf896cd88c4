import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ERROR_STATUS, type ErrorType } from '../contract/errors.js';
import { AppError } from '../domain/errors.js';

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

/**
 * The router's own refusals (a malformed or overlong path), given to Fastify as
 * `frameworkErrors`: they happen before any route, so the error handler never sees them.
 */
export function answerFrameworkError(error: FastifyError, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  reply.status(status).send({ type: TYPE_BY_STATUS.get(status) ?? 'Validation', message: FASTIFY_MESSAGES[error.code] ?? 'Bad request' });
}

/** The one place where any error becomes an HTTP answer `{ type, message }`. */
export function registerErrorMapper(app: FastifyInstance, isUnavailable: (error: unknown) => boolean): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
      return reply.status(ERROR_STATUS[error.type]).send({ type: error.type, message: error.message });
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      return reply.status(400).send({ type: 'Validation', message: fe.message });
    }
    if (error instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return reply.status(400).send({ type: 'Validation', message: FASTIFY_MESSAGES.FST_ERR_CTP_INVALID_JSON_BODY });
    }
    if (isUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', '5');
      return reply.status(503).send({ type: 'ServiceUnavailable', message: 'The database is unavailable; try again shortly' });
    }
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message = FASTIFY_MESSAGES[fe.code] ?? fe.message;
      return reply.status(status).send({ type: TYPE_BY_STATUS.get(status) ?? 'Validation', message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ type: 'ServerError', message: 'Internal server error' });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    return reply.status(404).send({ type: 'NotFound', message: `No route for ${request.method} ${path}` });
  });
}
