import { Type } from '@sinclair/typebox';
import { AppError } from '../../domain/errors.js';
import { operation } from '../operation.js';
import type { RoutePlugin } from './shared.js';

const Ok = Type.Object({ ok: Type.Literal(true) });
/** How long readiness waits for the database before it says "not ready". */
const READY_TIMEOUT_MS = 2000;

/** For load balancers and orchestrators: liveness never touches the database, readiness does. */
export const healthRoutes: RoutePlugin = async (app, { services }) => {
  app.route({ ...operation('operations.liveness', { response: Ok }), logLevel: 'warn', handler: async () => ({ ok: true as const }) });
  app.route({
    ...operation('operations.readiness', { response: Ok }),
    logLevel: 'warn',
    handler: async () => {
      // A connection that hangs (a node gone without a word) must not hang the probe: a load
      // balancer needs the answer in time to take this replica out.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AppError('service_unavailable', 'The database did not answer in time', 5)), READY_TIMEOUT_MS);
      });
      try {
        await Promise.race([services.store.ping(), late]);
      } finally {
        clearTimeout(timer);
      }
      return { ok: true as const };
    },
  });
};
