import { TokenInfo } from '../../contract/tokens.js';
import { operation } from '../operation.js';
import type { RoutePlugin } from './shared.js';

/** Any live token may ask what it is: no scope needed, and the answer never holds the secret. */
export const meRoutes: RoutePlugin = async (app, { services }) => {
  app.route({ ...operation('me.token', { response: TokenInfo }), handler: async (req) => services.auth.describe(req.token!) });
};
