import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OPERATIONS, type OperationSpec } from '../contract/operations.js';
import { isAction } from '../contract/scopes.js';
import type { Auth } from '../domain/tokens.js';
import type { RateLimiter } from '../domain/rate-limits.js';
import type { OrgRecord, TokenRecord } from '../domain/records.js';

declare module 'fastify' {
  interface FastifyRequest {
    token: TokenRecord | null;
    /** On an org-side route (`/orgs/{orgId}`): the org, found and authorized. */
    org: OrgRecord | null;
  }
}

/**
 * Who may call an operation, as the operation table says. Authentication runs first (401
 * before any other check, so that nothing is told to a caller without a token); authorization
 * runs after validation, on well-formed ids made canonical (`canonicalPathIds`).
 */
export function registerAccess(app: FastifyInstance, auth: Auth, limiter: RateLimiter): void {
  app.decorateRequest('token', null);
  app.decorateRequest('org', null);
  app.addHook('onRequest', async (request) => {
    const id = request.routeOptions.config.operation;
    if (!id || OPERATIONS[id].access === 'public') return;
    request.token = await auth.authenticate(request.headers.authorization);
    limiter.token(request.token.id);
  });
  app.addHook('preHandler', async (request: FastifyRequest<{ Params: Record<string, string> }>) => {
    const id = request.routeOptions.config.operation;
    if (!id || !isAction(id) || !request.token) return;
    const { side } = OPERATIONS[id] as OperationSpec;
    if (side === 'org') request.org = await auth.authorizeOrg(request.token, id, request.params.orgId);
    else if (side === 'user') auth.authorizeUser(request.token, id);
    else await auth.authorize(request.token, id, request.params?.instanceId, request.params?.orgId);
  });
}
