import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, which .ci/run installs; the browser suites skip loudly without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const BROWSER_SKIPPED = existsSync(CHROMIUM) ? null : `no browser at ${CHROMIUM} (Debian package "chromium")`;

/** Headless Chromium with the flags this closed network needs (no background connections). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
