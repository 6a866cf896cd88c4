import { Success } from '../../contract/common.js';
import { Invite, InvitePath, RoleInfo } from '../../contract/invites.js';
import { actor, errors, type RoutePlugin } from './shared.js';

const path = '/instances/:instanceId/orgs/:orgId/invites/:inviteId';

export const instanceOrgInviteRoutes: RoutePlugin = async (app, { services }) => {
  app.get(
    path,
    { config: { action: 'instanceOrgInvite.get' }, schema: { params: InvitePath, response: { 200: Invite, ...errors } } },
    async (req) => services.invitations.get(req.params.instanceId, req.params.orgId, req.params.inviteId),
  );

  app.delete(
    path,
    { config: { action: 'instanceOrgInvite.delete' }, schema: { params: InvitePath, response: { 200: Success, ...errors } } },
    async (req) => {
      await services.invitations.revoke(req.params.instanceId, req.params.orgId, req.params.inviteId, actor(req));
      return { success: true as const };
    },
  );

  app.post(
    path,
    {
      config: { action: 'instanceOrgInvite.resendInvite' },
      schema: { params: InvitePath, body: RoleInfo, response: { 201: Invite, ...errors } },
    },
    async (req, reply) => {
      const { instanceId, orgId, inviteId } = req.params;
      return reply.status(201).send(await services.invitations.resend(instanceId, orgId, inviteId, req.body, actor(req)));
    },
  );
};
