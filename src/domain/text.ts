import { invalid } from './errors.js';
import type { UserRecord } from './records.js';

/** A name that ends up in mail subjects and pages: trimmed, 1 to 255 characters, one line. */
export function requireText(value: string, what: string): string {
  const text = value.trim();
  if (!text || text.length > 255) throw invalid(`${what} must be 1 to 255 characters`, what);
  if (/[\u0000-\u001f\u007f]/.test(text)) throw invalid(`${what} must not contain control characters`, what);
  return text;
}

/** How a person is named to an invitee: "Ada Lovelace (ada@example.com)", or the address alone. */
export function personLabel(user: UserRecord): string {
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
  return name ? `${name} (${user.email})` : user.email;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text made safe for HTML, in element content and in quoted attributes alike (mail and pages). */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
