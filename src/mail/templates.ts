import type { ComposeInviteMail } from '../domain/context.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

/** `<public url>/accept?token=…&email=…`, the link format every invite mail carries. */
export function acceptLink(publicUrl: string, token: string, email: string): string {
  const url = new URL('accept', publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`);
  url.searchParams.set('token', token);
  url.searchParams.set('email', email);
  return url.toString();
}

/** The invitation mail, in plain text and HTML; every inserted value is escaped in the HTML. */
export function inviteMailComposer(publicUrl: () => string): ComposeInviteMail {
  return ({ org, invite, token }) => {
    const link = acceptLink(publicUrl(), token, invite.email);
    const expires = new Date(Date.parse(invite.expiresAt)).toUTCString();
    const subject = `You are invited to join ${org.name}`.replace(/[\r\n]+/g, ' ');
    const text = [
      `You have been invited to join the organization "${org.name}" with the role "${invite.role}".`,
      '',
      'Open this link to accept or decline the invitation:',
      link,
      '',
      `The invitation expires on ${expires}.`,
      'If you did not expect this invitation, you can ignore this message.',
    ].join('\n');
    const html = [
      '<!doctype html><html><body>',
      `<p>You have been invited to join the organization <strong>${escapeHtml(org.name)}</strong> with the role <strong>${escapeHtml(invite.role)}</strong>.</p>`,
      `<p><a href="${escapeHtml(link)}">Accept or decline the invitation</a></p>`,
      `<p>The invitation expires on ${escapeHtml(expires)}.</p>`,
      '<p>If you did not expect this invitation, you can ignore this message.</p>',
      '</body></html>',
    ].join('\n');
    return { to: invite.email, subject, text, html };
  };
}
