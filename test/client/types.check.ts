/**
 * Type tests of the client, checked by `tsc --noEmit` (part of `npm test`): the params and
 * results are the server's own schema types, so a wrong field name or enum value does not
 * compile. Each `@ts-expect-error` fails the build if the line below it ever compiles.
 */
import { expectTypeOf } from 'vitest';
import { createClient, type GatehouseError, type Invite, type InviteCollection, type Member, type Org, type TokenInfo } from '../../client/src/index.js';

const client = createClient({ url: 'http://127.0.0.1:3000', accessToken: 'gh_x' });
const ids = { instanceId: 'a'.repeat(24), orgId: 'b'.repeat(24) };

export async function typeChecks() {
  expectTypeOf(client.instanceOrgInvites.get(ids)).resolves.toEqualTypeOf<InviteCollection>();
  expectTypeOf(client.instanceOrgInvite.get({ ...ids, inviteId: 'c' })).resolves.toEqualTypeOf<Invite>();
  expectTypeOf(client.instanceOrgMembers.post({ ...ids, member: { email: 'a@example.com', role: 'view' } })).resolves.toEqualTypeOf<Member>();
  expectTypeOf<Invite['role']>().toEqualTypeOf<'admin' | 'edit' | 'collaborate' | 'view' | 'none'>();
  expectTypeOf<Invite['mailStatus']>().toEqualTypeOf<'queued' | 'sent' | 'failed' | undefined>();
  expectTypeOf<GatehouseError['statusCode']>().toBeNumber();
  expectTypeOf(client.instanceOrgs.post({ instanceId: ids.instanceId, orgConfig: { name: 'Acme' } })).resolves.toEqualTypeOf<Org>();
  expectTypeOf(client.me.token({})).resolves.toEqualTypeOf<TokenInfo>();
  // @ts-expect-error: orgs sort by name, id, creationDate or lastUpdated
  await client.instanceOrgs.get({ instanceId: ids.instanceId, sortField: 'email' });
  // @ts-expect-error: of upstream's limits only `member` is kept
  await client.instanceOrgs.post({ instanceId: ids.instanceId, orgConfig: { name: 'Acme', limits: { device: 5 } } });

  // @ts-expect-error: sortField must be one of email, role, inviteDate
  await client.instanceOrgInvites.get({ ...ids, sortField: 'id' });
  // @ts-expect-error: role must be one of the five roles
  await client.instanceOrgInvites.post({ ...ids, invite: { email: 'a@example.com', role: 'owner' } });
  // @ts-expect-error: the invite field is `email`, not `mail`
  await client.instanceOrgInvites.post({ ...ids, invite: { mail: 'a@example.com', role: 'view' } });
  // @ts-expect-error: orgId is required
  await client.instanceOrgMembers.get({ instanceId: ids.instanceId });
  // @ts-expect-error: members sort by email or role only
  await client.instanceOrgMembers.get({ ...ids, sortField: 'inviteDate' });
  // @ts-expect-error: accept is a boolean
  await client.orgInvites.post({ invite: { token: 't', email: 'a@example.com', accept: 'yes' } });
  // @ts-expect-error: resource overrides take collaborate, view or none
  await client.instanceOrgMember.patch({ ...ids, userId: 'd', member: { applicationRoles: [{ resourceId: 'e', role: 'admin' }] } });

  // Callback style: the result type flows into the callback.
  client.instanceOrgMembers.get(ids, (err, result) => {
    expectTypeOf(err).toEqualTypeOf<Error | null>();
    expectTypeOf(result).toEqualTypeOf<import('../../client/src/index.js').MemberCollection | undefined>();
  });
}
