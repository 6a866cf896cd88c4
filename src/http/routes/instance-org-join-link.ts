import { Success } from '../../contract/common.js';
import { JoinLink, JoinLinkPatch } from '../../contract/join-links.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin, showsJoinUrl } from './shared.js';

export const instanceOrgJoinLinkRoutes: RoutePlugin = async (app, { services }) => {
  app.route({
    ...operation('instanceOrgJoinLink.get', { response: JoinLink }),
    handler: async (req) => services.joinLinks.get(req.params.instanceId, req.params.orgId, req.params.joinLinkId, await showsJoinUrl(services, req, req.params.instanceId, req.params.orgId)),
  });

  app.route({
    ...operation('instanceOrgJoinLink.patch', { body: JoinLinkPatch, response: JoinLink }),
    handler: async (req) => services.joinLinks.update(req.params.instanceId, req.params.orgId, req.params.joinLinkId, req.body, actor(req)),
  });

  app.route({
    ...operation('instanceOrgJoinLink.delete', { response: Success }),
    handler: async (req) => {
      await services.joinLinks.remove(req.params.instanceId, req.params.orgId, req.params.joinLinkId, actor(req));
      return { success: true as const };
    },
  });

  app.route({
    ...operation('instanceOrgJoinLink.rotate', { response: JoinLink }),
    handler: async (req) => services.joinLinks.rotate(req.params.instanceId, req.params.orgId, req.params.joinLinkId, actor(req)),
  });
};
