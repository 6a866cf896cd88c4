import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { redactDatabaseUrl } from '../../store/database-url.js';
import { fail, type JsonOption, print } from '../output.js';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations and exit (for deploy pipelines; safe to run from several places at once)')
    .option('--json', 'print one JSON object')
    .action(async (o: JsonOption) => {
      try {
        const config = loadConfig();
        const { openStore } = await import('../../store/open.js');
        const store = await openStore(config.database, { poolSize: 1, migrationUrl: config.migrationDatabase ?? undefined });
        await store.close();
        print(o, { database: redactDatabaseUrl(config.database), migrated: true }, `Database ${redactDatabaseUrl(config.database)} is up to date`);
      } catch (error) {
        fail(error);
      }
    });
}
