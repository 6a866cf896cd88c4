import { ConfigError, loadConfig } from '../config.js';
import { AppError } from '../domain/errors.js';
import type { Operator } from '../domain/operator.js';
import { StartupError } from '../domain/startup-error.js';

export interface JsonOption {
  json?: boolean;
}

/** Prints a command's result: one JSON object with --json, readable lines otherwise. */
export function print(options: JsonOption, result: object, human: string): void {
  process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${human}\n`);
}

/** Runs a set-up command against the configured database, reporting errors without a stack. */
export function setupAction<A extends unknown[]>(run: (operator: Operator, ...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    let opened: Awaited<ReturnType<typeof import('./open.js').openOperator>> | undefined;
    try {
      // Loaded here, not at the top: commands that talk to a server start without the store.
      const { openOperator } = await import('./open.js');
      opened = await openOperator(loadConfig());
      await run(opened.operator, ...args);
    } catch (error) {
      fail(error);
    } finally {
      await opened?.close();
    }
  };
}

/** Prints one line to stderr and exits 1; a stack only for errors nobody foresaw (bugs). */
export function fail(error: unknown, withStack = true): never {
  const known = !withStack || error instanceof AppError || error instanceof ConfigError || error instanceof StartupError;
  const text = error instanceof Error ? (known ? error.message : (error.stack ?? error.message)) : String(error);
  process.stderr.write(`gatehouse: ${text}\n`);
  process.exit(1);
}
