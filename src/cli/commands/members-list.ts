import type { Command } from 'commander';
import { MEMBER_SORT_FIELDS } from '../../contract/members.js';
import { print } from '../output.js';
import { type ListFlags, listOptions, listParams, remoteAction, remoteCommand, type RemoteOptions, table } from '../remote.js';

export function register(members: Command): void {
  listOptions(remoteCommand(members, 'list', "list the organization's members", 'gatehouse members list --sort-field role --sort-direction desc'), MEMBER_SORT_FIELDS).action(
    remoteAction(async ({ client, ids }, o: RemoteOptions & ListFlags<(typeof MEMBER_SORT_FIELDS)[number]>) => {
      const list = await client.instanceOrgMembers.get({ ...ids, ...listParams(o) });
      print(o, list, `${table(list.items, ['userId', 'email', 'role', 'firstName', 'lastName'])}\n${list.count} of ${list.totalCount}${list.totalCountCapped ? '+' : ''}`);
    }),
  );
}
