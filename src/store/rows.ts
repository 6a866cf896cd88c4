import type { Selectable } from 'kysely';
import type { ResourceRole, Role } from '../contract/common.js';
import type { EventData, EventType } from '../contract/events.js';
import type { DeliveryStatus } from '../contract/webhooks.js';
import type { JoinLinkState } from '../contract/join-links.js';
import { hashSecret } from '../domain/secrets.js';
import type {
  AttemptRecord,
  AuditRecord,
  BrandingRecord,
  DeliveryRecord,
  EventRecord,
  WebhookRecord,
  InstanceRole,
  InviteRecord,
  InviteStatus,
  JoinLinkRecord,
  MailRecord,
  MailStatus,
  MemberView,
  OrgRecord,
  TokenRecord,
  UserRecord,
} from '../domain/records.js';
import type { Database } from './schema.js';

/** Row <-> record conversions, shared by every dialect. */
type Row<T extends keyof Database> = Selectable<Database[T]>;

const json = (text: string): ResourceRole[] => JSON.parse(text) as ResourceRole[];

export const toOrg = (r: Row<'orgs'>): OrgRecord => ({
  id: r.id,
  instanceId: r.instance_id,
  name: r.name,
  memberLimit: r.member_limit,
  inviteTtlMs: r.invite_ttl_ms === null ? null : Number(r.invite_ttl_ms),
  description: r.description,
  iconColor: r.icon_color,
  locale: r.locale,
  createdAt: r.created_at,
  updatedAt: r.updated_at ?? r.created_at,
});

export const toUser = (r: Row<'users'>): UserRecord => ({
  id: r.id,
  email: r.email,
  firstName: r.first_name,
  lastName: r.last_name,
  avatarUrl: r.avatar_url,
  twoFactorAuthEnabled: r.two_factor_auth_enabled === 1,
  ssoLinked: r.sso_linked === 1,
  createdAt: r.created_at,
});

export const userRow = (u: UserRecord) => ({
  id: u.id,
  email: u.email,
  first_name: u.firstName,
  last_name: u.lastName,
  avatar_url: u.avatarUrl,
  two_factor_auth_enabled: bit(u.twoFactorAuthEnabled),
  sso_linked: bit(u.ssoLinked),
  created_at: u.createdAt,
});

/** Every column of a token but its hash: what leaves the table when tokens are listed. */
export const TOKEN_COLUMNS = ['id', 'instance_id', 'user_id', 'org_id', 'scopes', 'created_at', 'expires_at', 'revoked_at'] as const;

