import { AsyncLocalStorage } from 'node:async_hooks';

/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | null;

/** The two databases the server stores in. */
export type SqlDialect = 'sqlite' | 'postgres';

/**
 * The server's database, whichever it is: SQLite (one file, the default) or PostgreSQL (shared by replicas).
 * Statements use `?` placeholders and SQL both accept; the PostgreSQL implementation numbers the placeholders.
 * A statement run while `transaction` is running in the same async context joins that transaction.
 */
export interface Database {
  readonly dialect: SqlDialect;
  /** Where the data is, for messages: the file, or the URL without its password. */
  readonly location: string;
  /** Every row of a query. */
  all<T>(sql: string, ...params: SqlValue[]): Promise<T[]>;
  /** The first row of a query, or undefined. */
  get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined>;
  /** Runs a statement; how many rows it changed. */
  run(sql: string, ...params: SqlValue[]): Promise<{ changes: number }>;
  /**
   * Runs `fn` in one write transaction: committed together, or rolled back when it throws. The database decides
   * conflicts between concurrent writers (SQLite: one writer at a time; PostgreSQL: row locks, conditional updates).
   * Called inside a transaction, `fn` joins it.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` on one consistent read-only snapshot of the database. */
  snapshot<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: waits until no other transaction anywhere (other processes included) holds the import
   * lock, and holds it until this transaction ends. SQLite's write transactions are serialized already.
   */
  lockImports(): Promise<void>;
  /** A text that changes whenever any committed data may have changed (caches compare it). */
  changeStamp(): Promise<string>;
  /** Closes the connections. */
  close(): Promise<void>;
}

/** Ids per statement of the batched look-ups (`IN (?, ...)`): well under both databases' limits on bound parameters. */
export const IDS_PER_STATEMENT = 500;

/** Rows per multi-row INSERT (`VALUES (...), (...)`): one round trip per batch rather than per row. */
export const ROWS_PER_INSERT = 200;

/** `items` in consecutive slices of at most `size`. */
export function chunked<T>(items: readonly T[], size: number = IDS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One `?` per value, comma-separated (an `IN (...)` list). */
export function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/** Whether an error is the database refusing a duplicate key (SQLite or PostgreSQL). */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { errcode?: number; code?: string; message?: string };
  return err?.errcode === 1555 || err?.errcode === 2067 || err?.code === '23505' || /UNIQUE constraint failed/.test(err?.message ?? '');
}

/**
 * Which transaction the current async context is in, per database: a statement of a request runs in the
 * transaction its request opened, and in no other.
 */
export class TransactionScope<C> {
  readonly #storage = new AsyncLocalStorage<{ connection: C; open: boolean }>();

  /** The connection of the transaction this context is in, or undefined. */
  current(): C | undefined {
    const s = this.#storage.getStore();
    return s?.open ? s.connection : undefined;
  }

  /** Runs `fn` with `connection` as the current transaction; it stops being current when `fn` settles. */
  async run<T>(connection: C, fn: () => Promise<T>): Promise<T> {
    const state = { connection, open: true };
    try {
      return await this.#storage.run(state, fn);
    } finally {
      state.open = false;
    }
  }
}
