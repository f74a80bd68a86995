import { MIGRATIONS } from './migrations.ts';
import { openPostgres, isPostgresUrl } from './postgres-database.ts';
import type { Database } from './sql.ts';
import { openSqlite } from './sqlite-database.ts';

export type { Database, SqlValue, SqlDialect } from './sql.ts';
export { isUniqueViolation, chunked, placeholders, IDS_PER_STATEMENT, ROWS_PER_INSERT } from './sql.ts';

/** The schema version a database is at after `openDatabase`. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Opens the server's database and brings its schema up to date: `postgres://USER@HOST:PORT/DB` (or
 * `postgresql://`) is PostgreSQL, anything else a SQLite file (created when missing; `:memory:` for tests).
 */
export async function openDatabase(spec: string, env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  return isPostgresUrl(spec) ? openPostgres(spec, env) : openSqlite(spec);
}

/**
 * Runs `fn` in one write transaction of `db`: everything it does is committed together, or, when it throws,
 * rolled back. Inside a transaction, joins it.
 */
export function inTransaction<T>(db: Database, fn: () => Promise<T>): Promise<T> {
  return db.transaction(fn);
}
