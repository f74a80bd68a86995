import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { TransactionScope, type Database, type SqlValue } from './sql.ts';
import { StatementCache } from './statement-cache.ts';

/**
 * The server's SQLite database: one connection, WAL mode with `synchronous = FULL` (a committed transaction
 * survives a crash of the process or of the machine), foreign keys on. Statements are synchronous underneath;
 * while one async context holds a transaction open, statements of other contexts wait for it to end, so that
 * nothing of another request runs inside it.
 */
export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  readonly location: string;
  readonly #db: DatabaseSync;
  readonly #statements: StatementCache;
  readonly #scope = new TransactionScope<true>();
  /** Settles when the transaction now open (of some async context) ends. */
  #open: Promise<void> | undefined;
  /** The end of the last transaction queued. */
  #queue: Promise<void> = Promise.resolve();
  /** Statements started and not yet run (waiting for a transaction of another context to end). */
  #pending = 0;

  constructor(db: DatabaseSync, location: string) {
    this.#db = db;
    this.location = location;
    this.#statements = new StatementCache(db);
  }

  /** The connection underneath (migrations, tests of the file itself). */
  get connection(): DatabaseSync {
    return this.#db;
  }

  async #ready(): Promise<void> {
    if (this.#scope.current()) return;
    while (this.#open) await this.#open;
  }

  async #statement<T>(f: () => T): Promise<T> {
    this.#pending++;
    try {
      await this.#ready();
      return f();
    } finally {
      this.#pending--;
    }
  }

  all<T>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    return this.#statement(() => this.#statements.get(sql).all(...params) as T[]);
  }

  get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    return this.#statement(() => this.#statements.get(sql).get(...params) as T | undefined);
  }

  run(sql: string, ...params: SqlValue[]): Promise<{ changes: number }> {
    return this.#statement(() => ({ changes: Number(this.#statements.get(sql).run(...params).changes) }));
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#exclusive('BEGIN IMMEDIATE', fn);
  }

  snapshot<T>(fn: () => Promise<T>): Promise<T> {
    return this.#exclusive('BEGIN', fn);
  }

  async #exclusive<T>(begin: string, fn: () => Promise<T>): Promise<T> {
    if (this.#scope.current()) return fn();
    let release!: () => void;
    const mine = new Promise<void>((r) => { release = r; });
    const before = this.#queue;
    this.#queue = before.then(() => mine);
    await before;
    while (this.#open) await this.#open;
    this.#open = mine;
    try {
      this.#db.exec(begin);
      let result: T;
      try {
        result = await this.#scope.run(true, fn);
        this.#db.exec('COMMIT');
      } catch (e) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        throw e;
      }
      return result;
    } finally {
      this.#open = undefined;
      release();
    }
  }

  async lockImports(): Promise<void> {
    // a write transaction (BEGIN IMMEDIATE) holds SQLite's one write lock: imports are serialized already
  }

  async changeStamp(): Promise<string> {
    await this.#ready();
    // total_changes: this connection's writes; data_version: moves when another connection commits
    const t = this.#statements.get('SELECT total_changes() AS t').get() as { t: number };
    const v = this.#statements.get('PRAGMA data_version').get() as { data_version: number };
    return `${t.t}:${v.data_version}`;
  }

  /** Closes the connection once the statements already started (an audit entry written at shutdown) have run. */
  async close(): Promise<void> {
    await this.#queue;
    while (this.#pending > 0) await new Promise((r) => setImmediate(r));
    if (this.#db.isOpen) this.#db.close();
  }
}

/**
 * Opens (creating when needed) a SQLite database file and brings its schema up to date. `readOnly`: a second
 * connection that only reads (the import planner's), never migrated by it.
 */
export function openSqlite(path: string, options: { readOnly?: boolean } = {}): SqliteDatabase {
  if (options.readOnly) {
    const db = new DatabaseSync(path, { readOnly: true });
    db.exec('PRAGMA busy_timeout = 10000');
    return new SqliteDatabase(db, path);
  }
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
    migrateSqlite(db, MIGRATIONS);
  } catch (e) {
    db.close();
    throw e;
  }
  return new SqliteDatabase(db, path);
}

/**
 * Applies the migrations a SQLite database lacks, each in one transaction. BEGIN IMMEDIATE around the check
 * and the change: two processes opening one file migrate it once. Returns the versions applied.
 */
export function migrateSqlite(db: DatabaseSync, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const newest = migrations.length ? migrations[migrations.length - 1].version : 0;
  const applied: number[] = [];
  for (const m of migrations) {
    db.exec('BEGIN IMMEDIATE');
    try {
      const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
      const current = row.v ?? 0;
      if (current > newest) {
        throw new Error(`the database's schema is version ${current}, newer than this np2dfw knows (${newest}); use a newer np2dfw`);
      }
      if (m.version > current) {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
        applied.push(m.version);
      }
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }
  return applied;
}
