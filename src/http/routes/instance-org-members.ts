import { OrgPath } from '../../contract/common.js';
import { Member, MemberCollection, MemberListQuery, MemberPost } from '../../contract/members.js';
import { actor, errors, type RoutePlugin } from './shared.js';

const path = '/instances/:instanceId/orgs/:orgId/members';

export const instanceOrgMembersRoutes: RoutePlugin = async (app, { services }) => {
  app.get(
    path,
    {
      config: { action: 'instanceOrgMembers.get' },
      schema: { params: OrgPath, querystring: MemberListQuery, response: { 200: MemberCollection, ...errors } },
    },
    async (req) => services.members.list(req.params.instanceId, req.params.orgId, req.query),
  );

  app.post(
    path,
    {
      config: { action: 'instanceOrgMembers.post' },
      schema: { params: OrgPath, body: MemberPost, response: { 200: Member, ...errors } },
    },
    async (req) => services.members.add(req.params.instanceId, req.params.orgId, req.body, actor(req)),
  );
};
