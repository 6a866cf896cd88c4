import { InviteCollection, InviteListQuery, InvitePost } from '../../contract/invites.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

export const instanceOrgInvitesRoutes: RoutePlugin = async (app, { services }) => {
  app.route({
    ...operation('instanceOrgInvites.get', { querystring: InviteListQuery, response: InviteCollection }),
    handler: async (req) => services.invitations.list(req.params.instanceId, req.params.orgId, req.query),
  });

  // Upstream answers a new invite with the org's whole invite list; the list parameters of
  // the query string shape it, so `?perPage=1` keeps the answer small.
  app.route({
    ...operation('instanceOrgInvites.post', { querystring: InviteListQuery, body: InvitePost, response: InviteCollection }),
    handler: async (req) => services.invitations.createAndList(req.params.instanceId, req.params.orgId, req.body, actor(req), req.query),
  });
};
