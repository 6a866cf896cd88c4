import { type Command, InvalidArgumentError, Option } from 'commander';
import { ROLES } from '../../contract/canonical.js';
import type { Role } from '../../contract/common.js';
import type { JoinLink, JoinLinkPatch } from '../../contract/join-links.js';
import { parseDuration } from '../../domain/duration.js';
import { print } from '../output.js';
import { positiveInt } from '../parse.js';
import { id, remoteAction, remoteCommand, type RemoteOptions, table } from '../remote.js';

interface Flags extends RemoteOptions {
  id: string;
  role?: Role;
  maxUses?: number;
  expires?: string;
  domains?: string[];
  description?: string;
}

/** When the link stops working: an ISO date or time, or a duration from now (`7d`). */
function expiry(text: string): string {
  const ahead = parseDuration(text);
  if (ahead !== null) return new Date(Date.now() + ahead).toISOString();
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new InvalidArgumentError('expected an ISO date or time (2026-12-31T18:00:00Z) or a duration from now (24h, 7d)');
  return new Date(at).toISOString();
}

function domainList(text: string): string[] {
  return text.split(',').map((d) => d.trim().toLowerCase()).filter((d) => d !== '');
}

const byId = (cmd: Command) => cmd.requiredOption('--id <id>', 'join link id', id);
const settings = (cmd: Command) =>
  cmd
    .option('--max-uses <n>', 'how many people may join through it', positiveInt)
    .option('--expires <when>', 'when it stops working: ISO date/time, or a duration from now (7d)', expiry)
    .option('--domains <list>', 'comma-separated email domains that may join (acme.com); a subdomain only when listed', domainList)
    .option('--description <text>', 'a note for admins: where the link was shared');

const state = (l: JoinLink) => (l.state === 'disabled' ? 'disabled' : l.hasExpired ? 'expired' : l.usedUp ? 'used up' : 'active');
const shown = (l: JoinLink) => ({
  ...l,
  uses: l.maxUses === undefined ? `${l.uses}` : `${l.uses}/${l.maxUses}`,
  expires: l.expiresAt ?? 'never',
  domains: l.allowedDomains.length === 0 ? 'any' : l.allowedDomains.join(','),
  state: state(l),
});
const COLUMNS = ['id', 'role', 'uses', 'expires', 'domains', 'state'];

/** `gatehouse join-links …`: an organization's join links, through a running server. */
export function register(joinLinks: Command): void {
  settings(
    remoteCommand(joinLinks, 'create', 'create a link to share: whoever has it may ask to join (their address is confirmed by mail)', 'gatehouse join-links create --role view --domains acme.com --max-uses 25 --expires 7d'),
  )
    .addOption(new Option('--role <role>', 'role of those who join').choices([...ROLES]).makeOptionMandatory())
    .option('--disabled', 'create it disabled')
    .action(
      remoteAction(async ({ client, ids }, o: Flags & { disabled?: boolean }) => {
        const link = await client.instanceOrgJoinLinks.post({
          ...ids,
          joinLink: {
            role: o.role!,
            ...(o.maxUses !== undefined ? { maxUses: o.maxUses } : {}),
            ...(o.expires ? { expiresAt: o.expires } : {}),
            ...(o.domains ? { allowedDomains: o.domains } : {}),
            ...(o.description ? { description: o.description } : {}),
            ...(o.disabled ? { state: 'disabled' as const } : {}),
          },
        });
        print(o, link, `Created join link ${link.id}\n${link.url}`);
      }),
    );

  remoteCommand(joinLinks, 'list', "list the organization's join links, newest first", 'gatehouse join-links list').action(
    remoteAction(async ({ client, ids }, o: Flags) => {
      const list = await client.instanceOrgJoinLinks.get(ids);
      print(o, list, table(list.items.map(shown), COLUMNS));
    }),
  );

  byId(remoteCommand(joinLinks, 'get', 'show one join link, its URL included', 'gatehouse join-links get --id 6b0250dd95ea51363e95bbad')).action(
    remoteAction(async ({ client, ids }, o: Flags) => {
      const link = await client.instanceOrgJoinLink.get({ ...ids, joinLinkId: o.id });
      print(o, link, `${table([shown(link)], [...COLUMNS, 'description'])}\n${link.url ?? '(the URL is shown to tokens that may create join links)'}`);
    }),
  );

  settings(byId(remoteCommand(joinLinks, 'update', 'change a join link', 'gatehouse join-links update --id 6b0250dd95ea51363e95bbad --disable')))
    .addOption(new Option('--role <role>', 'role of those who join from now on').choices([...ROLES]))
    .option('--no-max-uses', 'no cap on uses')
    .addOption(new Option('--no-expiry', 'never expires').conflicts('expires'))
    .addOption(new Option('--any-domain', 'any email domain may join').conflicts('domains'))
    .addOption(new Option('--enable', 'enable it').conflicts('disable'))
    .option('--disable', 'disable it (its URL answers 404; confirmations not yet accepted are withdrawn)')
    .action(
      remoteAction(async ({ client, ids }, o: Omit<Flags, 'maxUses'> & { maxUses?: number | false; expiry?: false; anyDomain?: boolean; enable?: boolean; disable?: boolean }) => {
        const joinLink: JoinLinkPatch = {
          ...(o.role ? { role: o.role } : {}),
          ...(o.maxUses === false ? { maxUses: null } : o.maxUses !== undefined ? { maxUses: o.maxUses } : {}),
          ...(o.expiry === false ? { expiresAt: null } : o.expires ? { expiresAt: o.expires } : {}),
          ...(o.anyDomain ? { allowedDomains: [] } : o.domains ? { allowedDomains: o.domains } : {}),
          ...(o.description !== undefined ? { description: o.description } : {}),
          ...(o.enable ? { state: 'active' as const } : o.disable ? { state: 'disabled' as const } : {}),
        };
        const link = await client.instanceOrgJoinLink.patch({ ...ids, joinLinkId: o.id, joinLink });
        print(o, link, `Updated join link ${link.id}\n${table([shown(link)], COLUMNS)}`);
      }),
    );

  byId(remoteCommand(joinLinks, 'rotate', 'give the link a new URL; the old one stops working at once', 'gatehouse join-links rotate --id 6b0250dd95ea51363e95bbad')).action(
    remoteAction(async ({ client, ids }, o: Flags) => {
      const link = await client.instanceOrgJoinLink.rotate({ ...ids, joinLinkId: o.id });
      print(o, link, `New URL of join link ${link.id} (the old one no longer works):\n${link.url}`);
    }),
  );

  byId(remoteCommand(joinLinks, 'delete', 'delete a join link (confirmations not yet accepted are withdrawn)', 'gatehouse join-links delete --id 6b0250dd95ea51363e95bbad')).action(
    remoteAction(async ({ client, ids }, o: Flags) => {
      const result = await client.instanceOrgJoinLink.delete({ ...ids, joinLinkId: o.id });
      print(o, result, `Deleted join link ${o.id}`);
    }),
  );
}
