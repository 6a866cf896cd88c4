/**
 * Vitest global set-up, run once per `vitest run` before any test file: builds dist/ (which the
 * end-to-end tests run as `node bin/gatehouse.js`, and from which the server serves its web
 * pages) when it is missing or a source file is newer: the same steps as `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['src', 'client/src', 'scripts'];
const OUTPUTS = ['dist/src/cli/main.js', 'dist/web/manifest.json'];
const STEPS = [
  ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'],
  ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.web.json'],
  ['scripts/build-web.mjs'],
];

export default function setup(): void {
  const newestSource = Math.max(
    ...SOURCES.flatMap((folder) =>
      readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
        .filter((f) => /\.(ts|mjs|html|css)$/.test(f))
        .map((f) => statSync(join(ROOT, folder, f)).mtimeMs),
    ),
  );
  const built = Math.min(...OUTPUTS.map((f) => statSync(join(ROOT, f), { throwIfNoEntry: false })?.mtimeMs ?? 0));
  if (built >= newestSource) return;
  for (const [script, ...args] of STEPS) {
    const result = spawnSync(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`building dist/ failed at ${script} (${result.error?.message ?? `exit ${result.status ?? result.signal}`}):\n${result.stdout}${result.stderr}`);
    }
  }
}
