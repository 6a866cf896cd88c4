import { canonicalId } from '../../contract/canonical.js';
import { InvitePost } from '../../contract/invites.js';
import { MemberQuery, OrgInvites, OrgMemberPatch, OrgWithMembers, RevokeQuery, SummaryQuery } from '../../contract/org-side.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

/**
 * The organization's own side (upstream's `org`): the instance routes' domain behind other
 * doors. The access hook has found and authorized the org (`req.org`), so the instance is its.
 * Upstream answers invite changes with the whole invite list, member changes with the org.
 */
export const orgRoutes: RoutePlugin = async (app, { services: { invitations, members } }) => {
  const invites = async (instanceId: string, orgId: string) => (await invitations.list(instanceId, orgId, {})).items;

  app.route({
    ...operation('org.pendingInvites', { response: OrgInvites }),
    handler: async (req) => invites(req.org!.instanceId, req.org!.id),
  });
  app.route({
    ...operation('org.inviteMember', { body: InvitePost, response: OrgInvites }),
    handler: async (req) => (await invitations.createAndList(req.org!.instanceId, req.org!.id, req.body, actor(req), {})).items,
  });
  app.route({
    ...operation('org.revokeInvite', { querystring: RevokeQuery, response: OrgInvites }),
    handler: async (req) => {
      const { instanceId, id } = req.org!;
      // Ids in a query arrive in either case, as path ids do.
      await invitations.revoke(instanceId, id, canonicalId(req.query.inviteId), actor(req));
      return invites(instanceId, id);
    },
  });
  app.route({
    ...operation('org.modifyMember', { querystring: SummaryQuery, body: OrgMemberPatch, response: OrgWithMembers }),
    handler: async (req) => {
      const { instanceId, id } = req.org!;
      const { userId, ...patch } = req.body;
      await members.update(instanceId, id, canonicalId(userId), patch, actor(req));
      return members.orgWithMembers(instanceId, id);
    },
  });
  app.route({
    ...operation('org.removeMember', { querystring: MemberQuery, response: OrgWithMembers }),
    handler: async (req) => {
      const { instanceId, id } = req.org!;
      await members.remove(instanceId, id, canonicalId(req.query.userId), actor(req));
      return members.orgWithMembers(instanceId, id);
    },
  });
};
