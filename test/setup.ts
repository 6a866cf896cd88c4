/**
 * Vitest set-up file, run in every test file: the logs of the servers a test started stay out of
 * the output, unless the test fails (test/helpers/server-logs.ts).
 */
import { beforeEach } from 'vitest';
import { showServerLogsOnFailure } from './helpers/server-logs.js';

beforeEach(({ onTestFailed }) => showServerLogsOnFailure(onTestFailed));
