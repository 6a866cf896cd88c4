import { Type } from '@sinclair/typebox';
import { errors, type RoutePlugin } from './shared.js';

const Ok = Type.Object({ ok: Type.Literal(true) });

/** For load balancers and orchestrators: liveness never touches the database, readiness does. */
export const healthRoutes: RoutePlugin = async (app, { services }) => {
  app.get('/healthz', { schema: { response: { 200: Ok } }, logLevel: 'warn' }, async () => ({ ok: true as const }));
  app.get('/readyz', { schema: { response: { 200: Ok, ...errors } }, logLevel: 'warn' }, async () => {
    await services.store.ping();
    return { ok: true as const };
  });
};
