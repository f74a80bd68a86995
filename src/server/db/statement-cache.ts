import type { StatementSync } from 'node:sqlite';
import type { Database } from './database.ts';

/** Prepares each SQL text once per connection and hands out the prepared statement from then on. */
export class StatementCache {
  readonly #db: Database;
  readonly #statements = new Map<string, StatementSync>();

  constructor(db: Database) {
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
