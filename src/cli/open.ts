import type { Config } from '../config.js';
import { Admin } from '../domain/admin.js';
import { openStore } from '../store/open.js';

/** The store and set-up service, without the HTTP server, for one-shot commands. */
export async function admin(config: Config) {
  const store = await openStore(config.database, { poolSize: 2 });
  return { admin: new Admin(store, () => new Date()), close: () => store.close() };
}
