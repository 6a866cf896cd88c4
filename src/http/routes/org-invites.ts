import type { FastifyRequest } from 'fastify';
import { InviteAction, InviteInfo, InviteInfoQuery, InviteResult } from '../../contract/invites.js';
import { AppError } from '../../domain/errors.js';
import { actor, errors, type RoutePlugin } from './shared.js';

/**
 * The public endpoints behind an invite link: no API token, the invite token is the key. They
 * are rate-limited per client address (before anything else, malformed requests included) and
 * per email, and an email whose links keep failing is refused for a while.
 */
export const orgInvitesRoutes: RoutePlugin = async (app, { services }) => {
  const { limiter } = services;
  app.addHook('onRequest', async (req) => limiter.publicAddress(req.ip));

  /** Runs a link check; a failure (unknown token, other email) counts toward the email's lockout. */
  const checked = async <T>(email: string, run: () => Promise<T>): Promise<T> => {
    await limiter.publicEmail(email);
    try {
      return await run();
    } catch (error) {
      if (error instanceof AppError && error.type === 'NotFound') await limiter.failedLink(email);
      throw error;
    }
  };

  app.get(
    '/invites',
    { schema: { querystring: InviteInfoQuery, response: { 200: InviteInfo, ...errors } } },
    async (req) => checked(req.query.email, () => services.invitations.info(req.query.token, req.query.email)),
  );

  app.post(
    '/invites',
    { schema: { body: InviteAction, response: { 200: InviteResult, ...errors } } },
    async (req: FastifyRequest<{ Body: InviteAction }>) =>
      checked(req.body.email, () => services.invitations.respond(req.body.token, req.body.email, req.body.accept, actor(req))),
  );
};
