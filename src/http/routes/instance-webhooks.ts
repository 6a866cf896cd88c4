import { WebhookCollection, WebhookPost, WebhookWithSecret } from '../../contract/webhooks.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

export const instanceWebhooksRoutes: RoutePlugin = async (app, { services }) => {
  app.route({
    ...operation('instanceWebhooks.get', { response: WebhookCollection }),
    handler: async (req) => services.webhooks.list(req.params.instanceId),
  });

  app.route({
    ...operation('instanceWebhooks.post', { body: WebhookPost, response: WebhookWithSecret }),
    handler: async (req) => services.webhooks.create(req.params.instanceId, req.body, actor(req)),
  });
};
