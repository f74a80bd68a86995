import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS, type Migration } from './migrations.ts';

/** The server's SQLite database: one connection, WAL mode, foreign keys on, migrated to the latest schema. */
export type Database = DatabaseSync;

/** The schema version a database is at after `openDatabase`. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Opens (creating when needed) the database file and brings its schema up to date. WAL journal with
 * `synchronous = FULL`: a committed transaction survives a crash of the process or of the machine, and an
 * uncommitted one leaves nothing behind.
 */
export function openDatabase(path: string): Database {
  if (path !== ':memory:') {
    // the database holds password hashes and every cluster's firewall: readable by its owner only. SQLite creates
    // the -wal and -shm files with the database file's mode.
    closeSync(openSync(path, 'a', 0o600));
    for (const f of [path, `${path}-wal`, `${path}-shm`]) {
      if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600);
    }
  }
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    migrate(db, MIGRATIONS);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** Applies the migrations the database lacks, each in one transaction. Returns the versions applied. */
export function migrate(db: Database, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  const current = row.v ?? 0;
  const newest = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (current > newest) {
    throw new Error(`the database's schema is version ${current}, newer than this np2dfw knows (${newest}); use a newer np2dfw`);
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    inTransaction(db, () => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    });
    applied.push(m.version);
  }
  return applied;
}

/**
 * Runs `fn` in one write transaction (BEGIN IMMEDIATE): everything it does is committed together, or, when it
 * throws, rolled back. `fn` must be synchronous, so no other request interleaves with it.
 */
export function inTransaction<T>(db: Database, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  let result: T;
  try {
    result = fn();
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  }
  db.exec('COMMIT');
  return result;
}
