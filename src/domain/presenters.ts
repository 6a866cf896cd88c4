/**
 * Records in the API's shapes, in one place: which fields are left out rather than sent
 * empty, and what each answer derives, are decided here and nowhere else.
 */
import type { AuditLog } from '../contract/audit.js';
import type { Event } from '../contract/events.js';
import type { Webhook, WebhookAttempt } from '../contract/webhooks.js';
import type { Invite, InviteInfo } from '../contract/invites.js';
import type { JoinInfo, JoinLink } from '../contract/join-links.js';
import type { Member } from '../contract/members.js';
import type { Org } from '../contract/orgs.js';
import type { Locale } from '../contract/canonical.js';
import { grantableScopes } from '../contract/scopes.js';
import type { TokenInfo } from '../contract/tokens.js';
import { isExpired } from './expiry.js';
import type { AttemptRecord, DeliveryRecord, EventRecord, WebhookRecord, AuditRecord, InstanceRecord, InstanceRole, InviteRecord, JoinLinkRecord, MailRecord, MemberView, OrgRecord, TokenRecord, UserRecord } from './records.js';
import { personLabel } from './text.js';

/** What operators see of the outbox states: a message being handed over is still queued. */
const MAIL_STATUS = { queued: 'queued', sending: 'queued', sent: 'sent', failed: 'failed', cancelled: undefined } as const;

/** The API invite; `mail` is its latest invitation mail, whose state operators want to see. */
export function toInvite(i: InviteRecord, now: Date, mail?: Pick<MailRecord, 'status' | 'lastError'>): Invite {
  const mailStatus = mail && MAIL_STATUS[mail.status];
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    applicationRoles: i.applicationRoles,
    dashboardRoles: i.dashboardRoles,
    inviteDate: i.inviteDate,
    ttl: i.ttl,
    hasExpired: isExpired(i, now),
    disallowTransfer: i.disallowTransfer,
    ...(mailStatus ? { mailStatus } : {}),
    ...(mailStatus === 'failed' && mail?.lastError ? { mailError: mail.lastError } : {}),
    ...(i.joinLinkId ? { joinLinkId: i.joinLinkId } : {}),
  };
}

/** What the holder of an invite link may see; `inviter` is the person who sent the live link. */
export function toInviteInfo(invite: InviteRecord, org: OrgRecord, inviter: UserRecord | null): InviteInfo {
  return {
    orgName: org.name,
    email: invite.email,
    role: invite.role,
    inviteDate: invite.inviteDate,
    ttl: invite.ttl,
    disallowTransfer: invite.disallowTransfer,
    ...(inviter ? { invitedBy: personLabel(inviter) } : {}),
    ...(invite.joinLinkId ? { joinLink: true as const } : {}),
  };
}

/** Whether the link has run out of uses. */
export const isUsedUp = (l: JoinLinkRecord) => l.maxUses !== null && l.uses >= l.maxUses;
export const joinLinkExpired = (l: JoinLinkRecord, now: Date) => l.expiresAt !== null && Date.parse(l.expiresAt) <= now.getTime();

/** A join link as admins see it; `url` is its shareable address. */
export function toJoinLink(l: JoinLinkRecord, org: OrgRecord, url: string | null, now: Date): JoinLink {
  return {
    id: l.id,
    instanceId: org.instanceId,
    orgId: org.id,
    ...(url !== null ? { url } : {}),
    role: l.role,
    applicationRoles: l.applicationRoles,
    dashboardRoles: l.dashboardRoles,
    ...(l.maxUses !== null ? { maxUses: l.maxUses } : {}),
    uses: l.uses,
    ...(l.expiresAt !== null ? { expiresAt: l.expiresAt } : {}),
    allowedDomains: l.allowedDomains,
    ...(l.description !== null ? { description: l.description } : {}),
    state: l.state,
    hasExpired: joinLinkExpired(l, now),
    usedUp: isUsedUp(l),
    creationDate: l.createdAt,
    lastUpdated: l.updatedAt,
  };
}

/** What the holder of a join link may see: never its uses or who joined. */
export const toJoinInfo = (l: JoinLinkRecord, org: OrgRecord): JoinInfo => ({
  orgName: org.name,
  role: l.role,
  allowedDomains: l.allowedDomains,
  ...(l.expiresAt !== null ? { expiresAt: l.expiresAt } : {}),
});

