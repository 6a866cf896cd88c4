import type { Config } from '../config.js';
import { Operator } from '../domain/operator.js';
import { openStore } from '../store/open.js';

/**
 * The store and the operator's service, without the HTTP server, for one-shot commands. They
 * need a database that exists: only serve and migrate create one.
 */
export async function openOperator(config: Config) {
  const store = await openStore(config.database, { poolSize: 2, create: false, holdMs: config.holdMs });
  return { operator: new Operator(store, () => new Date()), close: () => store.close() };
}
