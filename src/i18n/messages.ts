import { LOCALES, type Locale } from '../contract/canonical.js';
import { de } from './messages/de.js';
import { en, type MessageKey, type Messages } from './messages/en.js';
import { es } from './messages/es.js';
import { fr } from './messages/fr.js';
import { ja } from './messages/ja.js';
import { ptBR } from './messages/pt-BR.js';

export type { MessageKey, Messages };

/** Every language's words; the pages bundle this, so it stays plain data (no schema library). */
export const MESSAGES: Record<Locale, Messages> = { en, de, fr, es, 'pt-BR': ptBR, ja };

export const isLocale = (tag: unknown): tag is Locale => typeof tag === 'string' && (LOCALES as readonly string[]).includes(tag);

/**
 * The best of LOCALES for a list of language tags in order of preference: the exact tag (any
 * case), else its base language (`de-AT` -> `de`, `pt` and `pt-PT` -> `pt-BR`, the one
 * Portuguese there is), else English.
 */
export const bestLocale = (tags: readonly string[]): Locale => matchLocale(tags) ?? 'en';

/** Like bestLocale, but null when none of the tags is a language of LOCALES. */
export function matchLocale(tags: readonly string[]): Locale | null {
  for (const tag of tags) {
    const exact = LOCALES.find((l) => l.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    const base = tag.split('-')[0].toLowerCase();
    const byBase = LOCALES.find((l) => l.split('-')[0].toLowerCase() === base);
    if (byBase) return byBase;
  }
  return null;
}

/** The tags of an Accept-Language header by q-value, highest first (q=0 means "not this"). */
export function acceptedTags(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .slice(0, 50)
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter(({ tag, q }) => /^[A-Za-z]{1,8}(-[A-Za-z\d]{1,8})*$/.test(tag) && q > 0 && !Number.isNaN(q))
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map(({ tag }) => tag);
}

export const localeOfAcceptLanguage = (header: string | undefined): Locale => bestLocale(acceptedTags(header));

/** A message with its `{name}` placeholders filled. */
export const format = (text: string, values: Record<string, string> = {}): string =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);

/**
 * A message split at its placeholders, each filled by `fill(name)`: for markup around the
 * values (a `<strong>` in a page or a mail) without putting the text through an HTML parser.
 */
export function splitMessage<T>(text: string, fill: (name: string) => T): (string | T)[] {
  return text.split(/(\{\w+\})/).flatMap<string | T>((part) => {
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) return [fill(name)];
    return part === '' ? [] : [part];
  });
}

/** The placeholder names of a message, sorted (for the completeness test). */
export const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Date and time in the locale's way, for people reading mail anywhere: in UTC, and saying so. */
export const mailDate = (iso: string, locale: Locale): string => mailDateFormat(locale).format(new Date(iso)) + ' UTC';

// One formatter per locale for the life of the process: a new Intl.DateTimeFormat per mail
// grew the server's memory by some 300 MB in the 60 s soak (ICU's native objects).
const mailDateFormats = new Map<Locale, Intl.DateTimeFormat>();
function mailDateFormat(locale: Locale): Intl.DateTimeFormat {
  let formatter = mailDateFormats.get(locale);
  if (!formatter) mailDateFormats.set(locale, (formatter = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' })));
  return formatter;
}
