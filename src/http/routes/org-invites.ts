import { InviteAction, InviteInfo, InviteInfoQuery, InviteResult } from '../../contract/invites.js';
import { actor, errors, type RoutePlugin } from './shared.js';

/** The public endpoints behind an invite link: no API token, the invite token is the key. */
export const orgInvitesRoutes: RoutePlugin = async (app, { services }) => {
  app.get(
    '/invites',
    { schema: { querystring: InviteInfoQuery, response: { 200: InviteInfo, ...errors } } },
    async (req) => services.invitations.info(req.query.token, req.query.email),
  );

  app.post(
    '/invites',
    { schema: { body: InviteAction, response: { 200: InviteResult, ...errors } } },
    async (req) => services.invitations.respond(req.body.token, req.body.email, req.body.accept, actor(req)),
  );
};
