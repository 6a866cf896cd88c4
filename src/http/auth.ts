import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Action } from '../contract/scopes.js';
import type { Auth } from '../domain/tokens.js';
import type { RateLimiter } from '../domain/rate-limits.js';
import type { TokenRecord } from '../domain/records.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The API action a route performs; routes with one require a token allowed to do it. */
    action?: Action;
    /** Set on routes that need a live token but no particular scope (`GET /me/token`). */
    authenticated?: boolean;
  }
  interface FastifyRequest {
    token: TokenRecord | null;
  }
}

/**
 * Authentication runs first (401 before any other check, so that nothing is told to a
 * caller without a token); authorization runs after validation, on well-formed ids.
 */
export function registerAuth(app: FastifyInstance, auth: Auth, limiter: RateLimiter): void {
  app.decorateRequest('token', null);
  app.addHook('onRequest', async (request) => {
    const { action, authenticated } = request.routeOptions.config;
    if (!action && !authenticated) return;
    request.token = await auth.authenticate(request.headers.authorization);
    limiter.token(request.token.id);
  });
  app.addHook('preHandler', async (request: FastifyRequest<{ Params: Record<string, string> }>) => {
    // Ids (instanceId, orgId, …) are stored lower-case but may arrive in either case.
    const params = request.params ?? {};
    for (const key of Object.keys(params)) if (key.endsWith('Id')) params[key] = params[key].toLowerCase();
    const action = request.routeOptions.config.action;
    if (action && request.token) await auth.authorize(request.token, action, params.instanceId);
  });
}
