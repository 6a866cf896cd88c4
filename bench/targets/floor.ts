import { join } from 'node:path';
import { ROOT, spawnServer } from '../lib/process.js';
import { seedGatehouse } from '../lib/seed.js';
import type { Target } from '../lib/types.js';
import { gatehouseRequests } from './requests.js';

/** bench/floor.ts on a SQLite file seeded exactly as Gatehouse's (same schema, same rows). */
export const floor: Target = {
  name: 'floor',
  unavailable: async () => null,
  async start({ dir, seed }) {
    const database = join(dir, 'floor.db');
    const fixtures = await seedGatehouse(database, seed);
    const server = await spawnServer<{ url: string }>(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/floor.ts'), database], { PORT: '0' });
    return { url: server.ready.url, pid: server.child.pid!, request: gatehouseRequests(fixtures), stop: server.stop };
  },
};
