import { EventCollection, EventQuery } from '../../contract/events.js';
import { operation } from '../operation.js';
import type { RoutePlugin } from './shared.js';

export const instanceEventsRoutes: RoutePlugin = async (app, { services }) => {
  app.route({
    ...operation('instanceEvents.get', { querystring: EventQuery, response: EventCollection }),
    handler: async (req) => services.events.list(req.params.instanceId, req.query),
  });
};
