import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOCALES, type Locale } from '../../contract/canonical.js';
import { AppError, notFound } from '../../domain/errors.js';
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

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** The invitation page, the admin console and their assets, all held in memory from the start. */
export const webRoutes: RoutePlugin = async (app, { services: { joinLinks, limiter } }) => {
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
  /** A public page in the reader's language, by the request's Accept-Language. */
  const inTheirLanguage = (req: FastifyRequest, reply: FastifyReply, versions: Record<Locale, string>) => {
    const locale = localeOfAcceptLanguage(req.headers['accept-language']);
    return page(reply.header('content-language', locale).header('vary', 'Accept-Language'), versions[locale]);
  };

  // The accept URL carries the invite token: never stored (the global no-store applies).
  app.get('/accept', { schema: { hide: true } }, async (req, reply) => inTheirLanguage(req, reply, pages.accept));
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
      return inTheirLanguage(req, reply.code(status), pages.join);
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
