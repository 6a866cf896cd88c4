import { OrgPath } from '../../contract/common.js';
import { InviteCollection, InviteListQuery, InvitePost } from '../../contract/invites.js';
import { actor, errors, type RoutePlugin } from './shared.js';

const path = '/instances/:instanceId/orgs/:orgId/invites';

export const instanceOrgInvitesRoutes: RoutePlugin = async (app, { services }) => {
  app.get(
    path,
    {
      config: { action: 'instanceOrgInvites.get' },
      schema: { params: OrgPath, querystring: InviteListQuery, response: { 200: InviteCollection, ...errors } },
    },
    async (req) => services.invitations.list(req.params.instanceId, req.params.orgId, req.query),
  );

  // Upstream answers a new invite with the org's whole invite list; the list parameters of
  // the query string shape it, so `?perPage=1` keeps the answer small.
  app.post(
    path,
    {
      config: { action: 'instanceOrgInvites.post' },
      schema: { params: OrgPath, querystring: InviteListQuery, body: InvitePost, response: { 201: InviteCollection, ...errors } },
    },
    async (req, reply) => {
      const { instanceId, orgId } = req.params;
      await services.invitations.create(instanceId, orgId, req.body, actor(req));
      return reply.status(201).send(await services.invitations.list(instanceId, orgId, req.query));
    },
  );
};
