import { type Command, Option } from 'commander';
import { type JsonOption, print, setupAction } from '../output.js';
import { duration, positiveInt } from '../parse.js';
import { shownOrg } from '../org-table.js';
import { id } from '../remote.js';

interface Options extends JsonOption {
  id: string;
  name?: string;
  description?: string;
  /** false: --no-member-limit. */
  memberLimit?: number | false;
  inviteTtl?: number;
  defaultInviteTtl?: boolean;
}

export function register(org: Command): void {
  org
    .command('update')
    .description('change an organization: its name, description, member limit or invite lifetime')
    .requiredOption('--id <id>', 'organization id', id)
    .option('--name <name>', 'new display name (shown in invitation mail)')
    .option('--description <text>', 'a note about the organization ("" removes it)')
    .option('--member-limit <n>', 'most members plus pending invites', positiveInt)
    .option('--no-member-limit', 'remove the member limit')
    .addOption(new Option('--invite-ttl <duration>', 'invite lifetime for this org (e.g. 3d)').argParser(duration).conflicts('defaultInviteTtl'))
    .option('--default-invite-ttl', "use the server's GATEHOUSE_INVITE_TTL again")
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  $ gatehouse org update --id 5f… --member-limit 50 --invite-ttl 3d\n')
    .action(
      setupAction(async (operator, o: Options) => {
        const org = await operator.updateOrg(o.id, {
          name: o.name,
          description: o.description,
          memberLimit: o.memberLimit === false ? null : o.memberLimit,
          inviteTtlMs: o.defaultInviteTtl ? null : o.inviteTtl,
        });
        print(o, org, `Updated organization ${org.id}\n${shownOrg(org)}`);
      }),
    );
}
