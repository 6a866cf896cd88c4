import type { FastifyRequest } from 'fastify';
import { JoinInfo, JoinInfoQuery, JoinRequest, JoinRequestResult } from '../../contract/join-links.js';
import { AppError } from '../../domain/errors.js';
import { acceptedTags, matchLocale } from '../../i18n/messages.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

/**
 * The public endpoints behind a join link: no API token, the code is the key. Rate-limited per
 * client address like the invite link endpoints; an unknown code counts as a guess against
 * the address (as an unknown invite link does). Requests for a confirmation mail have their
 * own, tighter limits per address and per email, since each one sends mail.
 */
export const joinLinksRoutes: RoutePlugin = async (app, { services }) => {
  const { limiter } = services;
  app.addHook('onRequest', async (req) => limiter.publicAddress(req.ip));

  const checked = async <T>(req: FastifyRequest, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof AppError && error.code === 'join_link_invalid') throw (await limiter.failedLink(req.ip, null, true)) ?? error;
      throw error;
    }
  };

  app.route({
    ...operation('joinLinks.get', { querystring: JoinInfoQuery, response: JoinInfo }),
    handler: async (req) => checked(req, () => services.joinLinks.info(req.query.code)),
  });

  app.route({
    ...operation('joinLinks.post', { body: JoinRequest, response: JoinRequestResult }),
    handler: async (req) =>
      checked(req, async () => {
        await limiter.joinRequest(req.ip, req.body.email);
        // The confirmation mail speaks the language of the page that asked (else the org's).
        const locale = matchLocale(acceptedTags(req.headers['accept-language']));
        return services.joinLinks.request(req.body.code, req.body.email, { ...actor(req), via: 'join_link' }, locale);
      }),
  });
};
