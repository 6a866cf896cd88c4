import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComposeInviteMail } from '../domain/context.js';
import { personLabel } from '../domain/text.js';
import { PACKAGE_ROOT } from '../paths.js';

/** The built-in templates, shipped in the package's templates/mail. */
const BUILT_IN = join(PACKAGE_ROOT, 'templates/mail');
/** The invitation, and the confirmation a join link sends (`join.*`). */
const KINDS = ['invite', 'join'] as const;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

/** Fills `{{name}}` placeholders; unknown names become empty. */
const fill = (template: string, values: Record<string, string>, escape: (s: string) => string = (s) => s) =>
  template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => escape(values[name] ?? ''));

/** `<public url>/accept?token=…&email=…`, the link format every invite mail carries. */
function acceptLink(publicUrl: string, token: string, email: string): string {
  const url = new URL('accept', publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`);
  url.searchParams.set('token', token);
  url.searchParams.set('email', email);
  return url.toString();
}


/**
 * The invitation mail from templates: the built-in ones, each replaceable by a file of the
 * same name in `overrides` (GATEHOUSE_MAIL_TEMPLATES). Read once, at start. Every value is
 * HTML-escaped in the HTML part, and the subject cannot carry a line break into the header.
 */
export function inviteMailComposer(publicUrl: () => string, overrides: string | null = null): ComposeInviteMail {
  const load = (file: string) => {
    const custom = overrides ? join(overrides, file) : null;
    return readFileSync(custom && existsSync(custom) ? custom : join(BUILT_IN, file), 'utf8');
  };
  const sets = Object.fromEntries(
    KINDS.map((kind) => [kind, { subject: load(`${kind}.subject.txt`), text: load(`${kind}.txt`), html: load(`${kind}.html`) }]),
  ) as Record<(typeof KINDS)[number], { subject: string; text: string; html: string }>;
  return ({ org, invite, token, inviter }) => {
    const templates = sets[invite.joinLinkId ? 'join' : 'invite'];
    const values = {
      orgName: org.name,
      role: invite.role,
      email: invite.email,
      inviter: inviter ? personLabel(inviter) : 'An administrator',
      expires: new Date(Date.parse(invite.expiresAt)).toUTCString(),
      link: acceptLink(publicUrl(), token, invite.email),
    };
    return {
      to: invite.email,
      subject: fill(templates.subject, values).replace(/\s+/g, ' ').trim(),
      text: fill(templates.text, values),
      html: fill(templates.html, values, escapeHtml),
    };
  };
}
