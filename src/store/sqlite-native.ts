import SQLite from 'better-sqlite3';

/**
 * better-sqlite3 12 (the line that runs on Node 20) aborts the process on Node >= 24.19 when a
 * garbage-collected Database or Statement is finalised (WiseLibs/better-sqlite3#1515; 13.x
 * fixes it but needs Node 22). So nothing opened here is ever left to the garbage collector:
 * databases are kept for the life of the process, and each distinct SQL text is prepared once
 * and reused, which also spares re-preparing on every query. The SQL texts are the finite set
 * the code builds (values are always bound parameters), so the cache stays small.
 */
const kept = new Set<SQLite.Database>();

export function openDatabase(path: string, options?: SQLite.Options): SQLite.Database {
  const database = new SQLite(path, options);
  kept.add(database);
  const statements = new Map<string, SQLite.Statement>();
  const prepare = database.prepare.bind(database);
  database.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      statement = prepare(source);
      statements.set(source, statement);
    }
    return statement;
  }) as SQLite.Database['prepare'];
  return database;
}

export { SQLite };
