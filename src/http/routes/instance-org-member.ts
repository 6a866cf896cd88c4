import { Success } from '../../contract/common.js';
import { Member, MemberPatch } from '../../contract/members.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

export const instanceOrgMemberRoutes: RoutePlugin = async (app, { services }) => {
  app.route({
    ...operation('instanceOrgMember.get', { response: Member }),
    handler: async (req) => services.members.get(req.params.instanceId, req.params.orgId, req.params.userId),
  });

  app.route({
    ...operation('instanceOrgMember.patch', { body: MemberPatch, response: Member }),
    handler: async (req) => services.members.update(req.params.instanceId, req.params.orgId, req.params.userId, req.body, actor(req)),
  });

  app.route({
    ...operation('instanceOrgMember.delete', { response: Success }),
    handler: async (req) => {
      await services.members.remove(req.params.instanceId, req.params.orgId, req.params.userId, actor(req));
      return { success: true as const };
    },
  });
};
