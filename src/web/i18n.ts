import { bestLocale, format, MESSAGES, splitMessage, type MessageKey } from '../i18n/messages.js';
import type { Role } from '../contract/common.js';

/**
 * The page's language is the one the server chose from Accept-Language and wrote into
 * `<html lang>`: the script reads it there, so the static words and the script's agree.
 */
export const locale = bestLocale([document.documentElement.lang]);
const messages = MESSAGES[locale];

/** A message of the page's language, its `{name}` placeholders filled with text. */
export const t = (key: MessageKey, values: Record<string, string> = {}) => format(messages[key], values);

/** A message whose placeholders are nodes (a name in bold): text and nodes, for `el` or `para`. */
export const rich = (key: MessageKey, values: Record<string, Node | string>): (Node | string)[] =>
  splitMessage(messages[key], (name) => values[name] ?? `{${name}}`);

/** Date and time in the page's language and the reader's time zone. */
export const formatDate = (iso: string): string =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** "a, b or c" in the page's language. */
export const orList = (items: string[]): string => new Intl.ListFormat(locale, { type: 'disjunction' }).format(items);

const ROLE_KEYS: Record<Role, MessageKey> = { admin: 'roleAdmin', edit: 'roleEdit', collaborate: 'roleCollaborate', view: 'roleView', none: 'roleNone' };
/** What a role lets a member do, in a few words (for invitees who do not know the names). */
export const roleText = (role: Role): string => messages[ROLE_KEYS[role]];
