import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from './index.js';

/**
 * A trigram index of invite emails, for infix globs (`*smith*`): without one, such a filter
 * reads every pending invite of the org (9 ms at 100,000). It is kept in the transaction that
 * writes the invite: by triggers on SQLite, by the index itself on PostgreSQL.
 *
 * SQLite: an FTS5 table with the trigram tokenizer over `invites.email` (external content, so
 * the emails are not stored twice); the store reads it only for a selective glob (sqlite.ts).
 * The external content is keyed by invites' rowid, which VACUUM keeps (its copy preserves
 * rowids); should the two ever disagree, `insert into invites_email_trigrams
 * (invites_email_trigrams) values ('rebuild')` rebuilds the index from the table.
 *
 * PostgreSQL: a GIN index with pg_trgm's operator class, which the planner takes for a LIKE by
 * itself. Without fastupdate: each insert updates the index at once (invites are written one
 * at a time) instead of queueing in a pending list that every list must read until the next
 * vacuum, and that made the planner price the index out after a burst of invites. pg_trgm
 * ships with Debian's server and is a trusted extension (the database's owner may create it); where it cannot be created, lists work as before and the migration still
 * succeeds (the savepoint keeps the failure from aborting the migrations' transaction).
 */
export const emailTrigrams = (dialect: DialectName): Migration => ({
  async up(db: Kysely<any>) {
    if (dialect === 'postgres') {
      const { rows } = await sql`select 1 from pg_available_extensions where name = 'pg_trgm'`.execute(db);
      if (rows.length === 0) return;
      await sql`savepoint email_trigrams`.execute(db);
      try {
        await sql`create extension if not exists pg_trgm`.execute(db);
        await sql`create index invites_email_trigrams on invites using gin (email gin_trgm_ops) with (fastupdate = off)`.execute(db);
        await sql`release savepoint email_trigrams`.execute(db);
      } catch {
        await sql`rollback to savepoint email_trigrams`.execute(db);
      }
      return;
    }
    await sql`create virtual table invites_email_trigrams using fts5(email, content = 'invites', content_rowid = 'rowid', tokenize = 'trigram')`.execute(db);
    await sql`create trigger invites_email_trigrams_insert after insert on invites begin
      insert into invites_email_trigrams (rowid, email) values (new.rowid, new.email);
    end`.execute(db);
    await sql`create trigger invites_email_trigrams_delete after delete on invites begin
      insert into invites_email_trigrams (invites_email_trigrams, rowid, email) values ('delete', old.rowid, old.email);
    end`.execute(db);
    await sql`create trigger invites_email_trigrams_update after update of email on invites begin
      insert into invites_email_trigrams (invites_email_trigrams, rowid, email) values ('delete', old.rowid, old.email);
      insert into invites_email_trigrams (rowid, email) values (new.rowid, new.email);
    end`.execute(db);
    await sql`insert into invites_email_trigrams (invites_email_trigrams) values ('rebuild')`.execute(db);
  },
  async down(db: Kysely<any>) {
    if (dialect === 'postgres') {
      await sql`drop index if exists invites_email_trigrams`.execute(db);
      return;
    }
    for (const trigger of ['insert', 'delete', 'update']) await sql.raw(`drop trigger invites_email_trigrams_${trigger}`).execute(db);
    await sql`drop table invites_email_trigrams`.execute(db);
  },
});
