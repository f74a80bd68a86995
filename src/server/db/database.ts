import { MIGRATIONS } from './migrations.ts';
import { resolve } from 'node:path';
import { connectPostgres, isPostgresUrl, openPostgres, postgresSettings, type PostgresSettings } from './postgres-database.ts';
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

/**
 * Where a database is, resolved into plain data that another thread can open it from (the import worker): a
 * SQLite file's absolute path, or PostgreSQL's connection settings with the password already read (never log a
 * descriptor). A database in memory has none: no other connection can open it.
 */
export type DatabaseDescriptor =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | { readonly dialect: 'postgres'; readonly settings: PostgresSettings };

/** The descriptor of a `--db` value (see openDatabase), or undefined for `:memory:`. */
export function describeDatabase(spec: string, env: NodeJS.ProcessEnv = process.env): DatabaseDescriptor | undefined {
  if (isPostgresUrl(spec)) return { dialect: 'postgres', settings: postgresSettings(spec, env) };
  return spec === ':memory:' ? undefined : { dialect: 'sqlite', path: resolve(spec) };
}

/**
 * A PostgreSQL pool of at most `max` connections on a descriptor's settings, without migrating (the server that
 * made the descriptor has brought the schema up to date).
 */
export function connectDescribed(d: Extract<DatabaseDescriptor, { dialect: 'postgres' }>, max: number): Database {
  return connectPostgres({ ...d.settings, max });
}
