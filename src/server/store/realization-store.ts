import { chunked, placeholders, ROWS_PER_INSERT, type Database } from '../db/database.ts';
import { badRequest } from '../http/api-error.ts';
import { clustersInScope, type PolicyChange } from './policy-store.ts';

/** Where a security policy stands in one cluster. */
export type RealizationState = 'pending' | 'realized' | 'error';

/** A policy's realization in one cluster, as the adapter reported it. */
export interface RealizationView {
  readonly cluster: string;
  readonly policy_id: string;
  /** The policy's `_revision` this state is about. */
  readonly revision: number;
  readonly state: RealizationState;
  /** The adapter's message (for errors). */
  readonly message: string;
  /** When the state last changed (epoch ms). */
  readonly updated_at: number;
}

/**
 * Realization status per cluster and security policy: `pending` when the policy is created or changed, then
 * `realized` or `error` as the cluster's adapter reports.
 */
export class RealizationStore {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Policies changed: every cluster of each one's scope has it pending again (others are dropped). One DELETE per
   * 500 policies and one INSERT per 200 rows, whatever the number of policies (an import tells thousands at once).
   */
  async markPending(changes: readonly PolicyChange[]): Promise<void> {
    const now = Date.now();
    const ids = [...new Set(changes.map((c) => c.policyId))];
    for (const chunk of chunked(ids)) await this.#db.run(`DELETE FROM realization WHERE policy_id IN (${placeholders(chunk)})`, ...chunk);
    const rows = changes.flatMap((c) => [...new Set(clustersInScope(c.scope))].map((cluster) => [cluster, c.policyId, c.revision, now]));
    for (const batch of chunked(rows, ROWS_PER_INSERT)) {
      await this.#db.run(`INSERT INTO realization (cluster, policy_id, revision, state, message, updated_at) VALUES ${batch.map(() => "(?, ?, ?, 'pending', '', ?)").join(', ')}`,
        ...batch.flat());
    }
  }

  /**
   * The adapter of `cluster` reports states. A report for a policy not spanned to the cluster, or about an older
   * revision than the current one, is refused (400).
   */
  async report(cluster: string, statuses: readonly { policy_id: string; revision?: number; state: 'REALIZED' | 'ERROR' | 'PENDING'; message?: string }[]): Promise<number> {
    const now = Date.now();
    for (const [i, s] of statuses.entries()) {
      const row = await this.#db.get<{ revision: number }>('SELECT revision FROM realization WHERE cluster = ? AND policy_id = ?', cluster, s.policy_id);
      if (!row) throw badRequest(`statuses[${i}]: security policy ${s.policy_id} is not spanned to cluster ${cluster}`);
      if (s.revision !== undefined && s.revision !== row.revision) {
        throw badRequest(`statuses[${i}]: security policy ${s.policy_id} is at _revision ${row.revision}, not ${s.revision}`);
      }
      await this.#db.run('UPDATE realization SET state = ?, message = ?, updated_at = ? WHERE cluster = ? AND policy_id = ?',
        s.state.toLowerCase(), s.message ?? '', now, cluster, s.policy_id);
    }
    return statuses.length;
  }

  /** A policy's states in every cluster of its scope. */
  ofPolicy(policyId: string): Promise<RealizationView[]> {
    return this.#db.all<RealizationView>('SELECT * FROM realization WHERE policy_id = ? ORDER BY cluster', policyId);
  }

  /** The states of several policies (in every cluster of their scope), by policy id. */
  async ofPolicies(policyIds: readonly string[]): Promise<Map<string, RealizationView[]>> {
    const out = new Map<string, RealizationView[]>(policyIds.map((id) => [id, []]));
    for (const chunk of chunked(policyIds)) {
      const rows = await this.#db.all<RealizationView>(
        `SELECT * FROM realization WHERE policy_id IN (${placeholders(chunk)}) ORDER BY policy_id, cluster`, ...chunk);
      for (const r of rows) out.get(r.policy_id)?.push(r);
    }
    return out;
  }

  /** Every policy's state in one cluster, optionally only one state. */
  ofCluster(cluster: string, state?: RealizationState): Promise<RealizationView[]> {
    return state
      ? this.#db.all<RealizationView>('SELECT * FROM realization WHERE cluster = ? AND state = ? ORDER BY policy_id', cluster, state)
      : this.#db.all<RealizationView>('SELECT * FROM realization WHERE cluster = ? ORDER BY policy_id', cluster);
  }
}
