import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * The reference page at /docs: Swagger UI, served from its npm package (nothing is fetched from
 * elsewhere), under Gatehouse's name. Swagger UI's own top bar is left out (BaseLayout rather
 * than StandaloneLayout): its logo is an inline SVG holding a <style> element, which the page's
 * policy (no inline styles) refuses on every load, the plugin's stand-in for it is Fastify's
 * logo, and its box for loading another document has no use here. Gatehouse's bar takes its
 * place, built by a script of ours (the policy allows no inline script).
 */

const DOCS_PREFIX = '/docs';

/** Gatehouse's mark, a gate: the page's icon and the top bar's logo. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">
<rect width="32" height="32" rx="6" fill="#0b57d0"/>
<path d="M7 27V14a9 9 0 0 1 18 0v13" fill="none" stroke="#fff" stroke-width="2.5"/>
<path d="M12 27V15m4 12V13m4 14V15" stroke="#fff" stroke-width="2"/>
</svg>
`;

/** The top bar, put before Swagger UI's root when the page's scripts run (before it renders). */
const BAR_SCRIPT = `(function () {
  // Beside this script (the page may be served below a proxy's path prefix).
  var here = document.currentScript.src;
  var bar = document.createElement('header');
  bar.className = 'gatehouse-bar';
  var inner = document.createElement('div');
  inner.className = 'gatehouse-bar__inner';
  var logo = document.createElement('img');
  logo.src = new URL('gatehouse.svg', here).href;
  logo.alt = '';
  logo.width = 32;
  logo.height = 32;
  var name = document.createElement('span');
  name.textContent = 'Gatehouse API';
  inner.append(logo, name);
  bar.append(inner);
  document.body.prepend(bar);
})();
`;

/** The bar as Swagger UI's own looked (its width and padding), in the console's colours. */
const BAR_STYLE = `.gatehouse-bar { background: #1b1f24; color: #ffffff; padding: 10px 0; }
.gatehouse-bar__inner { box-sizing: border-box; max-width: 1460px; margin: 0 auto; padding: 0 20px; display: flex; align-items: center; gap: 10px;
  font: 700 1.5em system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }
`;

export async function registerDocsPage(app: FastifyInstance): Promise<void> {
  // The plugin redirects its index.html to the page by rewriting a URL that ends in
  // index.html, so one with a query string redirected to itself for ever: send every
  // spelling once to the page.
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url === `${DOCS_PREFIX}/static/index.html`) return reply.redirect(`${DOCS_PREFIX}/`);
  });
  // Its files are the package's (and ours) and never secret: revalidated (ETag) rather than never stored.
  app.addHook('onSend', async (request, reply) => {
    const fresh = reply.statusCode === 200 || reply.statusCode === 304;
    if (fresh && request.url.startsWith(`${DOCS_PREFIX}/static/`)) reply.header('cache-control', 'no-cache');
  });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    theme: {
      title: 'Gatehouse API',
      css: [{ filename: 'gatehouse.css', content: BAR_STYLE }],
      js: [{ filename: 'gatehouse.js', content: BAR_SCRIPT }],
      favicon: [{ filename: 'gatehouse.svg', rel: 'icon', type: 'image/svg+xml', sizes: 'any', content: LOGO }],
    },
    // Not shown with BaseLayout; given so that the plugin's default, Fastify's logo, never is.
    logo: { type: 'image/svg+xml', content: LOGO },
    uiConfig: { layout: 'BaseLayout', deepLinking: true, displayOperationId: true, defaultModelsExpandDepth: 1 },
    // The plugin's default policy allows https: styles and fonts and upgrades requests to https;
    // the service is often reached over plain http, and every file comes from here.
    staticCSP:
      "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self' data:; form-action 'self'; " +
      "frame-ancestors 'none'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self'",
  });
}
