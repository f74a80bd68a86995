import type { Database } from '../db/database.ts';

/** One entry of the audit log: who changed what, when, and with what result. */
export interface AuditEntry {
  /** Increasing id. */
  readonly id: number;
  /** When (epoch ms). */
  readonly at: number;
  /** The user who made the request (`-` when unauthenticated). */
  readonly user: string;
  /** HTTP method and path of the request (or `cli` for command-line changes). */
  readonly method: string;
  readonly path: string;
  /** What was done, e.g. `import`, `group.put`, `user.add`. */
  readonly action: string;
  /** The object acted on (a path, a cluster, a user). */
  readonly target: string;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** `success` or `failure`. */
  readonly result: 'success' | 'failure';
  /** More about it: counts, the error message. */
  readonly detail: string;
}

/** The audit log: every change, successful or not. Append-only. */
export class AuditStore {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  /** Appends an entry. */
  async record(e: Omit<AuditEntry, 'id' | 'at'> & { at?: number }): Promise<void> {
    await this.#db.run(`INSERT INTO audit_log (at, user_name, method, path, action, target, status, result, detail)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      e.at ?? Date.now(), e.user, e.method, e.path, e.action, e.target, e.status, e.result, e.detail);
  }

  /** Entries after `afterId`, oldest first, at most `limit`; and the total count. */
  async page(afterId: number, limit: number, filter: { user?: string; action?: string } = {}): Promise<{ entries: AuditEntry[]; total: number }> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.user) { where.push('user_name = ?'); args.push(filter.user); }
    if (filter.action) { where.push('action = ?'); args.push(filter.action); }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (await this.#db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log ${w}`, ...args))!.n;
    const rows = await this.#db.all<Omit<AuditEntry, 'user'> & { user_name: string }>(
      `SELECT * FROM audit_log ${w ? `${w} AND` : 'WHERE'} id > ? ORDER BY id LIMIT ?`, ...args, afterId, limit);
    return {
      total,
      entries: rows.map((r) => ({
        id: r.id, at: r.at, user: r.user_name, method: r.method, path: r.path, action: r.action, target: r.target,
        status: r.status, result: r.result, detail: r.detail,
      })),
    };
  }
}
