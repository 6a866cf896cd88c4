/**
 * The invitation mail in the invitee's language, read back as delivered over real SMTP: the
 * invite's `locale`, else the org's, else English; a join confirmation in the language of the
 * page that asked; an unknown language refused before anything exists.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';
import { joinCode } from '../helpers/routes.js';
import { TestSmtpServer } from '../helpers/smtp.js';

let h: Harness | undefined;
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await h?.close();
  await smtp?.stop();
  h = smtp = undefined;
});

async function withSmtp(mailTemplates?: string) {
  smtp = new TestSmtpServer();
  const port = await smtp.start();
  h = await startHarness({ mail: `smtp://127.0.0.1:${port}?tls.rejectUnauthorized=false`, inviteTtl: '2d', mailTemplates });
  return { h, smtp };
}

const invitesUrl = (x: Harness) => `/instances/${x.instanceId}/orgs/${x.orgId}/invites`;

async function delivered(x: Harness, server: TestSmtpServer, to: string) {
  await x.gh.worker.drain();
  const mail = server.messages.find((m) => JSON.stringify(m.to).includes(to));
  if (!mail) throw new Error(`no mail to ${to}`);
  return mail;
}

describe('mail languages', () => {
  it("an invite with locale 'fr' is mailed in French, with a French date and Content-Language: fr", async () => {
    const { h, smtp } = await withSmtp();
    const res = await h.request({ method: 'POST', url: invitesUrl(h), token: h.tokens.admin, body: { email: 'amelie@example.com', role: 'view', locale: 'fr' } });
    expect(res.status).toBe(201);
    const mail = await delivered(h, smtp, 'amelie@example.com');
    expect(mail.subject).toBe('Vous êtes invité à rejoindre Acme');
    expect(mail.text).toContain('vous invite à rejoindre l’organisation « Acme » avec le rôle « view ».');
    expect(mail.text).toContain('Ouvrez ce lien pour accepter ou refuser l’invitation :');
    const expires = new Date(h.now().getTime() + 2 * 86_400_000);
    const month = new Intl.DateTimeFormat('fr', { month: 'long', timeZone: 'UTC' }).format(expires);
    expect(month).toMatch(/^[a-zéû]+$/);
    expect(mail.text).toContain(`L’invitation expire le ${expires.getUTCDate()} ${month} ${expires.getUTCFullYear()}`);
    expect(mail.html).toContain('<html lang="fr">');
    expect(mail.html).toContain('<strong>Acme</strong>');
    expect(mail.html).toContain('>Accepter ou refuser l’invitation</a>');
    expect(mail.headers.get('content-language')).toBe('fr');
  });

  it("without a locale the org's language is used, and the invite's wins over it", async () => {
    const { h, smtp } = await withSmtp();
    await h.gh.store.updateOrg(h.orgId, { locale: 'de' });
    expect((await h.request({ method: 'POST', url: invitesUrl(h), token: h.tokens.admin, body: { email: 'jonas@example.com', role: 'edit' } })).status).toBe(201);
    const german = await delivered(h, smtp, 'jonas@example.com');
    expect(german.subject).toBe('Einladung zu Acme');
    expect(german.text).toContain('Ein Administrator hat Sie eingeladen, der Organisation „Acme“ mit der Rolle „edit“ beizutreten.');
    expect(german.headers.get('content-language')).toBe('de');

    expect((await h.request({ method: 'POST', url: invitesUrl(h), token: h.tokens.admin, body: { email: 'yuki@example.com', role: 'edit', locale: 'ja' } })).status).toBe(201);
    const japanese = await delivered(h, smtp, 'yuki@example.com');
    expect(japanese.subject).toBe('Acme への招待');
    expect(japanese.text).toMatch(/この招待の有効期限は \d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d\d UTC です。/);
    expect(japanese.headers.get('content-language')).toBe('ja');
  });

  it('a join confirmation speaks the language of the page that asked, else the org’s', async () => {
    const { h, smtp } = await withSmtp();
    const link = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs/${h.orgId}/join-links`, token: h.tokens.admin, body: { role: 'view' } });
    expect(link.status).toBe(201);
    const code = joinCode(link.body);
    const asked = await h.request({ method: 'POST', url: '/join', body: { code, email: 'lucia@example.com' }, headers: { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' } });
    expect(asked.status).toBe(200);
    const spanish = await delivered(h, smtp, 'lucia@example.com');
    expect(spanish.subject).toBe('Confirma tu correo para unirte a Acme');
    expect(spanish.text).toContain('Abre este enlace para confirmar y unirte:');
    expect(spanish.headers.get('content-language')).toBe('es');
    // Asking again from a Japanese page: the new confirmation is in Japanese.
    smtp.messages.length = 0;
    expect((await h.request({ method: 'POST', url: '/join', body: { code, email: 'lucia@example.com' }, headers: { 'accept-language': 'ja' } })).status).toBe(200);
    expect((await delivered(h, smtp, 'lucia@example.com')).subject).toBe('Acme に参加するためにメールアドレスを確認してください');

    await h.gh.store.updateOrg(h.orgId, { locale: 'pt-BR' });
    expect((await h.request({ method: 'POST', url: '/join', body: { code, email: 'joao@example.com' }, headers: { 'accept-language': 'nl' } })).status).toBe(200);
    const portuguese = await delivered(h, smtp, 'joao@example.com');
    expect(portuguese.subject).toBe('Confirme seu e-mail para entrar em Acme');
    expect(portuguese.headers.get('content-language')).toBe('pt-BR');
  });

  it('an unknown locale is a 400 naming the languages there are, and nothing is created', async () => {
    const { h, smtp } = await withSmtp();
    const before = await h.snapshot();
    const res = await h.request({ method: 'POST', url: invitesUrl(h), token: h.tokens.admin, body: { email: 'klingon@example.com', role: 'view', locale: 'tlh' } });
    expect(res.status).toBe(400);
    for (const locale of ['en', 'de', 'fr', 'es', 'pt-BR', 'ja']) expect(res.body.message).toContain(locale);
    expect(res.body.message).toMatch(/locale/);
    expect(await h.snapshot()).toBe(before);
    await h.gh.worker.drain();
    expect(smtp.messages).toHaveLength(0);
  });

  it('an operator template named for a language serves that language; the single one every other', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-templates-'));
    await writeFile(join(dir, 'invite.de.subject.txt'), 'Servus, {{orgName}} lädt ein\n');
    await writeFile(join(dir, 'invite.subject.txt'), '{{subject}} (custom)\n');
    try {
      const { h, smtp } = await withSmtp(dir);
      await h.request({ method: 'POST', url: invitesUrl(h), token: h.tokens.admin, body: { email: 'sepp@example.com', role: 'view', locale: 'de' } });
      await h.request({ method: 'POST', url: invitesUrl(h), token: h.tokens.admin, body: { email: 'ines@example.com', role: 'view', locale: 'es' } });
      expect((await delivered(h, smtp, 'sepp@example.com')).subject).toBe('Servus, Acme lädt ein');
      expect((await delivered(h, smtp, 'ines@example.com')).subject).toBe('Te invitan a unirte a Acme (custom)');
      // The parts without an override are the built-in ones, in the mail's language.
      expect((await delivered(h, smtp, 'sepp@example.com')).text).toContain('Öffnen Sie diesen Link');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
