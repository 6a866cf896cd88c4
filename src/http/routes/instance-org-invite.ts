import { Success } from '../../contract/common.js';
import { Invite, RoleInfo } from '../../contract/invites.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

export const instanceOrgInviteRoutes: RoutePlugin = async (app, { services }) => {
  app.route({
    ...operation('instanceOrgInvite.get', { response: Invite }),
    handler: async (req) => services.invitations.get(req.params.instanceId, req.params.orgId, req.params.inviteId),
  });

  app.route({
    ...operation('instanceOrgInvite.delete', { response: Success }),
    handler: async (req) => {
      await services.invitations.revoke(req.params.instanceId, req.params.orgId, req.params.inviteId, actor(req));
      return { success: true as const };
    },
  });

  app.route({
    ...operation('instanceOrgInvite.resendInvite', { body: RoleInfo, response: Invite }),
    handler: async (req) => services.invitations.resend(req.params.instanceId, req.params.orgId, req.params.inviteId, req.body, actor(req)),
  });
};
