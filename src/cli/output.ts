import { ConfigError, loadConfig, StartupError } from '../config.js';
import { AppError } from '../domain/errors.js';
import type { Admin } from '../domain/admin.js';
import { admin } from './open.js';

export interface JsonOption {
  json?: boolean;
}

/** Prints a command's result: one JSON object with --json, readable lines otherwise. */
export function print(options: JsonOption, result: object, human: string): void {
  process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${human}\n`);
}

/** Runs a set-up command against the configured database, reporting errors without a stack. */
export function setupAction<A extends unknown[]>(run: (admin: Admin, ...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    let opened: Awaited<ReturnType<typeof admin>> | undefined;
    try {
      opened = await admin(loadConfig());
      await run(opened.admin, ...args);
    } catch (error) {
      fail(error);
    } finally {
      await opened?.close();
    }
  };
}

export function fail(error: unknown): never {
  if (error instanceof AppError || error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`gatehouse: ${error.message}\n`);
  } else {
    process.stderr.write(`gatehouse: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}
