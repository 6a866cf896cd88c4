/**
 * Which token scopes may call which action: the table of CONTRACT.md as data, plus the two
 * calls on an instance's organizations that the admin console needs, with upstream's scope
 * names (losant-rest's instanceOrgs), and the audit trail's read. Every route names its action, and the auth hook checks
 * the token against this table and nothing else.
 */
export const ACTION_SCOPES = {
  'instanceOrgs.get': ['all.Instance', 'all.Instance.read', 'all.User', 'all.User.read', 'instanceOrgs.*', 'instanceOrgs.get'],
  'instanceOrgs.post': ['all.Instance', 'all.User', 'instanceOrgs.*', 'instanceOrgs.post'],
  // Gatehouse's audit trail, with the scopes its issue names.
  'instanceAuditLogs.get': ['all.Instance', 'all.Instance.read', 'all.User', 'all.User.read', 'instanceAuditLogs.*', 'instanceAuditLogs.get'],
  'instanceOrgInvites.get': ['all.Instance', 'all.Instance.read', 'all.User', 'all.User.read', 'instanceOrgInvites.*', 'instanceOrgInvites.get'],
  'instanceOrgInvites.post': ['all.Instance', 'all.User', 'instanceOrgInvites.*', 'instanceOrgInvites.post'],
  'instanceOrgInvite.get': ['all.Instance', 'all.Instance.read', 'all.User', 'all.User.read', 'instanceOrgInvite.*', 'instanceOrgInvite.get'],
  'instanceOrgInvite.delete': ['all.Instance', 'all.User', 'instanceOrgInvite.*', 'instanceOrgInvite.delete'],
  'instanceOrgInvite.resendInvite': ['all.Instance', 'all.User', 'instanceOrgInvite.*', 'instanceOrgInvite.resendInvite'],
  'instanceOrgMembers.get': ['all.Instance', 'all.Instance.read', 'all.User', 'all.User.read', 'instanceOrgMembers.*', 'instanceOrgMembers.get'],
  'instanceOrgMembers.post': ['all.Instance', 'all.User', 'instanceOrgMembers.*', 'instanceOrgMembers.post'],
  'instanceOrgMember.get': ['all.Instance', 'all.Instance.read', 'all.User', 'all.User.read', 'instanceOrgMember.*', 'instanceOrgMember.get'],
  'instanceOrgMember.patch': ['all.Instance', 'all.User', 'instanceOrgMember.*', 'instanceOrgMember.patch'],
  'instanceOrgMember.delete': ['all.Instance', 'all.User', 'instanceOrgMember.*', 'instanceOrgMember.delete'],
} as const satisfies Record<string, readonly string[]>;

export type Action = keyof typeof ACTION_SCOPES;

/** Every scope a token may be created with. */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set(Object.values(ACTION_SCOPES).flat());

/** Scopes that grant the rights of the token's user rather than of the instance. */
export const USER_SCOPES: ReadonlySet<string> = new Set(['all.User', 'all.User.read']);

/** Reads are the actions a `*.read` scope opens; everything else changes data. */
export function isReadAction(action: Action): boolean {
  return (ACTION_SCOPES[action] as readonly string[]).includes('all.Instance.read');
}

export function scopeAllows(scopes: readonly string[], action: Action): boolean {
  const allowed = ACTION_SCOPES[action] as readonly string[];
  return scopes.some((s) => allowed.includes(s));
}
