import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOCALES, type Locale } from '../../contract/canonical.js';
import { AppError, notFound, UnusableLink } from '../../domain/errors.js';
import type { OrgRecord } from '../../domain/records.js';
import { escapeHtml } from '../../domain/text.js';
import type { PageBrand } from '../../contract/branding.js';
import { localeOfAcceptLanguage, MESSAGES, type MessageKey } from '../../i18n/messages.js';
import { PACKAGE_ROOT } from '../../paths.js';
import type { RoutePlugin } from './shared.js';

/** Built by `npm run build` (scripts/build-web.mjs) from src/web. */
const WEB_DIR = join(PACKAGE_ROOT, 'dist/web');

/**
 * No inline script or style, nothing from elsewhere, no forms posting away, no framing: the
 * pages hold an invite token or an API token, and a strict policy keeps an injected string inert.
 */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The words of the pages' HTML (what shows before the script runs, and without it). */
const STATIC_WORDS: MessageKey[] = ['acceptTitle', 'acceptLoading', 'acceptNoScript', 'joinTitle', 'joinLoading', 'joinNoScript'];

/** The page in `locale`: its `<html lang>` (which the script reads too) and its static words. */
function localized(html: string, locale: Locale): string {
  let out = html.replace('<html lang="en">', `<html lang="${locale}">`);
  for (const key of STATIC_WORDS) out = out.replaceAll(MESSAGES.en[key], MESSAGES[locale][key]);
  return out;
}


/**
 * The page wearing the org's branding: the product in its title, the logo above the words
 * (both there before any script runs), and the rest as JSON in a `<meta>` for the script (an
 * escaped attribute, not an inline script, which the policy forbids).
 */
function branded(html: string, brand: PageBrand | null): string {
  if (!brand) return html;
  const product = brand.productName ? escapeHtml(brand.productName) : null;
  const logo = brand.logoUrl ? `<img class="brand-logo" src="${escapeHtml(brand.logoUrl)}" alt="${product ?? escapeHtml(brand.orgName)}">` : '';
  const data = `<meta name="gatehouse-brand" content="${escapeHtml(JSON.stringify(brand))}">`;
  return html
    .replace(' · Gatehouse</title>', product ? ` · ${product}</title>` : ' · Gatehouse</title>')
    .replace('</head>', `  ${data}\n</head>`)
    .replace('<main class="card narrow" id="page">', `<main class="card narrow" id="page">${logo}`);
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** The invitation page, the admin console and their assets, all held in memory from the start. */
export const webRoutes: RoutePlugin = async (app, { services: { invitations, joinLinks, brandings, limiter } }) => {
  if (!existsSync(join(WEB_DIR, 'manifest.json'))) {
    throw new Error(`The web pages are not built (${WEB_DIR} is missing): run npm run build`);
  }
  const inLocales = (file: string) => {
    const html = readFileSync(join(WEB_DIR, file), 'utf8');
    return Object.fromEntries(LOCALES.map((locale) => [locale, localized(html, locale)])) as Record<Locale, string>;
  };
  const pages = { accept: inLocales('accept.html'), join: inLocales('join.html'), admin: readFileSync(join(WEB_DIR, 'admin.html'), 'utf8') };
  const assets = new Map(readdirSync(join(WEB_DIR, 'assets')).map((file) => [file, readFileSync(join(WEB_DIR, 'assets', file))]));

  const page = (reply: FastifyReply, html: string) =>
    reply.header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8').send(html);
  /** A public page in the reader's language, by the request's Accept-Language, in the org's branding. */
  const inTheirLanguage = async (req: FastifyRequest, reply: FastifyReply, versions: Record<Locale, string>, org: OrgRecord | null) => {
    const locale = localeOfAcceptLanguage(req.headers['accept-language']);
    const brand = org ? { orgName: org.name, ...(await brandings.effective(org.instanceId, org.id)) } : null;
    return page(reply.header('content-language', locale).header('vary', 'Accept-Language'), branded(versions[locale], brand));
  };

  // The accept URL carries the invite token: never stored (the global no-store applies). The
  // page looks the link up only to name the org and wear its branding, under the public API's
  // limits: an unknown link counts as a guess, as it would at GET /invites.
  app.get('/accept', { schema: { hide: true } }, async (req, reply) => {
    const { token, email } = req.query as Record<string, unknown>;
    let org: OrgRecord | null = null;
    if (typeof token === 'string' && typeof email === 'string' && token.length <= 256 && email.length <= 1024) {
      await limiter.publicAddress(req.ip);
      try {
        org = await invitations.linkOrg(token, email);
      } catch (error) {
        if (!(error instanceof UnusableLink)) throw error;
        await limiter.failedLink(req.ip, email, error.unknown);
      }
    }
    return inTheirLanguage(req, reply, pages.accept, org);
  });
  // The join page answers with the link's state as its status (404 unusable, 410 expired), so
  // link checkers and people alike see a dead link as one; its script shows the words. Like the
  // public API it is rate-limited per address, and an unknown code counts as a guess.
  app.get(
    '/join/:code',
    { schema: { hide: true, params: Type.Object({ code: Type.String({ maxLength: 256 }) }) } },
    async (req, reply) => {
      await limiter.publicAddress(req.ip);
      let status = 200;
      try {
        await joinLinks.info(req.params.code);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.code === 'join_link_invalid') {
          const refusal = await limiter.failedLink(req.ip, null, true);
          if (refusal) throw refusal;
        }
        status = error.type === 'Gone' ? 410 : 404;
      }
      return inTheirLanguage(req, reply.code(status), pages.join, await joinLinks.codeOrg(req.params.code));
    },
  );
  // The console's HTML names the current asset versions, so it is revalidated on every load.
  app.get('/admin', { schema: { hide: true } }, async (_req, reply) => page(reply.header('cache-control', 'no-cache'), pages.admin));
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/admin'));

  app.get(
    '/assets/:file',
    { schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 100 }) }) } },
    async (req, reply) => {
      const body = assets.get(req.params.file);
      if (!body) throw notFound('Asset');
      // Names carry a content hash: a changed file is a new name, so the old one may be kept for good.
      return reply.header('cache-control', 'public, max-age=31536000, immutable').type(TYPES[extname(req.params.file)] ?? 'application/octet-stream').send(body);
    },
  );
};
