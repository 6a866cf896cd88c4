import { TokenInfo } from '../../contract/tokens.js';
import { errors, type RoutePlugin } from './shared.js';

/** Any live token may ask what it is: no scope needed, and the answer never holds the secret. */
export const meRoutes: RoutePlugin = async (app, { services }) => {
  app.get(
    '/me/token',
    { config: { authenticated: true }, schema: { response: { 200: TokenInfo, ...errors } } },
    async (req) => services.auth.describe(req.token!),
  );
};
