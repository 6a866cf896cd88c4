import type { Command } from 'commander';
import { INVITE_SORT_FIELDS } from '../../contract/invites.js';
import { print } from '../output.js';
import { type ListFlags, listOptions, listParams, remoteAction, remoteCommand, type RemoteOptions, table } from '../remote.js';

export function register(invites: Command): void {
  listOptions(remoteCommand(invites, 'list', "list the organization's pending and expired invites", "gatehouse invites list --filter-field email --filter '*@example.com' --per-page 50"), INVITE_SORT_FIELDS).action(
    remoteAction(async ({ client, ids }, o: RemoteOptions & ListFlags<(typeof INVITE_SORT_FIELDS)[number]>) => {
      const list = await client.instanceOrgInvites.get({ ...ids, ...listParams(o) });
      const rows = list.items.map((i) => ({ ...i, expired: i.hasExpired ? 'expired' : 'pending', mail: i.mailStatus ?? '' }));
      print(o, list, `${table(rows, ['id', 'email', 'role', 'inviteDate', 'expired', 'mail'])}\n${list.count} of ${list.totalCount}${list.totalCountCapped ? '+' : ''}`);
    }),
  );
}
