import { type Command, InvalidArgumentError, Option } from 'commander';
import { LOCALES, type Locale } from '../../contract/canonical.js';
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
  locale?: Locale;
  defaultLocale?: boolean;
}

function locale(value: string): Locale {
  if (!(LOCALES as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${LOCALES.join(', ')}`);
  return value as Locale;
}

export function register(org: Command): void {
  org
    .command('update')
    .description('change an organization: its name, description, member limit, invite lifetime or mail language')
    .requiredOption('--id <id>', 'organization id', id)
    .option('--name <name>', 'new display name (shown in invitation mail)')
    .option('--description <text>', 'a note about the organization ("" removes it)')
    .option('--member-limit <n>', 'most members plus pending invites', positiveInt)
    .option('--no-member-limit', 'remove the member limit')
    .addOption(new Option('--invite-ttl <duration>', 'invite lifetime for this org (e.g. 3d)').argParser(duration).conflicts('defaultInviteTtl'))
    .option('--default-invite-ttl', "use the server's GATEHOUSE_INVITE_TTL again")
    .addOption(new Option('--locale <tag>', `language of the org's invitation mail (${LOCALES.join(', ')})`).argParser(locale).conflicts('defaultLocale'))
    .option('--default-locale', 'mail in English again, unless an invite names its language')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  $ gatehouse org update --id 5f… --member-limit 50 --invite-ttl 3d\n')
    .action(
      setupAction(async (operator, o: Options) => {
        const org = await operator.updateOrg(o.id, {
          name: o.name,
          description: o.description,
          memberLimit: o.memberLimit === false ? null : o.memberLimit,
          inviteTtlMs: o.defaultInviteTtl ? null : o.inviteTtl,
          locale: o.defaultLocale ? null : o.locale,
        });
        print(o, org, `Updated organization ${org.id}\n${shownOrg(org)}`);
      }),
    );
}
