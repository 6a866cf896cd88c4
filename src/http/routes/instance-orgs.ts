import { InstancePath, Org, OrgCollection, OrgListQuery, OrgPost } from '../../contract/orgs.js';
import { actor, errors, type RoutePlugin } from './shared.js';

const path = '/instances/:instanceId/orgs';

export const instanceOrgsRoutes: RoutePlugin = async (app, { services }) => {
  app.get(
    path,
    {
      config: { action: 'instanceOrgs.get' },
      schema: { params: InstancePath, querystring: OrgListQuery, response: { 200: OrgCollection, ...errors } },
    },
    async (req) => services.orgs.list(req.params.instanceId, req.query),
  );

  // Upstream documents 200 (not 201) for a new organization.
  app.post(
    path,
    {
      config: { action: 'instanceOrgs.post' },
      schema: { params: InstancePath, body: OrgPost, response: { 200: Org, ...errors } },
    },
    async (req) => services.orgs.create(req.params.instanceId, req.body, actor(req)),
  );
};
