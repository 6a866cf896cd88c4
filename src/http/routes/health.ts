import { Type } from '@sinclair/typebox';
import { operation } from '../operation.js';
import type { RoutePlugin } from './shared.js';

const Ok = Type.Object({ ok: Type.Literal(true) });

/** For load balancers and orchestrators: liveness never touches the database, readiness does. */
export const healthRoutes: RoutePlugin = async (app, { services }) => {
  app.route({ ...operation('operations.liveness', { response: Ok }), logLevel: 'warn', handler: async () => ({ ok: true as const }) });
  app.route({
    ...operation('operations.readiness', { response: Ok }),
    logLevel: 'warn',
    handler: async () => {
      await services.store.ping();
      return { ok: true as const };
    },
  });
};
