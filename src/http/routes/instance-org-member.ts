import { Success } from '../../contract/common.js';
import { Member, MemberPatch, MemberPath } from '../../contract/members.js';
import { actor, errors, type RoutePlugin } from './shared.js';

const path = '/instances/:instanceId/orgs/:orgId/members/:userId';

export const instanceOrgMemberRoutes: RoutePlugin = async (app, { services }) => {
  app.get(
    path,
    { config: { action: 'instanceOrgMember.get' }, schema: { params: MemberPath, response: { 200: Member, ...errors } } },
    async (req) => services.members.get(req.params.instanceId, req.params.orgId, req.params.userId),
  );

  app.patch(
    path,
    {
      config: { action: 'instanceOrgMember.patch' },
      schema: { params: MemberPath, body: MemberPatch, response: { 200: Member, ...errors } },
    },
    async (req) => services.members.update(req.params.instanceId, req.params.orgId, req.params.userId, req.body, actor(req)),
  );

  app.delete(
    path,
    { config: { action: 'instanceOrgMember.delete' }, schema: { params: MemberPath, response: { 200: Success, ...errors } } },
    async (req) => {
      await services.members.remove(req.params.instanceId, req.params.orgId, req.params.userId, actor(req));
      return { success: true as const };
    },
  );
};
