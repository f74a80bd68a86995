import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Prepares each SQL text once per SQLite connection and hands out the prepared statement from then on. */
export class StatementCache {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** The prepared statement of `sql`, prepared on first use. */
  get(sql: string): StatementSync {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }
}
