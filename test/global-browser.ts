/**
 * Vitest global set-up: the browser suites drive Debian's chromium. When it is missing and the
 * run has root (CI machines), it is installed here with apt-get; otherwise, or when that fails,
 * the browser suites skip themselves loudly (test/helpers/browser.ts) and this says why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM } from './helpers/browser.js';

export function setup(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() === 0) {
    process.stderr.write(`\n*** ${CHROMIUM} is missing: installing Debian's chromium with apt-get ***\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'ignore', env });
  }
  if (!existsSync(CHROMIUM)) process.stderr.write(`\n*** SKIPPED: browser suites will not run: no browser at ${CHROMIUM} (Debian package "chromium") ***\n\n`);
}
