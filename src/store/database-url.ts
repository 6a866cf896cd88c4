/**
 * What a GATEHOUSE_DATABASE value is, without loading a driver: the configuration and the CLI
 * ask this before (or instead of) opening a store.
 */

/** A postgres:// (or postgresql://) URL; anything else is a SQLite file path. */
export const isPostgresUrl = (database: string) => /^postgres(ql)?:\/\//i.test(database);

/** The URL without its password, for messages. */
export const redactDatabaseUrl = (url: string) => url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
