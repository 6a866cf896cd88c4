/**
 * What an id, an email and an email domain are, and the one form in which they are stored and
 * compared. Every layer (schemas, domain, CLI, pages) takes them from here, so that no two places
 * can disagree about when two ids or two addresses are the same.
 */

/** Path and body ids: 24 hex characters, ObjectId-style (upstream's pattern, which allows A-F). */
export const ID_PATTERN = '^[A-Fa-f\\d]{24}$';

/**
 * The id the API's documentation shows: lower-case, as ids are stored and answered (a sample
 * made from ID_PATTERN alone would mix cases).
 */
export const EXAMPLE_ID = '6b0250dd95ea51363e95bbad';

/** Ids arrive in either case and are stored lower-case. */
export function canonicalId(id: string): string {
  return id.toLowerCase();
}

/** A domain as people write it after the `@`: letters, digits and hyphens, in dot-separated labels. */
export const DOMAIN_PATTERN = '^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$';

/** An action of the audit trail: an operation id (`instanceOrgInvites.post`) or `orgInvites.accept` and the like. */
export const ACTION_PATTERN = '^[A-Za-z]+\\.[A-Za-z]+$';

/** A colour as `#rrggbb`, the form an `<input type="color">` gives. */
export const COLOR_PATTERN = '^#[0-9A-Fa-f]{6}$';

/**
 * What each pattern of the API's schemas means, in the words of an error message ("orgId must
 * be a 24-character hex id"): a pattern itself means nothing to the person who broke it.
 */
export const PATTERN_MEANINGS: Readonly<Record<string, string>> = {
  [ID_PATTERN]: 'a 24-character hex id',
  [DOMAIN_PATTERN]: 'an email domain like acme.com',
  [ACTION_PATTERN]: 'an action name like instanceOrgInvites.post',
  [COLOR_PATTERN]: 'a colour like #0b5cad',
};

/** An organization role, most to least; light enough for the pages to import (no schema library). */
export const ROLES = ['admin', 'edit', 'collaborate', 'view', 'none'] as const;

/** Every event type, in the order the README lists them (here, where the pages can import it). */
export const EVENT_TYPES = [
  'invite.created',
  'invite.resent',
  'invite.revoked',
  'invite.accepted',
  'invite.rejected',
  'invite.expired',
  'member.added',
  'member.updated',
  'member.removed',
  'mail.sent',
  'mail.failed',
  'join_link.created',
  'join_link.updated',
  'join_link.deleted',
] as const;

/** The longest email accepted anywhere. */
export const EMAIL_MAX_LENGTH = 1024;

/**
 * Whether a canonical email has the shape of an address, for what arrives outside the API's
 * schemas (the CLI, a CSV file); the API's schemas check the stricter `email` format.
 */
export function isEmailShaped(email: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(email) && email.length <= EMAIL_MAX_LENGTH;
}

/** Emails are stored and compared trimmed and lower-cased: one address, one person. */
export function canonicalEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The languages of the pages and the mail, English first (the fallback): tags as browsers send
 * them in Accept-Language and as an invite's or an org's `locale` names them.
 */
export const LOCALES = ['en', 'de', 'fr', 'es', 'pt-BR', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];

/** The header by which the CLI says a change comes from it (self-declared: it tells, it proves nothing). */
export const VIA_HEADER = 'x-gatehouse-via';
