import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { RESOURCES } from '../../src/contract/operations.js';

/**
 * The client's methods are typed from the operation table, where their documentation is
 * written: what an editor shows on hover is checked here, with TypeScript's own language
 * service, for every method the client has.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBE = `${ROOT}test/client/hover-probe.ts`;

const calls = Object.entries(RESOURCES).flatMap(([resource, about]) =>
  'client' in about ? [] : Object.keys(about.actions).map((action) => `${resource}.${action}`),
);
const probe = [
  "import { createClient } from '../../client/src/index.js';",
  "const client = createClient({ url: 'http://127.0.0.1:3000' });",
  ...calls.map((call) => `client.${call};`),
].join('\n');

/** One language service over the probe: building its program is the slow part. */
function languageService(): ts.LanguageService {
  const config = ts.getParsedCommandLineOfConfigFile(`${ROOT}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const read = (file: string) => (file === PROBE ? probe : ts.sys.readFile(file));
  return ts.createLanguageService({
    getScriptFileNames: () => [PROBE],
    getScriptVersion: () => '1',
    getScriptSnapshot: (file) => {
      const text = read(file) ?? (ts.sys.fileExists(file) ? readFileSync(file, 'utf8') : undefined);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => ROOT,
    getCompilationSettings: () => config.options,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (file) => file === PROBE || ts.sys.fileExists(file),
    readFile: read,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  });
}

let service: ts.LanguageService | undefined;
function hover(call: string): { text: string; examples: string[] } {
  service ??= languageService();
  const info = service.getQuickInfoAtPosition(PROBE, probe.indexOf(`client.${call};`) + `client.${call}`.length - 1);
  return {
    text: ts.displayPartsToString(info?.documentation),
    examples: (info?.tags ?? []).filter((t) => t.name === 'example').map((t) => ts.displayPartsToString(t.text)),
  };
}

describe('the client documentation', () => {
  it.each(calls)('%s shows a description and an example that calls it', (call) => {
    const { text, examples } = hover(call);
    expect(text.length, call).toBeGreaterThan(20);
    expect(examples.length, call).toBeGreaterThan(0);
    expect(examples.join('\n')).toContain(`client.${call}(`);
  });
});
