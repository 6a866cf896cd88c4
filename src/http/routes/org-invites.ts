import type { FastifyRequest } from 'fastify';
import { InviteAction, InviteInfo, InviteInfoQuery, InviteResult } from '../../contract/invites.js';
import { UnusableLink } from '../../domain/errors.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

/**
 * The public endpoints behind an invite link: no API token, the invite token is the key. They
 * are rate-limited per client address (before anything else, malformed requests included).
 * Guessing is throttled after the fact: a link that turns out unusable is counted against the
 * address and the email it came with, and past their limits such answers become 429. A correct
 * link is never refused for failures, so nobody can lock an invitee out by naming their email.
 */
export const orgInvitesRoutes: RoutePlugin = async (app, { services }) => {
  const { limiter } = services;
  app.addHook('onRequest', async (req) => limiter.publicAddress(req.ip));

  const checked = async <T>(req: FastifyRequest, email: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof UnusableLink) throw (await limiter.failedLink(req.ip, email, error.unknown)) ?? error;
      throw error;
    }
  };

  app.route({
    ...operation('orgInvites.get', { querystring: InviteInfoQuery, response: InviteInfo }),
    handler: async (req) => checked(req, req.query.email, () => services.invitations.info(req.query.token, req.query.email)),
  });

  app.route({
    ...operation('orgInvites.post', { body: InviteAction, response: InviteResult }),
    handler: async (req) => checked(req, req.body.email, () => services.invitations.respond(req.body.token, req.body.email, req.body.accept, actor(req))),
  });
};
