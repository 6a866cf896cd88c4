import type { Generated } from 'kysely';

/**
 * Table shapes as Kysely sees them. Both dialects use the same portable column types:
 * booleans are 0/1 integers, role overrides are JSON text, dates are ISO-8601 text (which
 * sorts in time order), so the queries are written once.
 */
export interface Database {
  instances: { id: string; name: string; created_at: string };
  instance_members: { instance_id: string; user_id: string; role: string };
  orgs: {
    id: string;
    instance_id: string;
    name: string;
    member_limit: number | null;
    invite_ttl_ms: number | string | null;
    created_at: string;
    description: string | null;
    icon_color: string | null;
    locale: Generated<string | null>;
    /** These two are null only between the statements of migration 002. */
    updated_at: string | null;
    name_key: string | null;
  };
  users: {
    id: string;
    email: string;
    first_name: string | null;
    last_name: string | null;
    avatar_url: string | null;
    two_factor_auth_enabled: number;
    sso_linked: number;
    created_at: string;
  };
  api_tokens: {
    id: string;
    instance_id: string;
    user_id: string | null;
    org_id: Generated<string | null>;
    token_hash: string;
    scopes: string;
    created_at: string;
    expires_at: string | null;
    revoked_at: string | null;
  };
  invites: {
    id: string;
    org_id: string;
    email: string;
    role: string;
    application_roles: string;
    dashboard_roles: string;
    disallow_transfer: number;
    token_hash: string;
    invite_date: string;
    ttl: number | string;
    expires_at: string;
    status: string;
    invited_by_token_id: string | null;
    /** When the sweeper wrote the invite's `invite.expired` event; null while it has not. */
    expired_event_at: Generated<string | null>;
    join_link_id: Generated<string | null>;
    locale: Generated<string | null>;
    dismissed_at: Generated<string | null>;
  };
  brandings: {
    owner_id: string;
    instance_id: string;
    product_name: string | null;
    accent_color: string | null;
    continue_url: string | null;
    continue_origins: string;
    logo: string | null;
    logo_type: string | null;
    logo_hash: string | null;
    updated_at: string;
  };
  join_links: {
    id: string;
    org_id: string;
    code: string;
    code_hash: string;
    role: string;
    application_roles: string;
    dashboard_roles: string;
    max_uses: number | null;
    uses: Generated<number>;
    expires_at: string | null;
    allowed_domains: string;
    description: string | null;
    state: string;
    created_at: string;
    updated_at: string;
  };
  org_members: {
    org_id: string;
    user_id: string;
    email: string;
    role: string;
    application_roles: string;
    dashboard_roles: string;
    disallow_transfer: number;
    created_at: string;
  };
  outbox: {
    id: string;
    invite_id: string | null;
    to_address: string;
    subject: string;
    text_body: string | null;
    html_body: string | null;
    status: string;
    attempts: Generated<number>;
    next_attempt_at: string;
    lease_until: string | null;
    last_error: string | null;
    created_at: string;
    sent_at: string | null;
  };
  audit_log: {
    id: string;
    instance_id: string;
    org_id: string | null;
    at: string;
    action: string;
    token_id: string | null;
    user_id: string | null;
    address: string | null;
    target_id: string | null;
    email: string | null;
    details: string;
  };
  rate_limits: {
    key: string;
    window_start: number | string;
    hits: number;
  };
  event_counters: { instance_id: string; last_seq: number | string };
  events: { id: string; instance_id: string; seq: number | string; org_id: string | null; type: string; at: string; data: string };
  webhooks: {
    id: string;
    instance_id: string;
    org_id: string | null;
    url: string;
    events: string | null;
    description: string | null;
    enabled: number;
    disabled_reason: string | null;
    secret: string;
    previous_secret: string | null;
    previous_secret_until: string | null;
    created_at: string;
    updated_at: string;
  };
  webhook_deliveries: {
    id: string;
    webhook_id: string;
    event_id: string;
    status: string;
    attempts: Generated<number>;
    next_attempt_at: string;
    lease_until: string | null;
    created_at: string;
    delivered_at: string | null;
  };
  webhook_attempts: {
    id: string;
    delivery_id: string;
    webhook_id: string;
    event_id: string;
    at: string;
    duration_ms: number;
    status_code: number | null;
    error: string | null;
    excerpt: string;
    next_attempt_at: string | null;
  };
  request_journal: { key: string; outcome: string | null; expires_at: string };
  idempotency_keys: {
    key: string;
    fingerprint: string;
    owner: string;
    lease_until: string;
    status: number | null;
    headers: string | null;
    body: string | null;
    expires_at: string;
  };
}
