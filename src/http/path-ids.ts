import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canonicalId } from '../contract/canonical.js';

/**
 * Ids arrive in either case (the upstream pattern allows A-F) and are stored lower-case: every
 * path id is made canonical once validated, before authorization and the handler see it.
 */
export function canonicalPathIds(app: FastifyInstance): void {
  app.addHook('preHandler', async (request: FastifyRequest<{ Params: Record<string, string> }>) => {
    const params = request.params ?? {};
    for (const key of Object.keys(params)) if (key.endsWith('Id')) params[key] = canonicalId(params[key]);
  });
}
