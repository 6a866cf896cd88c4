import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComposeInviteMail } from '../domain/context.js';
import { escapeHtml, personLabel } from '../domain/text.js';
import { PACKAGE_ROOT } from '../paths.js';
import { LOCALES, type Locale } from '../contract/canonical.js';
import { DEFAULT_ACCENT, inkOn } from '../contract/colors.js';
import { format, isLocale, mailDate, MESSAGES, splitMessage, type MessageKey } from '../i18n/messages.js';

/** The built-in templates, shipped in the package's templates/mail. */
const BUILT_IN = join(PACKAGE_ROOT, 'templates/mail');
/** The invitation, and the confirmation a join link sends (`join.*`). */
const KINDS = ['invite', 'join'] as const;


/** Fills `{{name}}` placeholders; unknown names become empty. */
const fill = (template: string, values: Record<string, string>) => template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => values[name] ?? '');

const absolute = (publicUrl: string, path: string) => new URL(path, publicUrl).toString();

/** `<public url>/accept?token=…&email=…`, the link format every invite mail carries. */
function acceptLink(publicUrl: string, token: string, email: string): string {
  const url = new URL('accept', publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`);
  url.searchParams.set('token', token);
  url.searchParams.set('email', email);
  return url.toString();
}


/** The words each kind of mail takes from the messages, by template placeholder. */
const WORDS = {
  invite: { subject: 'mailInviteSubject', intro: 'mailInviteIntro', action: 'mailInviteAction', open: 'mailInviteOpen', expiry: 'mailInviteExpiry', ignore: 'mailInviteIgnore' },
  join: { subject: 'mailJoinSubject', intro: 'mailJoinIntro', action: 'mailJoinAction', open: 'mailJoinOpen', expiry: 'mailJoinExpiry', ignore: 'mailJoinIgnore' },
} as const satisfies Record<(typeof KINDS)[number], Record<string, MessageKey>>;

/** How each language quotes a name in running text: the plain-text part marks the org and the role so. */
const QUOTES: Record<Locale, [string, string]> = { en: ['"', '"'], de: ['„', '“'], fr: ['« ', ' »'], es: ['«', '»'], 'pt-BR': ['“', '”'], ja: ['「', '」'] };

type TemplateSet = { subject: string; text: string; html: string };

/** The mail's language: the invite's (asked for, or the join request's page), else the org's, else English. */
export const mailLocale = (invite: { locale: string | null }, org: { locale: string | null }): Locale =>
  isLocale(invite.locale) ? invite.locale : isLocale(org.locale) ? org.locale : 'en';

/**
 * The invitation mail from templates: the built-in ones, each replaceable by a file of the
 * same name in `overrides` (GATEHOUSE_MAIL_TEMPLATES), or per language by one named with the
 * language (`invite.de.html` before `invite.html`). Read once, at start. Every value is
 * HTML-escaped in the HTML part, and the subject cannot carry a line break into the header.
 * The words come from the messages (`{{intro}}`, `{{action}}`, …) in the mail's language, so
 * one template serves every language; the bare values (`{{orgName}}`, `{{expires}}`, …) stay
 * for templates written before.
 */
export function inviteMailComposer(publicUrl: () => string, overrides: string | null = null): ComposeInviteMail {
  const load = (file: string, locale: Locale) => {
    // invite.subject.txt -> invite.de.subject.txt
    const named = file.replace(/^(\w+)\./, `$1.${locale}.`);
    for (const candidate of overrides ? [join(overrides, named), join(overrides, file)] : []) {
      if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
    }
    return readFileSync(join(BUILT_IN, file), 'utf8');
  };
  const sets = Object.fromEntries(
    LOCALES.map((locale) => [
      locale,
      Object.fromEntries(
        KINDS.map((kind) => [kind, { subject: load(`${kind}.subject.txt`, locale), text: load(`${kind}.txt`, locale), html: load(`${kind}.html`, locale) }]),
      ),
    ]),
  ) as Record<Locale, Record<(typeof KINDS)[number], TemplateSet>>;
  return ({ org, invite, token, inviter, branding }) => {
    const locale = mailLocale(invite, org);
    const kind = invite.joinLinkId ? 'join' : 'invite';
    const templates = sets[locale][kind];
    const messages = MESSAGES[locale];
    const values: Record<string, string> = {
      lang: locale,
      orgName: org.name,
      role: invite.role,
      email: invite.email,
      inviter: inviter ? personLabel(inviter) : messages.mailAnAdministrator,
      expires: mailDate(invite.expiresAt, locale),
      link: acceptLink(publicUrl(), token, invite.email),
      productName: branding.productName ?? '',
      logoUrl: branding.logoUrl ? absolute(publicUrl(), branding.logoUrl) : '',
      accentColor: branding.accentColor ?? DEFAULT_ACCENT,
      accentInk: inkOn(branding.accentColor ?? DEFAULT_ACCENT),
    };
    // Each message's placeholders, by the names the templates know the values by.
    const named: Record<string, string> = { org: values.orgName, role: values.role, inviter: values.inviter, date: values.expires, email: values.email };
    const text: Record<string, string> = { ...values };
    const html: Record<string, string> = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, escapeHtml(v)]));
    // The brand above the words: the logo (named by the product, for readers that block images), else the name.
    html.brand = values.logoUrl
      ? `<p><img src="${html.logoUrl}" alt="${html.productName || html.orgName}" height="48" style="max-height:48px;max-width:240px"></p>`
      : values.productName ? `<p style="font-size:1.25em"><strong>${html.productName}</strong></p>` : '';
    text.brand = values.productName ? `${values.productName}\n\n` : '';
    for (const [slot, key] of Object.entries(WORDS[kind])) {
      const [open, close] = QUOTES[locale];
      const quoted = slot === 'subject' ? named : { ...named, org: `${open}${named.org}${close}`, role: `${open}${named.role}${close}` };
      text[slot] = format(messages[key], quoted);
      // The org and the role stand out in the HTML part, as they did in the English-only mail.
      html[slot] = splitMessage(escapeHtml(messages[key]), (name) =>
        name === 'org' || name === 'role' ? `<strong>${escapeHtml(named[name] ?? '')}</strong>` : escapeHtml(named[name] ?? ''),
      ).join('');
    }
    return {
      to: invite.email,
      subject: fill(templates.subject, text).replace(/\s+/g, ' ').trim(),
      text: fill(templates.text, text),
      html: fill(templates.html, html),
    };
  };
}
