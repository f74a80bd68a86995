// The import worker's own connections to the server's database, opened from the descriptor the server hands it
// (describeDatabase): on a SQLite file a read connection and a write connection; on PostgreSQL a small pool of
// its own. Either way the worker plans on one consistent snapshot whose DFW epoch it knows, and writes through
// the same Database interface (and the same writePlan guards) as the request thread.
import { DatabaseSync } from 'node:sqlite';
import { connectDescribed, type Database, type DatabaseDescriptor } from '../db/database.ts';
import { SqliteDatabase } from '../db/sqlite-database.ts';

/** The worker's connections. */
export interface WorkerDatabase {
  /** Plans read here, in one snapshot each (`snapshot`). */
  readonly read: Database;
  /** Imports are written here. */
  readonly write: Database;
  /**
   * Runs `fn` on one read snapshot of `read`; `epoch` (a read on `read`) is its first statement, and its value,
   * the DFW epoch of the snapshot, is given to `fn`. The worker uses its connections one task at a time.
   */
  snapshot<T>(epoch: () => Promise<number>, fn: (generation: number) => Promise<T>): Promise<T>;
  /** Closes the connections (a PostgreSQL pool waits for the connections in use to come back). */
  close(): Promise<void>;
}

/** The PostgreSQL connections of the worker's pool: one snapshot of a plan, one write, never both at once. */
export const WORKER_POOL_SIZE = 2;

/** The settings openSqlite gives the server's connection (the schema is the server's to migrate). */
function connectSqlite(path: string, readOnly: boolean): DatabaseSync {
  const db = new DatabaseSync(path, { readOnly });
  db.exec('PRAGMA busy_timeout = 10000');
  if (!readOnly) {
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
  }
  return db;
}

/** Opens the worker's connections to the database a descriptor names. */
export function openWorkerDatabase(d: DatabaseDescriptor): WorkerDatabase {
  if (d.dialect === 'postgres') {
    // its sessions are named apart from the server's (pg_stat_activity shows which ones are the import's)
    const db = connectDescribed({ ...d, settings: { ...d.settings, applicationName: `${d.settings.applicationName} import` } }, WORKER_POOL_SIZE);
    return {
      read: db,
      write: db,
      // REPEATABLE READ: the snapshot is taken by its first statement, the epoch's read; a DFW write that commits
      // later (of this server or another replica) grows the epoch past it, which the write transaction sees
      snapshot: (epoch, fn) => db.snapshot(async () => fn(await epoch())),
      close: () => db.close(),
    };
  }
  const read = new SqliteDatabase(connectSqlite(d.path, true), d.path);
  const write = new SqliteDatabase(connectSqlite(d.path, false), d.path);
  return {
    read,
    write,
    // the snapshot is taken while this worker holds the write lock, when no other writer is inside a transaction;
    // the lock is held for that instant only
    snapshot: (epoch, fn) => read.snapshot(async () => {
      const writer = write.connection;
      writer.exec('BEGIN IMMEDIATE');
      let generation: number;
      try {
        generation = await epoch(); // the first read fixes the snapshot
      } finally {
        writer.exec('ROLLBACK');
      }
      return fn(generation);
    }),
    close: async () => {
      await read.close();
      await write.close();
    },
  };
}
