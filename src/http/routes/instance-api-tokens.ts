import { Success } from '../../contract/common.js';
import { ApiToken, ApiTokenCollection, ApiTokenListQuery, ApiTokenPost, ApiTokenWithSecret } from '../../contract/tokens.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

export const instanceApiTokensRoutes: RoutePlugin = async (app, { services }) => {
  app.route({
    ...operation('instanceApiTokens.get', { querystring: ApiTokenListQuery, response: ApiTokenCollection }),
    handler: async (req) => services.apiTokens.list(req.params.instanceId, req.query),
  });

  app.route({
    ...operation('instanceApiTokens.post', { body: ApiTokenPost, response: ApiTokenWithSecret }),
    handler: async (req) => services.apiTokens.create(req.params.instanceId, req.body, req.token!, actor(req)),
  });

  app.route({
    ...operation('instanceApiToken.get', { response: ApiToken }),
    handler: async (req) => services.apiTokens.get(req.params.instanceId, req.params.apiTokenId),
  });

  app.route({
    ...operation('instanceApiToken.delete', { response: Success }),
    handler: async (req) => {
      await services.apiTokens.revoke(req.params.instanceId, req.params.apiTokenId, req.token!, actor(req));
      return { success: true as const };
    },
  });
};
