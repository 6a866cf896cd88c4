import { TokenInfo } from '../../contract/tokens.js';
import { UserInvite, UserInviteAction, UserInviteResult, UserInvites } from '../../contract/user-side.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

/**
 * The caller itself. Any live token may ask what it is (no scope needed; never the secret). A
 * token acting for a user (the access hook has checked it has one) sees and answers the
 * invitations to that user's email, in the orgs of its instance.
 */
export const meRoutes: RoutePlugin = async (app, { services: { auth, invitations } }) => {
  app.route({ ...operation('me.token', { response: TokenInfo }), handler: async (req) => auth.describe(req.token!) });
  app.route({
    ...operation('me.invites', { response: UserInvites }),
    handler: async (req) => invitations.ofUser(req.token!.instanceId, req.token!.userId!),
  });
  app.route({
    ...operation('me.invite', { response: UserInvite }),
    handler: async (req) => invitations.oneOfUser(req.token!.instanceId, req.token!.userId!, req.params.inviteId),
  });
  app.route({
    ...operation('me.respondToInvite', { body: UserInviteAction, response: UserInviteResult }),
    handler: async (req) => invitations.respondAsUser(req.token!.instanceId, req.token!.userId!, req.params.inviteId, req.body.action, actor(req)),
  });
};
