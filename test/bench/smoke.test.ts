/**
 * CI's smoke run of the benchmark harness (`npm run bench -- --smoke`): every target starts on
 * its seeded data, every scenario runs against each for a second, the growth pass runs, and
 * the report is printed and written. The figures of a one-second run on a busy CI machine mean
 * nothing, so only the harness is checked: answers came back, none failed, the JSON is whole.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const RESULTS = join(ROOT, 'bench/results/smoke.json');
const SCENARIOS = ['get-invite', 'list-invites', 'list-invites-all', 'list-members', 'create-invite', 'accept-invite'];

it('npm run bench -- --smoke runs every scenario against every target and writes the report', async () => {
  rmSync(RESULTS, { force: true });
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bench/run.ts', '--smoke'], { cwd: ROOT, maxBuffer: 1 << 24 }, (error, out, err) =>
      done({ code: error ? ((error.code as number) ?? 1) : 0, stdout: out, stderr: err }),
    );
  });
  expect(code, stderr.slice(-3000)).toBe(0);
  const report = JSON.parse(readFileSync(RESULTS, 'utf8'));
  // A target this machine cannot run (no PostgreSQL, no registry for the peer) is named, loudly.
  for (const [name, reason] of Object.entries(report.skipped as Record<string, string>)) {
    console.log(`*** SKIPPED in the bench smoke: ${name}: ${reason} ***`);
    expect(stderr).toContain(`SKIPPED ${name}`);
  }
  const expected = ['gatehouse-sqlite', 'gatehouse-postgres', 'floor', 'peer', 'peer-all-rows'].filter((t) => !(t in report.skipped));
  expect(expected).toEqual(expect.arrayContaining(['gatehouse-sqlite', 'floor']));
  expect(report.scenarios.map((s: { scenario: string }) => s.scenario)).toEqual(SCENARIOS);
  for (const s of report.scenarios) {
    // The peer answers at most 100 rows as installed; the whole list is asked of the peer without that cap.
    const peerOf = s.scenario === 'list-invites-all' ? 'peer-all-rows' : 'peer';
    const targets = expected.filter((t) => !t.startsWith('peer') || t === peerOf);
    expect(Object.keys(s.targets).sort(), s.scenario).toEqual(targets.sort());
    for (const [name, t] of Object.entries(s.targets as Record<string, { requests: number; errors: number; peakRssMb: number; cpuUsPerRequest: number }>)) {
      expect(t.requests, `${s.scenario} on ${name}: requests`).toBeGreaterThan(0);
      expect(t.errors, `${s.scenario} on ${name}: errors`).toBe(0);
      expect(t.peakRssMb, `${s.scenario} on ${name}: RSS sampled`).toBeGreaterThan(0);
      expect(t.cpuUsPerRequest, `${s.scenario} on ${name}: the server's CPU per request`).toBeGreaterThan(0);
    }
    expect(s.vsFloor, `${s.scenario}: ratio to the floor`).toBeGreaterThan(0);
    expect(s.vsFloorCpu, `${s.scenario}: ratio to the floor by CPU`).toBeGreaterThan(0);
  }
  const stores = expected.filter((t) => t.startsWith('gatehouse-'));
  expect(new Set(report.growth.rows.map((r: { target: string }) => r.target))).toEqual(new Set(stores));
  for (const r of report.growth.rows) expect(r.errors, `growth ${r.target} ${r.query} ${r.invites}`).toBe(0);
  expect(stdout).toMatch(/scenario \| gatehouse-sqlite/);
}, 600_000);

const WEBHOOK_RESULTS = join(ROOT, 'bench/tmp/webhooks-smoke.json');

/**
 * The webhook bench's smoke run (`tsx bench/webhooks.ts --smoke`), on SQLite alone so that it
 * stays within about 15 s (a PostgreSQL cluster would double it; the main smoke above starts
 * the PostgreSQL targets): both servers answer the create load without an error, every event
 * reaches the receiver once per endpoint, the backlog drains, and the report is whole.
 */
it('the webhook bench (--smoke) measures create with and without endpoints, drains a backlog and writes its report', async () => {
  rmSync(WEBHOOK_RESULTS, { force: true });
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bench/webhooks.ts', '--smoke', '--stores', 'sqlite'], { cwd: ROOT, maxBuffer: 1 << 24 }, (error, out, err) =>
      done({ code: error ? ((error.code as number) ?? 1) : 0, stdout: out, stderr: err }),
    );
  });
  expect(code, stderr.slice(-3000)).toBe(0);
  const report = JSON.parse(readFileSync(WEBHOOK_RESULTS, 'utf8'));
  expect(report.create.map((c: { store: string }) => c.store)).toEqual(['sqlite']);
  const [create] = report.create;
  for (const config of ['without', 'with']) {
    expect(create[config].requests, `${config}: requests`).toBeGreaterThan(0);
    expect(create[config].errors, `${config}: errors`).toBe(0);
  }
  expect(create.ratio).toBeGreaterThan(0);
  // Every invite's two events (created, mail sent), once at each of the three endpoints; the
  // database counts the invites, the answers autocannon counted may be a few fewer.
  expect(create.received.expected).toBeGreaterThanOrEqual(6 * create.with.requests);
  expect(create.received.unique).toBe(create.received.expected);
  expect(create.received.malformed).toBe(0);
  const [drain] = report.drain;
  expect(drain.store).toBe('sqlite');
  for (const r of drain.rounds) expect(r.deliveries).toBe(drain.backlog.deliveries);
  expect(drain.malformed).toBe(0);
  expect(drain.perSecond).toBeGreaterThan(0);
  expect(stdout).toMatch(/with \/ without/);
}, 30_000);
