// Bundles the invitation page and the admin console (src/web) into dist/web with esbuild:
// content-hashed assets (served with a one-year immutable cache) and the HTML pages with
// their asset names filled in.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/web');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });

// The pages' client needs of the operation table only how each call maps onto HTTP: the
// documentation text stays out of the bundles (tsc has built dist/ before this runs).
const { RESOURCES } = await import(join(root, 'dist/src/contract/operations.js'));
const routing = Object.fromEntries(
  Object.entries(RESOURCES)
    .filter(([, resource]) => resource.client !== false)
    .map(([name, { actions }]) => [
      name,
      { actions: Object.fromEntries(Object.entries(actions).map(([action, { method, path, query, body }]) => [action, { method, path, query, body }])) },
    ]),
);
const routingOnly = {
  name: 'operation-routing-only',
  setup(bundler) {
    bundler.onLoad({ filter: /src[\\/]contract[\\/]operations\.ts$/ }, () => ({ contents: `export const RESOURCES = ${JSON.stringify(routing)};`, loader: 'js' }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/web/accept.ts', 'src/web/join.ts', 'src/web/admin.ts', 'src/web/style.css'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  entryNames: '[name]-[hash]',
  // What a page loads only when needed (the console's CSV parser) goes in chunks of its own.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  outdir: join(out, 'assets'),
  metafile: true,
  logLevel: 'warning',
  plugins: [routingOnly],
});

// "accept.js" -> "accept-3F2A….js", from the entry point each output came from.
const assets = {};
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint) continue;
  const name = basename(meta.entryPoint).replace(/\.ts$/, '.js');
  assets[name] = basename(file);
}
for (const page of ['accept.html', 'join.html', 'admin.html']) {
  const html = readFileSync(join(root, 'src/web', page), 'utf8').replace(/\{\{([\w.]+)\}\}/g, (_, name) => {
    if (!assets[name]) throw new Error(`${page} names an unknown asset ${name}`);
    return `/assets/${assets[name]}`;
  });
  writeFileSync(join(out, page), html);
}
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(assets, null, 2)}\n`);
