import type { AuditLogCollection, AuditLogQuery } from './audit.js';
import type { Branding, BrandingPatch } from './branding.js';
import type { MailCollection, MailMessage, MailQuery } from './mail.js';
import type { Invite, InviteCollection, InviteInfo, InviteListQuery, InvitePost, InviteResult, RoleInfo } from './invites.js';
import type { Member, MemberCollection, MemberListQuery, MemberPatch, MemberPost } from './members.js';
import type { Org, OrgCollection, OrgListQuery, OrgPatch, OrgPost } from './orgs.js';
import type { OrgInvites, OrgMemberPatch, OrgWithMembers } from './org-side.js';
import type { UserInvite, UserInviteAction, UserInviteResult, UserInvites } from './user-side.js';
import type { ApiToken, ApiTokenCollection, ApiTokenListQuery, ApiTokenPost, ApiTokenWithSecret, TokenInfo } from './tokens.js';
import type { EventCollection, EventQuery } from './events.js';
import type { JoinInfo, JoinLink, JoinLinkCollection, JoinLinkPatch, JoinLinkPost, JoinRequest, JoinRequestResult } from './join-links.js';
import type { DeliveryQuery, Redeliver, RedeliverResult, Webhook, WebhookAttemptCollection, WebhookCollection, WebhookPatch, WebhookPost, WebhookWithSecret } from './webhooks.js';

/**
 * Every operation of the API, once: its method and path, who may call it, how the client
 * names its parameters, and what the documentation says of it. Routes register by operation
 * id; the scope table, the OpenAPI document, the client and the tests' route list are read
 * from here. It holds no schema objects (types only), so the dependency-free client can load it.
 */

/**
 * Who may call an operation: a token with a read or a write scope of the scope table
 * (`read` ones are open to `*.read` tokens too), any live token, or anyone (`public`).
 */
export type Access = 'read' | 'write' | 'token' | 'public';

export interface OperationSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** OpenAPI-style: `{name}` placeholders, each an id. */
  path: string;
  access: Access;
  /**
   * Whose side of the API it is, which picks its broad scopes: the instance's (the default,
   * `all.Instance`), an organization's own (upstream's `org`, `/orgs/{orgId}`, `all.Organization`),
   * or a user's own (upstream's `me`, `all.User` only: the token must act for a user).
   */
  side?: 'org' | 'user';
  /** The status of a success answer. */
  status: 200 | 201;
  /** The client's parameters sent in the query string. */
  query?: readonly string[];
  /** The client's parameter sent as the JSON body. */
  body?: string;
  /** Upstream's summary where upstream has the operation. */
  summary: string;
  description?: string;
  /** What the success answer is. */
  success: string;
  /** What the request body is. */
  bodyDoc?: string;
  /** When the operation answers 404, and an example message. */
  notFound?: readonly [when: string, message: string];
  /** When the operation answers 409, and an example message. */
  conflict?: readonly [when: string, message: string];
  /** When the operation answers 410, and an example message. */
  gone?: readonly [when: string, message: string];
  /**
   * Its answer carries a secret shown once (a new API token), which Gatehouse keeps nowhere but
   * in that answer: neither the request journal nor an Idempotency-Key keeps the answer, and a
   * repeat of the key is refused (409 `idempotency_answer_not_kept`) rather than doing it twice.
   */
  oneTimeSecret?: true;
  /** Another operation whose scopes open this one too (the event feed is open to the audit log's). */
  alsoScopesOf?: string;
  /** See `types()`. */
  types?: { params: unknown; result: unknown };
}

/**
 * The types of an operation's client call: its parameters besides the path ids, and its
 * answer. They exist for the compiler only (the value is undefined).
 */
const types = <P, R>() => undefined as unknown as { params: P; result: R };

interface Resource {
  /** The OpenAPI tag's description. */
  tag: string;
  /** False for operations the client does not offer (health checks). */
  client?: false;
  actions: Record<string, OperationSpec>;
}

/** What each path id names (the OpenAPI parameter descriptions). */
export const PATH_IDS: Record<string, string> = {
  instanceId: 'ID associated with the instance',
  orgId: 'ID associated with the organization',
  inviteId: 'ID associated with the organization invite',
  userId: 'ID associated with the organization member',
  webhookId: 'ID associated with the webhook endpoint',
  joinLinkId: 'ID associated with the join link',
  apiTokenId: 'ID associated with the API token',
  messageId: 'ID associated with the invitation mail message',
};

const ORG = '/instances/{instanceId}/orgs/{orgId}';
const WEBHOOK = '/instances/{instanceId}/webhooks/{webhookId}';
const JOIN_LINK = `${ORG}/join-links/{joinLinkId}`;
const LIST = ['sortField', 'sortDirection', 'filterField', 'filter', 'page', 'perPage'] as const;
const INSTANCE_NOT_FOUND = ['The instance was not found', 'Instance was not found'] as const;
const ORG_NOT_FOUND = ['The organization was not found in the instance', 'Organization was not found'] as const;
const MEMBER_NOT_FOUND = ['The organization or the member was not found', 'Member was not found'] as const;
const INVITE_NOT_FOUND = ['The organization or the invite was not found', 'Invite was not found'] as const;
const LINK_NOT_FOUND = ['The invite is unknown, or was accepted, rejected or revoked, or the email does not match', 'Invite was not found'] as const;
const WEBHOOK_NOT_FOUND = ['The webhook endpoint was not found in the instance', 'Webhook was not found'] as const;
const LINK_GONE = ['The invite has expired', 'Invite has expired'] as const;
const JOIN_LINK_NOT_FOUND = ['The organization or the join link was not found', 'Join link was not found'] as const;
const JOIN_CODE_NOT_FOUND = ['The code is unknown, or its link was disabled, rotated, deleted or used up', 'This join link cannot be used'] as const;
const JOIN_CODE_GONE = ['The join link has expired', 'This join link has expired'] as const;

type Common = { losantdomain?: string };

