import { Org, OrgCollection, OrgListQuery, OrgPatch, OrgPost } from '../../contract/orgs.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

export const instanceOrgsRoutes: RoutePlugin = async (app, { services }) => {
  app.route({
    ...operation('instanceOrgs.get', { querystring: OrgListQuery, response: OrgCollection }),
    handler: async (req) => services.orgs.list(req.params.instanceId, req.query),
  });

  app.route({
    ...operation('instanceOrgs.post', { body: OrgPost, response: Org }),
    handler: async (req) => services.orgs.create(req.params.instanceId, req.body, actor(req)),
  });
  app.route({
    ...operation('instanceOrg.get', { response: Org }),
    handler: async (req) => services.orgs.get(req.params.instanceId, req.params.orgId),
  });

  app.route({
    ...operation('instanceOrg.patch', { body: OrgPatch, response: Org }),
    handler: async (req) => services.orgs.update(req.params.instanceId, req.params.orgId, req.body, actor(req)),
  });
};
