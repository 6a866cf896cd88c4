import { LOCALES, type Locale } from '../contract/canonical.js';
import { MAX_DESCRIPTION, MAX_MEMBER_LIMIT } from '../contract/orgs.js';
import { invalid } from './errors.js';
import type { OrgChange } from './store.js';
import { requireText } from './text.js';

/** What may change on an org; null clears (no member limit, the server's invite lifetime and language, no description). */
export interface OrgUpdate {
  name?: string;
  description?: string | null;
  memberLimit?: number | null;
  inviteTtlMs?: number | null;
  locale?: Locale | null;
}

/**
 * The store change for an org update, checked once for the CLI and the API alike.
 * `nothing` is the message when no field is given (each caller names its own options).
 * A member limit below the seats already taken is allowed: nobody is removed, and invites
 * and adds are refused until seats free up.
 */
export function orgChange(update: OrgUpdate, now: Date, nothing: string): OrgChange {
  const { name, description, memberLimit, inviteTtlMs, locale } = update;
  if ([name, description, memberLimit, inviteTtlMs, locale].every((v) => v === undefined)) throw invalid(nothing);
  if (memberLimit != null && (!Number.isInteger(memberLimit) || memberLimit < 1 || memberLimit > MAX_MEMBER_LIMIT)) {
    throw invalid(`member limit must be a whole number from 1 to ${MAX_MEMBER_LIMIT}`);
  }
  if (inviteTtlMs != null && (!Number.isSafeInteger(inviteTtlMs) || inviteTtlMs < 1)) throw invalid('invite lifetime must be a positive duration');
  if (description != null && description.length > MAX_DESCRIPTION) throw invalid(`description must be at most ${MAX_DESCRIPTION} characters`);
  if (locale != null && !(LOCALES as readonly string[]).includes(locale)) throw invalid(`locale must be one of ${LOCALES.join(', ')}`);
  return {
    name: name === undefined ? undefined : requireText(name, 'name'),
    // An empty description is none, as org create stores it.
    description: description === undefined ? undefined : description || null,
    memberLimit,
    inviteTtlMs,
    locale,
    updatedAt: now.toISOString(),
  };
}
