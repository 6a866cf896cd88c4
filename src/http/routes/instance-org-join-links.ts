import { JoinLink, JoinLinkCollection, JoinLinkPost } from '../../contract/join-links.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin, showsJoinUrl } from './shared.js';

export const instanceOrgJoinLinksRoutes: RoutePlugin = async (app, { services }) => {
  app.route({
    ...operation('instanceOrgJoinLinks.get', { response: JoinLinkCollection }),
    handler: async (req) => services.joinLinks.list(req.params.instanceId, req.params.orgId, await showsJoinUrl(services, req, req.params.instanceId, req.params.orgId)),
  });

  app.route({
    ...operation('instanceOrgJoinLinks.post', { body: JoinLinkPost, response: JoinLink }),
    handler: async (req) => services.joinLinks.create(req.params.instanceId, req.params.orgId, req.body, actor(req)),
  });
};