export const toToken = (r: Omit<Row<'api_tokens'>, 'token_hash'>): TokenRecord => ({
  id: r.id,
  instanceId: r.instance_id,
  userId: r.user_id,
  orgId: r.org_id,
  scopes: JSON.parse(r.scopes) as string[],
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

/** The role grant an invite carries and a membership keeps: the same columns in both tables. */
const grant = (r: { role: string; application_roles: string; dashboard_roles: string; disallow_transfer: number }) => ({
  role: r.role as Role,
  applicationRoles: json(r.application_roles),
  dashboardRoles: json(r.dashboard_roles),
  disallowTransfer: r.disallow_transfer === 1,
});

export const toInvite = (r: Row<'invites'>): InviteRecord => ({
  id: r.id,
  orgId: r.org_id,
  email: r.email,
  ...grant(r),
  inviteDate: r.invite_date,
  ttl: Number(r.ttl),
  expiresAt: r.expires_at,
  status: r.status as InviteStatus,
  invitedByTokenId: r.invited_by_token_id,
  joinLinkId: r.join_link_id,
  locale: r.locale,
});

export const toJoinLink = (r: Row<'join_links'>): JoinLinkRecord => ({
  id: r.id,
  orgId: r.org_id,
  code: r.code,
  role: r.role as Role,
  applicationRoles: json(r.application_roles),
  dashboardRoles: json(r.dashboard_roles),
  maxUses: r.max_uses === null ? null : Number(r.max_uses),
  uses: Number(r.uses),
  expiresAt: r.expires_at,
  allowedDomains: JSON.parse(r.allowed_domains) as string[],
  description: r.description,
  state: r.state as JoinLinkState,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The columns of the fields present (an update passes some); the code's hash goes with the code. */
export function joinLinkRow(l: Partial<JoinLinkRecord>): Partial<Omit<Row<'join_links'>, 'uses'>> {
  return {
    id: l.id,
    org_id: l.orgId,
    code: l.code,
    code_hash: l.code === undefined ? undefined : hashSecret(l.code),
    role: l.role,
    application_roles: l.applicationRoles && JSON.stringify(l.applicationRoles),
    dashboard_roles: l.dashboardRoles && JSON.stringify(l.dashboardRoles),
    max_uses: l.maxUses,
    expires_at: l.expiresAt,
    allowed_domains: l.allowedDomains && JSON.stringify(l.allowedDomains),
    description: l.description,
    state: l.state,
    created_at: l.createdAt,
    updated_at: l.updatedAt,
  };
}

export const toMemberView = (r: Row<'org_members'> & Omit<Row<'users'>, 'id' | 'email' | 'created_at'>): MemberView => ({
  orgId: r.org_id,
  userId: r.user_id,
  email: r.email,
  ...grant(r),
  createdAt: r.created_at,
  firstName: r.first_name,
  lastName: r.last_name,
  avatarUrl: r.avatar_url,
  twoFactorAuthEnabled: r.two_factor_auth_enabled === 1,
  ssoLinked: r.sso_linked === 1,
});

export const toMail = (r: Row<'outbox'>): MailRecord => ({
  id: r.id,
  inviteId: r.invite_id,
  to: r.to_address,
  subject: r.subject,
  text: r.text_body,
  html: r.html_body,
  status: r.status as MailStatus,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

export const toInstanceRole = (role: string | undefined): InstanceRole | null =>
  role === 'admin' || role === 'view' ? role : null;

export const bit = (b: boolean): number => (b ? 1 : 0);

export const toAudit = (r: Row<'audit_log'>): AuditRecord => ({
  id: r.id,
  instanceId: r.instance_id,
  orgId: r.org_id,
  at: r.at,
  action: r.action,
  tokenId: r.token_id,
  userId: r.user_id,
  address: r.address,
  targetId: r.target_id,
  email: r.email,
  details: JSON.parse(r.details),
});

export const toEvent = (r: Row<'events'>): EventRecord => ({
  id: r.id,
  instanceId: r.instance_id,
  seq: Number(r.seq),
  orgId: r.org_id,
  type: r.type as EventType,
  at: r.at,
  data: JSON.parse(r.data) as EventData,
});

export const toWebhook = (r: Row<'webhooks'>): WebhookRecord => ({
  id: r.id,
  instanceId: r.instance_id,
  orgId: r.org_id,
  url: r.url,
  events: r.events === null ? null : (JSON.parse(r.events) as EventType[]),
  description: r.description,
  enabled: r.enabled === 1,
  disabledReason: r.disabled_reason,
  secret: r.secret,
  previousSecret: r.previous_secret,
  previousSecretUntil: r.previous_secret_until,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The columns of the fields present: an insert passes every field, an update some. */
export function webhookRow(w: WebhookRecord): Row<'webhooks'>;
export function webhookRow(w: Partial<WebhookRecord>): Partial<Row<'webhooks'>>;
export function webhookRow(w: Partial<WebhookRecord>): Partial<Row<'webhooks'>> {
  const row = {
    id: w.id,
    instance_id: w.instanceId,
    org_id: w.orgId,
    url: w.url,
    events: w.events === undefined ? undefined : w.events === null ? null : JSON.stringify(w.events),
    description: w.description,
    enabled: w.enabled === undefined ? undefined : bit(w.enabled),
    disabled_reason: w.disabledReason,
    secret: w.secret,
    previous_secret: w.previousSecret,
    previous_secret_until: w.previousSecretUntil,
    created_at: w.createdAt,
    updated_at: w.updatedAt,
  };
  return row;
}

export const toDelivery = (r: Row<'webhook_deliveries'>): DeliveryRecord => ({
  id: r.id,
  webhookId: r.webhook_id,
  eventId: r.event_id,
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

export const toAttempt = (r: Row<'webhook_attempts'>): AttemptRecord => ({
  id: r.id,
  deliveryId: r.delivery_id,
  webhookId: r.webhook_id,
  eventId: r.event_id,
  at: r.at,
  durationMs: r.duration_ms,
  statusCode: r.status_code,
  error: r.error,
  excerpt: r.excerpt,
  nextAttemptAt: r.next_attempt_at,
});

/** Every column but the logo's bytes, which only the logo route reads. */
export const BRANDING_COLUMNS = ['owner_id', 'instance_id', 'product_name', 'accent_color', 'continue_url', 'continue_origins', 'logo_type', 'logo_hash', 'updated_at'] as const;

export const toBranding = (r: Pick<Row<'brandings'>, (typeof BRANDING_COLUMNS)[number]>): BrandingRecord => ({
  ownerId: r.owner_id,
  instanceId: r.instance_id,
  productName: r.product_name,
  accentColor: r.accent_color,
  continueUrl: r.continue_url,
  continueOrigins: JSON.parse(r.continue_origins) as string[],
  logoType: r.logo_type,
  logoHash: r.logo_hash,
  updatedAt: r.updated_at,
});