export const RESOURCES = {
  instanceOrgs: {
    tag: "An instance's organizations",
    actions: {
      /**
       * Returns the organizations of the instance, paged (100 per page unless asked otherwise).
       * @example
       * const { items } = await client.instanceOrgs.get({ instanceId, filterField: 'name', filter: 'acme*', sortField: 'creationDate' });
       */
      get: {
        types: types<OrgListQuery, OrgCollection>(),
        method: 'GET',
        path: '/instances/{instanceId}/orgs',
        access: 'read',
        status: 200,
        query: LIST,
        summary: 'Returns the organizations associated with the current instance',
        description: 'Paged like upstream: page 0 and 100 per page unless asked otherwise. Filter by `name`.',
        success: 'A collection of organizations',
        notFound: INSTANCE_NOT_FOUND,
      },
      /**
       * Creates an organization in the instance.
       * @example
       * const org = await client.instanceOrgs.post({ instanceId, orgConfig: { name: 'Acme', limits: { member: 50 } } });
       */
      post: {
        types: types<{ orgConfig: OrgPost }, Org>(),
        method: 'POST',
        path: '/instances/{instanceId}/orgs',
        access: 'write',
        // Upstream documents 200 (not 201) for a new organization.
        status: 200,
        body: 'orgConfig',
        summary: 'Create a new organization',
        description:
          "Of upstream's limits only `member` is kept (members plus pending invites); other limits, `members` and the other " +
          'upstream fields are refused with a 400 rather than ignored.',
        success: 'The newly created organization',
        bodyDoc: 'Object containing configurations for the new organization',
        notFound: INSTANCE_NOT_FOUND,
      },
    },
  },
  instanceOrg: {
    tag: 'One organization of an instance',
    actions: {
      /**
       * Returns an organization of the instance.
       * @example
       * const org = await client.instanceOrg.get({ instanceId, orgId });
       */
      get: {
        types: types<unknown, Org>(),
        method: 'GET',
        path: ORG,
        access: 'read',
        status: 200,
        summary: 'Returns an organization',
        description: 'The same shape as an item of the instance\'s organization list.',
        success: 'A single organization',
        notFound: ORG_NOT_FOUND,
      },
      /**
       * Changes an organization: its name, description, member limit, invite lifetime or mail language.
       * @example
       * await client.instanceOrg.patch({ instanceId, orgId, organization: { name: 'Acme EU', limits: { member: 80 }, locale: 'de' } });
       */
      patch: {
        types: types<{ organization: OrgPatch }, Org>(),
        method: 'PATCH',
        path: ORG,
        access: 'write',
        status: 200,
        body: 'organization',
        summary: 'Updates information about an organization',
        description:
          'Changes the fields given; null clears (`limits.member`: no limit; `inviteTtlMs`, `locale`: the server default). ' +
          '`inviteTtlMs` and `locale` are Gatehouse\'s: how long new invites live and the language of mail and pages. A member ' +
          'limit below the seats taken removes nobody: invites and adds are refused until seats free up. Other upstream fields are refused with a 400.',
        success: 'The updated organization',
        bodyDoc: 'Object containing new organization properties',
        notFound: ORG_NOT_FOUND,
      },
    },
  },
  instanceBranding: {
    tag: "An instance's branding: the look of its invitation pages and mail (Gatehouse extension)",
    actions: {
      /**
       * Returns the instance's branding, the default of its organizations.
       * @example
       * const { productName, effective } = await client.instanceBranding.get({ instanceId });
       */
      get: {
        types: types<unknown, Branding>(),
        method: 'GET',
        path: '/instances/{instanceId}/branding',
        access: 'read',
        status: 200,
        summary: "Returns the instance's branding",
        description:
          'Gatehouse extension. The product name, accent colour, logo and continue URL of the invitation and join pages and of ' +
          'the mail, for every organization of the instance that sets none of its own; and `continueOrigins`, where continue ' +
          'URLs may point. `effective` is what the pages use.',
        success: 'The branding',
        notFound: INSTANCE_NOT_FOUND,
      },
      /**
       * Changes the instance's branding; null clears a field.
       * @example
       * await client.instanceBranding.patch({ instanceId, branding: { productName: 'Acme Cloud', accentColor: '#0b5cad', continueOrigins: ['https://app.acme.com'] } });
       */
      patch: {
        types: types<{ branding: BrandingPatch }, Branding>(),
        method: 'PATCH',
        path: '/instances/{instanceId}/branding',
        access: 'write',
        status: 200,
        body: 'branding',
        summary: "Updates the instance's branding",
        description:
          'Gatehouse extension. Changes the fields given; null clears. `logo` is a PNG, JPEG, GIF or WebP image of at most ' +
          '128 KiB, base64-encoded (SVG is refused: it can carry script); Gatehouse serves it itself, at `logoUrl`. ' +
          '`continueUrl` must be http(s) on one of `continueOrigins`; a continue URL whose origin is later removed stops showing.',
        success: 'The branding after the change',
        bodyDoc: 'The branding fields to change',
        notFound: INSTANCE_NOT_FOUND,
      },
    },
  },
  instanceOrgBranding: {
    tag: "An organization's branding (Gatehouse extension)",
    actions: {
      /**
       * Returns an organization's own branding and what takes effect (its own, else the instance's).
       * @example
       * const { effective } = await client.instanceOrgBranding.get({ instanceId, orgId });
       */
      get: {
        types: types<unknown, Branding>(),
        method: 'GET',
        path: `${ORG}/branding`,
        access: 'read',
        status: 200,
        summary: "Returns an organization's branding",
        description: "Gatehouse extension. The fields the organization sets; `effective` fills the rest from the instance's branding.",
        success: 'The branding',
        notFound: ORG_NOT_FOUND,
      },
      /**
       * Changes an organization's branding; null clears a field (the instance's then applies).
       * @example
       * await client.instanceOrgBranding.patch({ instanceId, orgId, branding: { productName: 'Acme EU', continueUrl: 'https://app.acme.com/eu' } });
       */
      patch: {
        types: types<{ branding: BrandingPatch }, Branding>(),
        method: 'PATCH',
        path: `${ORG}/branding`,
        access: 'write',
        status: 200,
        body: 'branding',
        summary: "Updates an organization's branding",
        description:
          "Gatehouse extension. As the instance's branding, less `continueOrigins`: an organization's continue URL must be on " +
          "one of the instance's origins. null clears a field, so the instance's applies.",
        success: 'The branding after the change',
        bodyDoc: 'The branding fields to change',
        notFound: ORG_NOT_FOUND,
      },
    },
  },
  instanceApiTokens: {
    tag: "An instance's API tokens",
    actions: {
      /**
       * Returns the instance's API tokens, newest first: never a secret or its hash.
       * @example
       * const { items } = await client.instanceApiTokens.get({ instanceId });
       */
      get: {
        types: types<ApiTokenListQuery, ApiTokenCollection>(),
        method: 'GET',
        path: '/instances/{instanceId}/tokens',
        access: 'read',
        status: 200,
        query: ['page', 'perPage'],
        summary: 'Returns the API tokens for an instance',
        description: 'Each with its scopes, user, dates and whether it still works (`live`, `revoked`, `expired`). Never a secret or its hash.',
        success: 'A page of API tokens',
        notFound: INSTANCE_NOT_FOUND,
      },
      /**
       * Creates an API token; its secret is in this answer only.
       * @example
       * const { token } = await client.instanceApiTokens.post({ instanceId, apiToken: { scope: ['instanceOrgs.get', 'instanceOrgInvites.post'] } });
       */
      post: {
        types: types<{ apiToken: ApiTokenPost }, ApiTokenWithSecret>(),
        method: 'POST',
        path: '/instances/{instanceId}/tokens',
        access: 'write',
        status: 201,
        body: 'apiToken',
        oneTimeSecret: true,
        summary: 'Create a new API token for an instance',
        description:
          'The secret (`token`) is answered this once: only its hash is kept. A token may only create tokens that can do no more ' +
          'than it can (its scopes, and its user\'s role) and that live no longer than it does (403 `scope_escalation`); without ' +
          '`expirationDate` the new token expires with its creator, if that one expires. Tokens acting for a user are made with the CLI.',
        success: 'The new token and its secret',
        bodyDoc: 'The scopes and expiry of the new token',
        notFound: INSTANCE_NOT_FOUND,
      },
    },
  },
  instanceApiToken: {
    tag: 'One API token of an instance',
    actions: {
      /**
       * Returns an API token (never its secret).
       * @example
       * const token = await client.instanceApiToken.get({ instanceId, apiTokenId });
       */
      get: {
        types: types<unknown, ApiToken>(),
        method: 'GET',
        path: '/instances/{instanceId}/tokens/{apiTokenId}',
        access: 'read',
        status: 200,
        summary: 'Retrieves information on an API token',
        success: 'The API token',
        notFound: ['The token was not found in the instance', 'API token was not found'],
      },
      /**
       * Revokes an API token: it stops working at once.
       * @example
       * await client.instanceApiToken.delete({ instanceId, apiTokenId });
       */
      delete: {
        types: types<unknown, { success: true }>(),
        method: 'DELETE',
        path: '/instances/{instanceId}/tokens/{apiTokenId}',
        access: 'write',
        status: 200,
        summary: 'Deletes an API token',
        description: 'Gatehouse revokes it (it stops working at once and stays in the list as `revoked`). A token may only revoke tokens that can do no more than it can (403 `scope_escalation`).',
        success: 'The token was revoked',
        notFound: ['The token was not found in the instance, or is already revoked', 'API token was not found'],
      },
    },
  },
  instanceAuditLogs: {
    tag: 'The audit trail of an instance',
    actions: {
      /**
       * Returns the instance's audit trail, newest first: who changed what, when and from where.
       * @example
       * const { items } = await client.instanceAuditLogs.get({ instanceId, orgId, since: '2026-11-01T00:00:00Z', perPage: 50 });
       */
      get: {
        types: types<AuditLogQuery, AuditLogCollection>(),
        method: 'GET',
        path: '/instances/{instanceId}/audit-logs',
        access: 'read',
        status: 200,
        query: ['orgId', 'action', 'since', 'until', 'page', 'perPage'],
        summary: "Returns the instance's audit trail",
        description:
          'Every change made through the API (invites, resends, revokes, member changes, new organizations) and every accept or ' +
          'reject of an invite link, newest first: who (token id, user, client address), what, when. Filter by `orgId`, `action` and a ' +
          'time range (`since` inclusive, `until` exclusive); paged, 100 per page unless asked. Tokens are never recorded.',
        success: 'A page of audit entries',
      },
    },
  },
  instanceMail: {
    tag: "An instance's mail problems: invitation mail that failed or waits for a retry (Gatehouse extension)",
    actions: {
      /**
       * Returns the instance's invitation mail that failed or waits for a retry, newest first (never a body).
       * @example
       * const { items } = await client.instanceMail.get({ instanceId, status: 'failed', perPage: 50 });
       */
      get: {
        types: types<MailQuery, MailCollection>(),
        method: 'GET',
        path: '/instances/{instanceId}/mail',
        access: 'read',
        status: 200,
        query: ['status', 'orgId', 'page', 'perPage'],
        summary: "Returns the instance's failed invitation mail and mail waiting for a retry",
        description:
          'Gatehouse extension. Invitation mail the server gave up on (`failed`) or will try again (`retrying`), newest first, with ' +
          'the attempts made and the last error in words. Filter by `status` and `orgId`; paged, 100 per page unless asked. ' +
          'Bodies are never shown: they carry the invite link.',
        success: 'A page of mail messages',
      },
    },
  },
  instanceMailMessage: {
    tag: 'One invitation mail message of an instance (Gatehouse extension)',
    actions: {
      /**
       * Puts a failed (or retrying) message back in the queue for an attempt now.
       * @example
       * await client.instanceMailMessage.retry({ instanceId, messageId });
       */
      retry: {
        types: types<unknown, MailMessage>(),
        method: 'POST',
        path: '/instances/{instanceId}/mail/{messageId}/retry',
        access: 'write',
        status: 200,
        summary: 'Sends a failed invitation mail again',
        description:
          'Gatehouse extension. Queues the message for an attempt now, with a fresh set of attempts; the answer shows it as it is ' +
          'queued. Mail already delivered, or whose invite is no longer pending (accepted, rejected, revoked, replaced or expired), ' +
          'is refused with 409 `mail_not_retryable`: a retry never mails a dead link (resend the invite instead).',
        success: 'The message, queued again',
        notFound: ['The message was not found in the instance', 'Mail message was not found'],
        conflict: ['The message was delivered already, or its invite is no longer pending', 'This mail cannot be sent again: its invite is no longer pending'],
      },
    },
  },
  instanceOrgInvites: {
    tag: "An organization's invitations",
    actions: {
      /**
       * Returns a collection of instance organization invites (pending and expired).
       * @example
       * const list = await client.instanceOrgInvites.get({ instanceId, orgId, filterField: 'email', filter: '*@example.com', perPage: 50 });
       */
      get: {
        types: types<InviteListQuery, InviteCollection>(),
        method: 'GET',
        path: `${ORG}/invites`,
        access: 'read',
        status: 200,
        query: LIST,
        summary: 'Returns a collection of instance organization invites',
        description: "The organization's pending and expired invites (not accepted, rejected or revoked ones).",
        success: 'A collection of instance organization invitations',
        notFound: ORG_NOT_FOUND,
      },
      /**
       * Invites a member to an instance organization; answers with the org's invite list
       * (shaped by the same list parameters).
       * @example
       * await client.instanceOrgInvites.post({ instanceId, orgId, invite: { email: 'ada@example.com', role: 'edit' }, perPage: 1 });
       */
      post: {
        types: types<InviteListQuery & { invite: InvitePost }, InviteCollection>(),
        method: 'POST',
        path: `${ORG}/invites`,
        access: 'write',
        status: 201,
        query: LIST,
        body: 'invite',
        summary: 'Invites a member to an instance organization',
        description:
          "Creates the invite and mails the invitee a link. Answers with the organization's invite list, the new invite included, " +
          'shaped by the list parameters of the query string (default: the whole list).',
        success: "The organization's invites, the new one included",
        bodyDoc: 'Object containing new invite info',
        notFound: ORG_NOT_FOUND,
      },
    },
  },
  instanceOrgInvite: {
    tag: 'One invitation of an organization',
    actions: {
      /**
       * Returns an organization invite.
       * @example
       * const invite = await client.instanceOrgInvite.get({ instanceId, orgId, inviteId });
       */
      get: {
        types: types<unknown, Invite>(),
        method: 'GET',
        path: `${ORG}/invites/{inviteId}`,
        access: 'read',
        status: 200,
        summary: 'Returns an organization invite',
        success: 'A single organization invite',
        notFound: INVITE_NOT_FOUND,
      },
      /**
       * Revokes an instance org invitation; its link stops working.
       * @example
       * await client.instanceOrgInvite.delete({ instanceId, orgId, inviteId });
       */
      delete: {
        types: types<unknown, { success: true }>(),
        method: 'DELETE',
        path: `${ORG}/invites/{inviteId}`,
        access: 'write',
        status: 200,
        summary: 'Revokes an instance org invitation',
        description: 'Its link stops working and its unsent mail is not sent.',
        success: 'The invite was revoked',
        notFound: INVITE_NOT_FOUND,
      },
      /**
       * Resends an invite with modified role info: a new link, a new lifetime; the old link dies.
       * @example
       * const invite = await client.instanceOrgInvite.resendInvite({ instanceId, orgId, inviteId, roleInfo: { role: 'admin' } });
       */
      resendInvite: {
        types: types<{ roleInfo: RoleInfo }, Invite>(),
        method: 'POST',
        path: `${ORG}/invites/{inviteId}`,
        access: 'write',
        status: 201,
        body: 'roleInfo',
        summary: 'Resend an organization invite with modified role info',
        description: 'Applies the role info, issues a new link (the old one stops working), restarts the lifetime and mails the new link.',
        success: 'The new org invite',
        bodyDoc: 'Object containing updated role info',
        notFound: INVITE_NOT_FOUND,
      },
    },
  },
  instanceOrgMembers: {
    tag: "An organization's members",
    actions: {
      /**
       * Returns a collection of instance organization members.
       * @example
       * const { items } = await client.instanceOrgMembers.get({ instanceId, orgId, sortField: 'role', sortDirection: 'desc' });
       */
      get: {
        types: types<MemberListQuery, MemberCollection>(),
        method: 'GET',
        path: `${ORG}/members`,
        access: 'read',
        status: 200,
        query: LIST,
        summary: 'Returns a collection of instance organization members',
        success: 'A collection of instance organization members',
        notFound: ORG_NOT_FOUND,
      },
      /**
       * Creates a new organization member, from a user id or an email (the user is found or created).
       * @example
       * const member = await client.instanceOrgMembers.post({ instanceId, orgId, member: { email: 'ada@example.com', role: 'view' } });
       */
      post: {
        types: types<{ member: MemberPost }, Member>(),
        method: 'POST',
        path: `${ORG}/members`,
        access: 'write',
        status: 200,
        body: 'member',
        summary: 'Creates a new organization member',
        description: 'Adds a user by `userId`, or by `email` (creating the user when there is none). Ends their pending invite to the organization.',
        success: 'The newly created instance member',
        bodyDoc: 'Object containing new member info',
        notFound: ['The organization, or the user named by `userId`, was not found', 'User was not found'],
      },
    },
  },
  instanceOrgMember: {
    tag: 'One member of an organization',
    actions: {
      /**
       * Returns an organization member.
       * @example
       * const member = await client.instanceOrgMember.get({ instanceId, orgId, userId });
       */
      get: {
        types: types<unknown, Member>(),
        method: 'GET',
        path: `${ORG}/members/{userId}`,
        access: 'read',
        status: 200,
        summary: 'Returns an organization member',
        success: 'A single organization member',
        notFound: MEMBER_NOT_FOUND,
      },
      /**
       * Modifies the role (and resource overrides) of an organization member.
       * @example
       * await client.instanceOrgMember.patch({ instanceId, orgId, userId, member: { role: 'edit' } });
       */
      patch: {
        types: types<{ member: MemberPatch }, Member>(),
        method: 'PATCH',
        path: `${ORG}/members/{userId}`,
        access: 'write',
        status: 200,
        body: 'member',
        summary: 'Modifies the role of an organization member',
        success: 'The modified organization member',
        bodyDoc: 'Object containing new role info',
        notFound: MEMBER_NOT_FOUND,
      },
      /**
       * Removes a member from the organization.
       * @example
       * await client.instanceOrgMember.delete({ instanceId, orgId, userId });
       */
      delete: {
        types: types<unknown, { success: true }>(),
        method: 'DELETE',
        path: `${ORG}/members/{userId}`,
        access: 'write',
        status: 200,
        summary: 'Deletes an organization member',
        success: 'The member was removed',
        notFound: MEMBER_NOT_FOUND,
      },
    },
  },
  instanceEvents: {
    tag: 'The event feed of an instance: every membership change, in order',
    actions: {
      /**
       * Returns the instance's events after a cursor, oldest first: the same events webhooks deliver.
       * @example
       * let after: string | undefined;
       * for (;;) {
       *   const page = await client.instanceEvents.get({ instanceId, after, types: 'member.added,member.removed' });
       *   for (const event of page.items) console.log(event.type, event.data.email);
       *   after = page.next;
       *   if (!page.hasMore) break;
       * }
       */
      get: {
        types: types<EventQuery, EventCollection>(),
        method: 'GET',
        path: '/instances/{instanceId}/events',
        access: 'read',
        alsoScopesOf: 'instanceAuditLogs.get',
        status: 200,
        query: ['after', 'limit', 'types', 'orgId'],
        summary: "Returns the instance's events after a cursor",
        description:
          'Events in the order their changes committed, after the cursor `after` (the `next` of an earlier page; from the first event ' +
          'without one). A cursor stays valid: keep the last `next` and ask again to catch up after an outage. Filter by `types` ' +
          '(comma-separated) and `orgId`. Open to the audit log\'s scopes too.',
        success: 'A page of events and the cursor of the next',
        gone: ['Events after the cursor are past their retention (GATEHOUSE_EVENT_RETENTION) and were deleted', 'Events after this cursor are past their retention and were deleted'],
      },
    },
  },
  instanceWebhooks: {
    tag: "An instance's webhook endpoints",
    actions: {
      /**
       * Returns the instance's webhook endpoints (never their secrets).
       * @example
       * const { items } = await client.instanceWebhooks.get({ instanceId });
       */
      get: {
        types: types<unknown, WebhookCollection>(),
        method: 'GET',
        path: '/instances/{instanceId}/webhooks',
        access: 'read',
        status: 200,
        summary: "Returns the instance's webhook endpoints",
        description: 'Every endpoint with its settings; signing secrets are shown only when created or rotated.',
        success: 'The webhook endpoints',
      },
      /**
       * Creates a webhook endpoint; the answer holds its signing secret, shown this once.
       * @example
       * const { id, secret } = await client.instanceWebhooks.post({ instanceId, webhook: { url: 'https://app.example.com/hooks/gatehouse', events: ['member.added'] } });
       */
      post: {
        types: types<{ webhook: WebhookPost }, WebhookWithSecret>(),
        method: 'POST',
        path: '/instances/{instanceId}/webhooks',
        access: 'write',
        status: 201,
        body: 'webhook',
        summary: 'Creates a webhook endpoint',
        description:
          'Events (all types unless `events` lists some; all organizations unless `orgId` names one) are POSTed to `url`, signed as the ' +
          'Standard Webhooks specification says. The answer holds the signing secret (`whsec_…`), which no later answer shows. URLs on ' +
          'loopback, private, link-local and metadata addresses are refused unless the server allows them.',
        success: 'The new endpoint and its signing secret',
        bodyDoc: 'The endpoint: url, event types, organization, description, enabled',
      },
    },
  },
  instanceWebhook: {
    tag: 'One webhook endpoint of an instance',
    actions: {
      /**
       * Returns a webhook endpoint (without its secret).
       * @example
       * const webhook = await client.instanceWebhook.get({ instanceId, webhookId });
       */
      get: {
        types: types<unknown, Webhook>(),
        method: 'GET',
        path: WEBHOOK,
        access: 'read',
        status: 200,
        summary: 'Returns a webhook endpoint',
        success: 'The endpoint',
        notFound: WEBHOOK_NOT_FOUND,
      },
      /**
       * Changes a webhook endpoint; fields left out stay as they are.
       * @example
       * await client.instanceWebhook.patch({ instanceId, webhookId, webhook: { enabled: false } });
       */
      patch: {
        types: types<{ webhook: WebhookPatch }, Webhook>(),
        method: 'PATCH',
        path: WEBHOOK,
        access: 'write',
        status: 200,
        body: 'webhook',
        summary: 'Changes a webhook endpoint',
        description: 'Disabling an endpoint cancels the deliveries waiting for it; enabling it again clears a reason Gatehouse gave for disabling it.',
        success: 'The changed endpoint',
        bodyDoc: 'The fields to change',
        notFound: WEBHOOK_NOT_FOUND,
      },
      /**
       * Deletes a webhook endpoint with its delivery log.
       * @example
       * await client.instanceWebhook.delete({ instanceId, webhookId });
       */
      delete: {
        types: types<unknown, { success: true }>(),
        method: 'DELETE',
        path: WEBHOOK,
        access: 'write',
        status: 200,
        summary: 'Deletes a webhook endpoint',
        success: 'The endpoint was deleted',
        notFound: WEBHOOK_NOT_FOUND,
      },
      /**
       * Issues a new signing secret; the old one keeps signing beside it for 24 hours.
       * @example
       * const { secret } = await client.instanceWebhook.rotate({ instanceId, webhookId });
       */
      rotate: {
        types: types<unknown, WebhookWithSecret>(),
        method: 'POST',
        path: `${WEBHOOK}/rotate`,
        access: 'write',
        status: 200,
        summary: "Rotates a webhook endpoint's signing secret",
        description:
          'Answers the new secret, shown this once. For 24 hours every delivery carries two signatures (new and old), so receivers ' +
          'can switch secrets without missing a delivery.',
        success: 'The endpoint and its new secret',
        notFound: WEBHOOK_NOT_FOUND,
      },
      /**
       * Returns the endpoint's delivery log, newest attempt first.
       * @example
       * const { items } = await client.instanceWebhook.deliveries({ instanceId, webhookId, perPage: 20 });
       */
      deliveries: {
        types: types<DeliveryQuery, WebhookAttemptCollection>(),
        method: 'GET',
        path: `${WEBHOOK}/deliveries`,
        access: 'read',
        status: 200,
        query: ['page', 'perPage'],
        summary: "Returns a webhook endpoint's delivery log",
        description: 'Each attempt: when, how long it took, the status code, the start of the answer and when the next attempt is due.',
        success: 'A page of attempts',
        notFound: WEBHOOK_NOT_FOUND,
      },
      /**
       * Sends an event to the endpoint once more.
       * @example
       * await client.instanceWebhook.redeliver({ instanceId, webhookId, redeliver: { eventId } });
       */
      redeliver: {
        types: types<{ redeliver: Redeliver }, RedeliverResult>(),
        method: 'POST',
        path: `${WEBHOOK}/redeliver`,
        access: 'write',
        status: 201,
        body: 'redeliver',
        summary: 'Sends an event to a webhook endpoint again',
        description: 'Queues a new delivery of the event (with the same `webhook-id`, so receivers can tell a repeat), whatever became of earlier ones.',
        success: 'The new delivery',
        bodyDoc: 'The event to send',
        notFound: ['The endpoint, or the event (for this endpoint), was not found', 'Webhook was not found'],
      },
    },
  },
  instanceOrgJoinLinks: {
    tag: "An organization's join links: a URL to share instead of a list of addresses",
    actions: {
      /**
       * Returns the organization's join links, newest first, each with its URL.
       * @example
       * const { items } = await client.instanceOrgJoinLinks.get({ instanceId, orgId });
       */
      get: {
        types: types<unknown, JoinLinkCollection>(),
        method: 'GET',
        path: `${ORG}/join-links`,
        access: 'read',
        status: 200,
        summary: "Returns the organization's join links",
        description: 'Every link with its URL (admins may copy it again), its role, limits and how many people joined through it.',
        success: 'The join links',
        notFound: ORG_NOT_FOUND,
      },
      /**
       * Creates a join link: whoever opens its URL may ask to join with an address the link allows.
       * @example
       * const link = await client.instanceOrgJoinLinks.post({ instanceId, orgId, joinLink: { role: 'view', allowedDomains: ['acme.com'], maxUses: 25 } });
       * console.log(link.url); // https://gatehouse.example.com/join/…
       */
      post: {
        types: types<{ joinLink: JoinLinkPost }, JoinLink>(),
        method: 'POST',
        path: `${ORG}/join-links`,
        access: 'write',
        status: 201,
        body: 'joinLink',
        summary: 'Creates a join link',
        description:
          'A person who opens the URL gives an email address; Gatehouse mails it a confirmation link (an invite with the link\'s roles), ' +
          'and accepting it makes them a member. Only addresses of `allowedDomains` may ask (any when empty); a use is counted when a ' +
          'person becomes a member, up to `maxUses`.',
        success: 'The new join link and its URL',
        bodyDoc: 'The role to grant and the limits of the link',
        notFound: ORG_NOT_FOUND,
      },
    },
  },
  instanceOrgJoinLink: {
    tag: 'One join link of an organization',
    actions: {
      /**
       * Returns a join link with its URL.
       * @example
       * const link = await client.instanceOrgJoinLink.get({ instanceId, orgId, joinLinkId });
       */
      get: {
        types: types<unknown, JoinLink>(),
        method: 'GET',
        path: JOIN_LINK,
        access: 'read',
        status: 200,
        summary: 'Returns a join link',
        success: 'The join link',
        notFound: JOIN_LINK_NOT_FOUND,
      },
      /**
       * Changes a join link's role or limits, or disables it (`state: 'disabled'`).
       * @example
       * await client.instanceOrgJoinLink.patch({ instanceId, orgId, joinLinkId, joinLink: { state: 'disabled' } });
       */
      patch: {
        types: types<{ joinLink: JoinLinkPatch }, JoinLink>(),
        method: 'PATCH',
        path: JOIN_LINK,
        access: 'write',
        status: 200,
        body: 'joinLink',
        summary: 'Changes a join link',
        description:
          'A new role applies to confirmations asked for from then on. Disabling the link stops its URL and withdraws the confirmations ' +
          'it mailed that were not accepted yet.',
        success: 'The changed join link',
        bodyDoc: 'The fields to change',
        notFound: JOIN_LINK_NOT_FOUND,
      },
      /**
       * Deletes a join link; its URL stops working and its unaccepted confirmations are withdrawn.
       * @example
       * await client.instanceOrgJoinLink.delete({ instanceId, orgId, joinLinkId });
       */
      delete: {
        types: types<unknown, { success: true }>(),
        method: 'DELETE',
        path: JOIN_LINK,
        access: 'write',
        status: 200,
        summary: 'Deletes a join link',
        description: 'Its URL stops working and the confirmations it mailed that were not accepted yet are withdrawn.',
        success: 'The join link was deleted',
        notFound: JOIN_LINK_NOT_FOUND,
      },
      /**
       * Gives the link a new URL; the old one stops working at once.
       * @example
       * const { url } = await client.instanceOrgJoinLink.rotate({ instanceId, orgId, joinLinkId });
       */
      rotate: {
        types: types<unknown, JoinLink>(),
        method: 'POST',
        path: `${JOIN_LINK}/rotate`,
        access: 'write',
        status: 200,
        summary: "Rotates a join link's URL",
        description: 'The old URL stops working at once, and the confirmations it mailed that were not accepted yet are withdrawn.',
        success: 'The join link with its new URL',
        notFound: JOIN_LINK_NOT_FOUND,
      },
    },
  },
  orgInvites: {
    tag: 'The public endpoints behind an invitation link: no API token, the invite token is the key',
    actions: {
      /**
       * Gets information about an invite from its link (no token needed; changes nothing).
       * @example
       * const info = await client.orgInvites.get({ token, email: 'ada@example.com' });
       */
      get: {
        types: types<{ token: string; email: string }, InviteInfo>(),
        method: 'GET',
        path: '/invites',
        access: 'public',
        status: 200,
        query: ['token', 'email'],
        summary: 'Gets information about an invite',
        description: 'For the page an invitation link opens. Changes nothing, so mail scanners may open links.',
        success: 'Information about invite',
        notFound: LINK_NOT_FOUND,
        gone: LINK_GONE,
      },
      /**
       * Accepts or rejects an invite (no token needed).
       * @example
       * const { accepted, orgId } = await client.orgInvites.post({ invite: { token, email: 'ada@example.com', accept: true } });
       */
      post: {
        types: types<{ invite: { token: string; email: string; accept: boolean } }, InviteResult>(),
        method: 'POST',
        path: '/invites',
        access: 'public',
        status: 200,
        body: 'invite',
        summary: 'Accepts/Rejects an invite',
        description:
          "Accepting finds or creates the user by email and gives them the invite's roles; rejecting uses the invite up too. " +
          'Of concurrent answers to one invite, exactly one succeeds.',
        success: 'Acceptance/Rejection of invite',
        bodyDoc: 'Invite info and acceptance',
        notFound: LINK_NOT_FOUND,
        gone: LINK_GONE,
      },
    },
  },
  joinLinks: {
    tag: 'The public endpoints behind a join link: no API token, the code in its URL is the key',
    actions: {
      /**
       * What a join link offers, for the page its URL opens. Changes nothing.
       * @example
       * const { orgName, role } = await client.joinLinks.get({ code });
       */
      get: {
        types: types<{ code: string }, JoinInfo>(),
        method: 'GET',
        path: '/join',
        access: 'public',
        status: 200,
        query: ['code'],
        summary: 'Gets information about a join link',
        description: 'For the page a join link opens: the organization, the role and the allowed domains. Changes nothing.',
        success: 'What the join link offers',
        notFound: JOIN_CODE_NOT_FOUND,
        gone: JOIN_CODE_GONE,
      },
      /**
       * Asks to join through a link: Gatehouse mails `email` a confirmation link.
       * @example
       * await client.joinLinks.post({ joinRequest: { code, email: 'ann@acme.com' } });
       */
      post: {
        types: types<{ joinRequest: JoinRequest }, JoinRequestResult>(),
        method: 'POST',
        path: '/join',
        access: 'public',
        status: 200,
        body: 'joinRequest',
        summary: 'Asks to join an organization through a join link',
        description:
          'Mails the address a confirmation link (`/accept?token=…&email=…`); accepting it makes the person a member with the ' +
          "link's roles. Addresses outside the link's domains and existing members are refused without a mail. Rate-limited " +
          'per client address and per email.',
        success: 'The confirmation mail is on its way',
        bodyDoc: 'The join link code and the email to confirm',
        notFound: JOIN_CODE_NOT_FOUND,
        gone: JOIN_CODE_GONE,
      },
    },
  },
  org: {
    tag: "An organization's own side: what its admins and the tokens bound to it call (upstream's `org`)",
    actions: {
      /**
       * Invites a person to the organization; answers the org's pending and expired invites.
       * @example
       * const invites = await client.org.inviteMember({ orgId, invite: { email: 'ada@example.com', role: 'edit' } });
       */
      inviteMember: {
        types: types<{ invite: InvitePost }, OrgInvites>(),
        side: 'org',
        method: 'POST',
        path: '/orgs/{orgId}/invites',
        access: 'write',
        status: 200,
        body: 'invite',
        summary: 'Invites a person to an organization',
        description: 'The rules, mail, events, limits and audit of `instanceOrgInvites.post`; the answer is upstream\'s `orgInvites`, the whole list.',
        success: 'Invitation information',
        bodyDoc: 'Object containing new invite info',
        notFound: ORG_NOT_FOUND,
      },
      /**
       * The organization's pending (and expired) invites.
       * @example
       * const invites = await client.org.pendingInvites({ orgId });
       */
      pendingInvites: {
        types: types<unknown, OrgInvites>(),
        side: 'org',
        method: 'GET',
        path: '/orgs/{orgId}/invites',
        access: 'read',
        status: 200,
        summary: 'Gets the current pending invites',
        description: 'Newest first, expired ones included (with `hasExpired`), as `instanceOrgInvites.get` without paging.',
        success: 'Invitation information',
        notFound: ORG_NOT_FOUND,
      },
      /**
       * Revokes an invite; answers the invites left.
       * @example
       * await client.org.revokeInvite({ orgId, inviteId });
       */
      revokeInvite: {
        types: types<{ inviteId: string }, OrgInvites>(),
        side: 'org',
        method: 'DELETE',
        path: '/orgs/{orgId}/invites',
        access: 'write',
        status: 200,
        query: ['inviteId'],
        summary: 'Revokes an existing invite',
        description: 'As `instanceOrgInvite.delete`: the link stops working and unsent mail is dropped. The answer is the list left.',
        success: 'Invitation information',
        notFound: INVITE_NOT_FOUND,
      },
      /**
       * Changes a member's role or overrides; answers the organization with its members.
       * @example
       * const org = await client.org.modifyMember({ orgId, member: { userId, role: 'view' } });
       */
      modifyMember: {
        types: types<{ member: OrgMemberPatch; summaryExclude?: string; summaryInclude?: string }, OrgWithMembers>(),
        side: 'org',
        method: 'PATCH',
        path: '/orgs/{orgId}/member',
        access: 'write',
        status: 200,
        body: 'member',
        query: ['summaryExclude', 'summaryInclude'],
        summary: "Modifies a current org member's role",
        description: 'As `instanceOrgMember.patch` (the last admin is kept). `summaryExclude` and `summaryInclude` are taken and ignored: Gatehouse keeps no summary.',
        success: 'Updated organization information',
        bodyDoc: 'Object containing new member pair',
        notFound: MEMBER_NOT_FOUND,
      },
      /**
       * Removes a member; answers the organization with the members left.
       * @example
       * await client.org.removeMember({ orgId, userId });
       */
      removeMember: {
        types: types<{ userId: string; summaryExclude?: string; summaryInclude?: string }, OrgWithMembers>(),
        side: 'org',
        method: 'DELETE',
        path: '/orgs/{orgId}/member',
        access: 'write',
        status: 200,
        query: ['userId', 'summaryExclude', 'summaryInclude'],
        summary: 'Removes a member from the org',
        description: 'As `instanceOrgMember.delete`.',
        success: 'Updated organization information',
        notFound: MEMBER_NOT_FOUND,
      },
    },
  },
  me: {
    tag: 'The caller itself',
    actions: {
      /**
       * Describes the client's own token: its instance, scopes, user and the actions it may call.
       * @example
       * const { instanceId, actions } = await client.me.token({});
       * if (actions.includes('instanceOrgInvites.post')) console.log('this token may invite');
       */
      token: {
        types: types<unknown, TokenInfo>(),
        method: 'GET',
        path: '/me/token',
        access: 'token',
        status: 200,
        summary: 'Describes the token of the request',
        description:
          'Its id, instance, scopes, expiry, the user it acts for (with their instance role) and the actions it may call. ' +
          'Any live token may ask; the secret is never answered.',
        success: 'What the token is and may do',
      },
      /**
       * The pending invitations to the token's user (by email), in the orgs of its instance, newest first.
       * @example
       * const invites = await client.me.invites({});
       */
      invites: {
        types: types<unknown, UserInvites>(),
        side: 'user',
        method: 'GET',
        path: '/me/invites',
        access: 'read',
        status: 200,
        summary: 'Retrieves pending organization invitations for a user',
        description: 'For a token acting for a user: the invitations to its email, expired ones included (`expired`), less those it dismissed.',
        success: 'Information about invitations',
      },
      /**
       * One pending invitation to the token's user (a dismissed one included).
       * @example
       * const invite = await client.me.invite({ inviteId });
       */
      invite: {
        types: types<unknown, UserInvite>(),
        side: 'user',
        method: 'GET',
        path: '/me/invites/{inviteId}',
        access: 'read',
        status: 200,
        summary: 'Retrieves information for an invitation to an organization',
        success: 'Information about invitation',
        notFound: ['The invite is unknown, no longer pending, or to another email', 'Invite was not found'],
      },
      /**
       * Accepts, rejects or dismisses an invitation to the token's user.
       * @example
       * const { result, orgId } = await client.me.respondToInvite({ inviteId, response: { action: 'accept' } });
       */
      respondToInvite: {
        types: types<{ response: UserInviteAction }, UserInviteResult>(),
        side: 'user',
        method: 'POST',
        path: '/me/invites/{inviteId}',
        access: 'write',
        status: 200,
        body: 'response',
        summary: 'Accepts or rejects an invitation to an organization',
        description:
          '`accept` and `reject` end the invite as its link would (the same rules, events and audit); `dismiss` only hides it ' +
          'from `GET /me/invites`: it stays valid, its link still works, and it can still be accepted here.',
        success: 'Acceptance or rejection of invitation',
        bodyDoc: 'Response to invitation',
        notFound: ['The invite is unknown, no longer pending, or to another email', 'Invite was not found'],
        gone: LINK_GONE,
      },
    },
  },
  operations: {
    tag: 'Health checks for load balancers and orchestrators',
    client: false,
    actions: {
      liveness: {
        types: types<unknown, { ok: true }>(),
        method: 'GET',
        path: '/healthz',
        access: 'public',
        status: 200,
        summary: 'Liveness check',
        description: 'Answers while the process runs; never touches the database.',
        success: 'The process is running',
      },
      readiness: {
        types: types<unknown, { ok: true }>(),
        method: 'GET',
        path: '/readyz',
        access: 'public',
        status: 200,
        summary: 'Readiness check',
        description: 'Answers 200 when the database answers, 503 when it does not (take the replica out of the load balancer).',
        success: 'The service and its database are ready',
      },
    },
  },
} as const satisfies Record<string, Resource>;

