import type { Command } from 'commander';
import { duration, positiveInt } from '../parse.js';
import { type JsonOption, print, setupAction } from '../output.js';
import { instanceOption } from '../scope-options.js';

export function register(org: Command): void {
  org
    .command('create')
    .description('create an organization in an instance')
    .addOption(instanceOption().makeOptionMandatory())
    .requiredOption('--name <name>', 'display name (shown in invitation mail)')
    .option('--member-limit <n>', 'most members plus pending invites', positiveInt)
    .option('--invite-ttl <duration>', 'invite lifetime for this org (e.g. 2s, 3d; default: GATEHOUSE_INVITE_TTL)', duration)
    .option('--json', 'print one JSON object')
    .action(
      setupAction(async (operator, o: { instance: string; name: string; memberLimit?: number; inviteTtl?: number } & JsonOption) => {
        const created = await operator.createOrg({
          instanceId: o.instance,
          name: o.name,
          memberLimit: o.memberLimit,
          inviteTtlMs: o.inviteTtl,
        });
        print(o, created, `Created organization ${created.id} (${created.name}) in instance ${created.instanceId}`);
      }),
    );
}