/** Upstream's member shape: optional fields are left out rather than sent empty. */
export function toMember(org: OrgRecord, m: MemberView): Member {
  return {
    instanceId: org.instanceId,
    orgId: org.id,
    userId: m.userId,
    email: m.email,
    ...(m.firstName ? { firstName: m.firstName } : {}),
    ...(m.lastName !== null ? { lastName: m.lastName } : {}),
    role: m.role,
    ...(m.avatarUrl ? { avatarUrl: m.avatarUrl } : {}),
    twoFactorAuthEnabled: m.twoFactorAuthEnabled,
    ssoLinked: m.ssoLinked,
  };
}

/** Upstream's org shape; `orgId` repeats `id` as upstream's org answers do. */
export function toOrg(o: OrgRecord): Org {
  return {
    id: o.id,
    orgId: o.id,
    instanceId: o.instanceId,
    name: o.name,
    ...(o.description ? { description: o.description } : {}),
    ...(o.iconColor ? { iconColor: o.iconColor } : {}),
    limits: o.memberLimit === null ? {} : { member: o.memberLimit },
    ...(o.inviteTtlMs === null ? {} : { inviteTtlMs: o.inviteTtlMs }),
    ...(o.locale === null ? {} : { locale: o.locale as Locale }),
    creationDate: o.createdAt,
    lastUpdated: o.updatedAt,
  };
}

/** An audit entry: absent values are left out rather than sent as null. */
export function toAuditLog(r: AuditRecord): AuditLog {
  const optional = { orgId: r.orgId, tokenId: r.tokenId, userId: r.userId, address: r.address, targetId: r.targetId, email: r.email };
  return {
    id: r.id,
    instanceId: r.instanceId,
    at: r.at,
    action: r.action,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null)),
    details: r.details,
  };
}

/**
 * What a token may learn about itself. `user` and `role` are its user and that user's role in
 * the instance (the user part is left out without both); `actions` are those it may call.
 */
export function toTokenInfo(token: TokenRecord, instance: InstanceRecord | null, user: UserRecord | null, role: InstanceRole | null, actions: string[]): TokenInfo {
  return {
    id: token.id,
    instanceId: token.instanceId,
    instanceName: instance?.name ?? '',
    scopes: token.scopes,
    createdAt: token.createdAt,
    ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
    ...(user && role ? { user: { id: user.id, email: user.email, instanceRole: role } } : {}),
    ...(token.orgId ? { orgId: token.orgId } : {}),
    actions,
    grantableScopes: grantableScopes(actions),
  };
}

/** An event as the feed lists it and a webhook delivers it. */
export const toEvent = (e: EventRecord): Event => ({ id: e.id, type: e.type, timestamp: e.at, data: e.data });

/** An endpoint as reads show it: never its secrets. */
export function toWebhook(w: WebhookRecord, now: Date): Webhook {
  const overlap = w.previousSecretUntil !== null && new Date(w.previousSecretUntil) > now ? w.previousSecretUntil : null;
  return {
    id: w.id,
    instanceId: w.instanceId,
    url: w.url,
    ...(w.events ? { events: w.events } : {}),
    ...(w.orgId ? { orgId: w.orgId } : {}),
    ...(w.description !== null ? { description: w.description } : {}),
    enabled: w.enabled,
    ...(w.disabledReason ? { disabledReason: w.disabledReason } : {}),
    ...(overlap ? { previousSecretExpiresAt: overlap } : {}),
    creationDate: w.createdAt,
    lastUpdated: w.updatedAt,
  };
}

export const toWebhookAttempt = (a: AttemptRecord & { deliveryStatus: DeliveryRecord['status']; eventType: Event['type'] | null }): WebhookAttempt => ({
  id: a.id,
  deliveryId: a.deliveryId,
  eventId: a.eventId,
  ...(a.eventType ? { eventType: a.eventType } : {}),
  at: a.at,
  durationMs: a.durationMs,
  ...(a.statusCode !== null ? { statusCode: a.statusCode } : {}),
  ...(a.error !== null ? { error: a.error } : {}),
  excerpt: a.excerpt,
  ...(a.nextAttemptAt !== null ? { nextAttemptAt: a.nextAttemptAt } : {}),
  deliveryStatus: a.deliveryStatus,
});
