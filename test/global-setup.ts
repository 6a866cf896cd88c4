/**
 * Vitest global set-up, run once per `vitest run` before any test file: builds dist/ (which the
 * end-to-end tests run as `node bin/gatehouse.js`) when it is missing or a source file is newer.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export default function setup(): void {
  // The build compiles src/ and client/src/ (the CLI uses the client).
  const newestSource = Math.max(
    ...['src', 'client/src'].flatMap((folder) =>
      readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => statSync(join(ROOT, folder, f)).mtimeMs),
    ),
  );
  const built = statSync(join(ROOT, 'dist/src/cli/main.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built >= newestSource) return;
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`building dist/ failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}):\n${result.stdout}${result.stderr}`);
  }
}
