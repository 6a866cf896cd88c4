import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { redactDatabaseUrl } from '../../store/database-url.js';
import { fail, type JsonOption, print } from '../output.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API and the mail worker (migrates the database first)')
    .option('--json', 'print the start-up summary as one JSON object')
    .option('--no-migrate', 'do not apply pending migrations at start (run `gatehouse migrate` in the deploy pipeline)')
    .action(async (o: JsonOption & { migrate: boolean }) => {
      try {
        await serve(o);
      } catch (error) {
        fail(error);
      }
    });
}

async function serve(o: JsonOption & { migrate: boolean }): Promise<void> {
  const config = loadConfig();
  // The server is loaded by the one command that runs it: every other command starts faster.
  const { createGatehouse } = await import('../../gatehouse.js');
  const gatehouse = await createGatehouse(config, { migrate: o.migrate });
  // Registered first, so that a stop signal during start-up still closes everything cleanly.
  const stop = async () => {
    await gatehouse.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  // Listening first: had the port been taken, a bootstrap before it would have set up the empty
  // database and lost its token (only the hash is kept), leaving no default to find.
  const url = await gatehouse.listen();
  const created = await gatehouse.admin.bootstrap();
  gatehouse.worker.start();
  gatehouse.webhookWorker.start();

  const summary = {
    url,
    database: redactDatabaseUrl(config.database),
    ...(created && {
      created: {
        instanceId: created.instance.id,
        orgId: created.org.id,
        tokenId: created.token.id,
        token: created.token.token,
      },
    }),
  };
  const lines = [`Gatehouse listening on ${url}`, `Admin console: ${url}/admin    API reference: ${url}/docs`];
  if (created) {
    lines.push(
      '',
      'The database was empty, so a default instance, organization and all.Instance token were created.',
      'The token is shown only this once (only its hash is kept):',
      `  instance:     ${created.instance.id}`,
      `  organization: ${created.org.id}`,
      `  token:        ${created.token.token}`,
      '',
      'Try it:',
      `  curl -H 'Authorization: Bearer ${created.token.token}' ${url}/instances/${created.instance.id}/orgs/${created.org.id}/members`,
      `  or open ${url}/admin and paste the token`,
      '',
    );
  }
  print(o, summary, lines.join('\n'));
}
