/**
 * Server logs kept out of the test output: every server a test starts (an in-process harness,
 * a `gatehouse serve` child) registers where its log text is, and test/setup.ts prints what a
 * server logged during a test only when that test fails.
 */
import type { TestContext } from 'vitest';

interface Source {
  name: string;
  text(): string;
  /** The length of the text when the current test began (0 for a source that began during it). */
  mark: number;
  /** Set once the server is gone: the source is dropped before the next test. */
  closed: boolean;
}

const sources = new Set<Source>();
let nextId = 0;

/** Registers a server's log; call the returned function once the server is closed. */
export function trackServerLog(name: string, text: () => string): () => void {
  const source: Source = { name: `${name} #${++nextId}`, text, mark: 0, closed: false };
  sources.add(source);
  return () => {
    source.closed = true;
  };
}

/** For test/setup.ts: marks where each log stands as a test begins, and prints the new part if it fails. */
export function showServerLogsOnFailure(onTestFailed: TestContext['onTestFailed']): void {
  for (const source of sources) {
    if (source.closed) sources.delete(source);
    else source.mark = source.text().length;
  }
  onTestFailed(() => {
    for (const source of sources) {
      const logged = source.text().slice(source.mark);
      if (!logged) continue;
      // The tail is what led up to the failure; a long log is cut from the front.
      const shown = logged.length > 20_000 ? `… (${logged.length - 20_000} characters before)\n${logged.slice(-20_000)}` : logged;
      // console.error: vitest labels it with the failing test's name.
      console.error(`--- server log of ${source.name} during the failed test ---\n${shown.replace(/\n$/, '')}\n--- end of ${source.name} ---`);
    }
  });
}
