import { MailCollection, MailMessage, MailQuery } from '../../contract/mail.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

export const instanceMailRoutes: RoutePlugin = async (app, { services }) => {
  app.route({
    ...operation('instanceMail.get', { querystring: MailQuery, response: MailCollection }),
    handler: async (req) => services.mail.list(req.params.instanceId, req.query),
  });

  app.route({
    ...operation('instanceMailMessage.retry', { response: MailMessage }),
    handler: async (req) => services.mail.retry(req.params.instanceId, req.params.messageId, actor(req)),
  });
};
