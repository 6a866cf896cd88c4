import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * A hot lookup by key (every request looks up its token and org), compiled once per dialect:
 * Kysely rebuilds and recompiles the query tree on every call, which costs more than SQLite's
 * own work for such a lookup (18 µs against 10 µs). The builder takes the lookup's parameters
 * as its own arguments, so their types are the call's and they cannot be passed in another
 * order than the query binds them: the first compile runs the builder with a marker in each
 * argument and reads where each one landed. A query that binds anything else (a constant, an
 * argument twice, or not at all) is refused there, before it ever runs.
 */
export interface Lookup<P extends unknown[], R> {
  /** The compiled query for these parameters; `dialect` is whatever lives as long as the dialect. */
  bind(db: Kysely<Database>, dialect: object, parameters: P): CompiledQuery<R>;
}

interface Compiled {
  sql: string;
  /** For each placeholder of the SQL text, the index of the parameter it takes. */
  order: number[];
}

export function lookup<P extends unknown[], R>(build: (db: Kysely<Database>, ...parameters: P) => Compilable<R>): Lookup<P, R> {
  const arity = build.length - 1;
  const compiled = new WeakMap<object, Compiled>();
  const compile = (db: Kysely<Database>): Compiled => {
    // Mixed case and padded, so that a builder which trims or re-cases a value is caught too.
    const markers = Array.from({ length: arity }, (_, i) => ` Lookup parameter ${i} `);
    const query = build(db, ...(markers as P)).compile();
    const order = query.parameters.map((p) => markers.indexOf(p as string));
    const distinct = new Set(order);
    if (query.parameters.length !== arity || distinct.has(-1) || distinct.size !== arity) {
      throw new Error(
        `A lookup declared with ${arity} parameter(s) binds ${query.parameters.length} value(s), ` +
          `which must be its parameters, each once and unchanged: ${query.sql}`,
      );
    }
    return { sql: query.sql, order };
  };
  return {
    bind(db, dialect, parameters) {
      let c = compiled.get(dialect);
      if (!c) compiled.set(dialect, (c = compile(db)));
      return CompiledQuery.raw(c.sql, c.order.map((i) => parameters[i])) as CompiledQuery<R>;
    },
  };
}
