/** What every benchmark target (Gatehouse, the floor, the peer) offers the runner. */

export type ScenarioName = 'get-invite' | 'list-invites' | 'list-invites-all' | 'list-members' | 'create-invite' | 'accept-invite';

/** One HTTP request as autocannon sends it. */
export interface BenchRequest {
  method: 'GET' | 'POST';
  /** Path and query, e.g. `/instances/…/invites/…`. */
  path: string;
  headers?: Record<string, string>;
  /** A JSON text; the runner adds `content-type: application/json` when there is a body. */
  body?: string;
}

/**
 * How every target is seeded, the same way for each:
 * - org A: `invites` pending invites (`seed{i}@example.com`, i from 0) and `members` members
 *   (`member{i}@example.com`); get-invite reads one of these invites, the lists list org A;
 * - org B: `acceptPool` pending invites (`accept{i}@example.com`) whose links the accept
 *   scenario uses, each once;
 * - org C: empty, where create-invite invites `new{i}@example.com`, each email once.
 */
export interface Seed {
  invites: number;
  members: number;
  acceptPool: number;
}

export interface RunningTarget {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** The server process (its resident memory is sampled). */
  pid: number;
  /**
   * The i-th request of a scenario run, i from 0 and never repeated within a target (the runner
   * keeps one counter per target and scenario across rounds), so writes never reuse a link or
   * an email. Null when the target cannot serve the scenario or its pool is used up.
   */
  request(scenario: ScenarioName, i: number): BenchRequest | null;
  stop(): Promise<void>;
}

export interface Target {
  /** Short name for the table: `gatehouse-sqlite`, `floor`, `peer`, … */
  name: string;
  /** Why the target cannot run here (a missing package or server), or null when it can. */
  unavailable(): Promise<string | null>;
  /** Seeds a fresh data set under `dir` and starts the server on a free port of 127.0.0.1. */
  start(options: { dir: string; seed: Seed }): Promise<RunningTarget>;
}