type Resources = typeof RESOURCES;
type ActionsOf<R extends keyof Resources> = Resources[R]['actions'];

/** Every operation id: `resource.action`, as the clients call it. */
export type OperationId = { [R in keyof Resources]: `${R & string}.${keyof ActionsOf<R> & string}` }[keyof Resources];

/** The operation ids whose access is `A`. */
export type OperationIdWith<A extends Access> = {
  [R in keyof Resources]: {
    [K in keyof ActionsOf<R>]: ActionsOf<R>[K] extends { access: A } ? `${R & string}.${K & string}` : never;
  }[keyof ActionsOf<R>];
}[keyof Resources];

/** The operations a scope of the scope table opens: the API actions. */
export type Action = OperationIdWith<'read' | 'write'>;

/** The declaration of an operation by id. */
export type OperationOf<Id extends OperationId> = Id extends `${infer R extends keyof Resources}.${infer A}`
  ? A extends keyof ActionsOf<R>
    ? ActionsOf<R>[A]
    : never
  : never;

/** Every operation by id, in the order of the table. */
export const OPERATIONS = Object.fromEntries(
  Object.entries(RESOURCES as Record<string, Resource>).flatMap(([resource, { actions }]) =>
    Object.entries(actions).map(([action, spec]) => [`${resource}.${action}`, spec]),
  ),
) as { [Id in OperationId]: OperationOf<Id> };

/** The placeholder names of a path, in order (`/a/{x}/b/{y}` gives x, y). */
export const pathIds = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

/** The placeholder names of a path, as a type. */
export type PathIdsOf<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | PathIdsOf<Rest> : never;
type ResultOf<O> = O extends { types: { result: infer R } } ? R : never;
type ParamsOf<O> = O extends { path: infer S extends string; types: { params: infer P } }
  ? Common & { [K in PathIdsOf<S>]: string } & (unknown extends P ? unknown : P)
  : never;

/** A client call: its parameters (path ids, query and body), and its answer. */
export type ClientCall<O> = { params: ParamsOf<O>; result: ResultOf<O> };

/** The client's resources (those it offers), each with its calls, documented where they are declared above. */
export type ClientResources = {
  [R in keyof Resources as Resources[R] extends { client: false } ? never : R]: { [K in keyof ActionsOf<R>]: ClientCall<ActionsOf<R>[K]> };
};
