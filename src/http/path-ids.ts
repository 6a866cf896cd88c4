import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canonicalId } from '../contract/canonical.js';

/**
 * Ids arrive in either case (the upstream pattern allows A-F) and are stored lower-case: every
 * path id is made canonical once validated, before authorization and the handler see it.
 */
export function canonicalPathIds(app: FastifyInstance): void {
  // A callback hook: nothing here waits, and an async hook would cost every request a promise.
  app.addHook('preHandler', (request: FastifyRequest<{ Params: Record<string, string> }>, _reply, done) => {
    const params = request.params ?? {};
    for (const key of Object.keys(params)) if (key.endsWith('Id')) params[key] = canonicalId(params[key]);
    done();
  });
}
