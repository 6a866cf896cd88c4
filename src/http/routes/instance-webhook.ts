import { Success } from '../../contract/common.js';
import { DeliveryQuery, Redeliver, RedeliverResult, Webhook, WebhookAttemptCollection, WebhookPatch, WebhookWithSecret } from '../../contract/webhooks.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

export const instanceWebhookRoutes: RoutePlugin = async (app, { services }) => {
  app.route({
    ...operation('instanceWebhook.get', { response: Webhook }),
    handler: async (req) => services.webhooks.get(req.params.instanceId, req.params.webhookId),
  });

  app.route({
    ...operation('instanceWebhook.patch', { body: WebhookPatch, response: Webhook }),
    handler: async (req) => services.webhooks.update(req.params.instanceId, req.params.webhookId, req.body, actor(req)),
  });

  app.route({
    ...operation('instanceWebhook.delete', { response: Success }),
    handler: async (req) => {
      await services.webhooks.remove(req.params.instanceId, req.params.webhookId, actor(req));
      return { success: true as const };
    },
  });

  app.route({
    ...operation('instanceWebhook.rotate', { response: WebhookWithSecret }),
    handler: async (req) => services.webhooks.rotate(req.params.instanceId, req.params.webhookId, actor(req)),
  });

  app.route({
    ...operation('instanceWebhook.deliveries', { querystring: DeliveryQuery, response: WebhookAttemptCollection }),
    handler: async (req) => services.webhooks.attempts(req.params.instanceId, req.params.webhookId, req.query),
  });

  app.route({
    ...operation('instanceWebhook.redeliver', { body: Redeliver, response: RedeliverResult }),
    handler: async (req) => services.webhooks.redeliver(req.params.instanceId, req.params.webhookId, req.body.eventId, actor(req)),
  });
};
