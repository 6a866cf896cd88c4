import type { Command } from 'commander';
import { collect, duration } from '../parse.js';
import { type JsonOption, print, setupAction } from '../output.js';
import { instanceOption } from '../scope-options.js';

export function register(token: Command): void {
  token
    .command('create')
    .description('create an API token; the secret is printed this once, only its hash is kept')
    .addOption(instanceOption('instance the token is bound to').makeOptionMandatory())
    .requiredOption('--scope <scope>', 'a scope, e.g. all.Instance or instanceOrgInvites.get (repeatable)', collect)
    .option('--user <id>', 'act with this user’s rights (needed for all.User scopes)')
    // Not read from GATEHOUSE_ORG: binding changes what the token may do, so it is asked for by name.
    .option('--org <id>', 'bind the token to this organization: it reaches that org’s routes only (GATEHOUSE_ORG is not read here)')
    .option('--expires <duration>', 'lifetime, e.g. 30d (default: no expiry)', duration)
    .option('--json', 'print one JSON object')
    .action(
      setupAction(async (operator, o: { instance: string; scope: string[]; user?: string; org?: string; expires?: number } & JsonOption) => {
        const created = await operator.createToken({ instanceId: o.instance, scopes: o.scope, userId: o.user, orgId: o.org, ttlMs: o.expires });
        print(
          o,
          created,
          [
            `Created token ${created.id} for instance ${created.instanceId}${created.orgId ? `, bound to organization ${created.orgId}` : ''} (scopes: ${created.scopes.join(', ')})`,
            `Token (shown once, keep it safe): ${created.token}`,
          ].join('\n'),
        );
      }),
    );
}
