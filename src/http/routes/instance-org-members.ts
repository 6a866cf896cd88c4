import { Member, MemberCollection, MemberListQuery, MemberPost } from '../../contract/members.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

export const instanceOrgMembersRoutes: RoutePlugin = async (app, { services }) => {
  app.route({
    ...operation('instanceOrgMembers.get', { querystring: MemberListQuery, response: MemberCollection }),
    handler: async (req) => services.members.list(req.params.instanceId, req.params.orgId, req.query),
  });

  app.route({
    ...operation('instanceOrgMembers.post', { body: MemberPost, response: Member }),
    handler: async (req) => services.members.add(req.params.instanceId, req.params.orgId, req.body, actor(req)),
  });
};
