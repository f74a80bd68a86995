import { originOfTags } from '../../convert/stored-origins.ts';
import { TAG_SCOPE } from '../../convert/tags.ts';
import type { Origin } from '../../model/dfw-config.ts';
import { clusterControlPlanePath, groupPath, securityPolicyPath } from '../../model/paths.ts';
import type { Tag } from '../../model/tag.ts';
import { CATEGORIES, type Category } from '../../model/security-policy.ts';
import type { Database } from '../db/database.ts';

/** Filters of the console's tables (every one optional). */
export interface TableFilter {
  /** Only policies spanned to this cluster (its cluster-control-plane path in scope). */
  readonly cluster?: string;
  /** Only objects tagged with this Kubernetes namespace (`k8s-namespace`). */
  readonly namespace?: string;
  /** Only objects with this tag: `scope|tag`, or a tag value of any scope. */
  readonly tag?: string;
  /** A substring of the id or display name. */
  readonly q?: string;
}

/** A security policy as a row of the console's firewall table. */
export interface PolicyRow {
  readonly id: string;
  readonly display_name: string;
  readonly path: string;
  readonly category: string;
  readonly sequence_number: number;
  readonly scope: readonly string[];
  readonly tags: readonly Tag[];
  readonly rule_count: number;
  readonly _revision: number;
  /** The NetworkPolicy it was converted from, when its tags name one. */
  readonly origin?: Origin;
}

/** A group as a row of the console's group table. */
export interface GroupRow {
  readonly id: string;
  readonly display_name: string;
  readonly path: string;
  readonly tags: readonly Tag[];
  readonly expression: readonly unknown[];
  readonly _revision: number;
  readonly origin?: Origin;
}

/**
 * Whether a row passes a filter. `cluster`: a policy's scope names the cluster's control plane; a group (no
 * scope) has the cluster's `k8s-cluster` tag.
 */
export function rowMatches(row: { id: string; display_name: string; tags: readonly Tag[]; scope?: readonly string[] }, f: TableFilter): boolean {
  if (f.cluster) {
    const inCluster = row.scope ? row.scope.includes(clusterControlPlanePath(f.cluster)) : row.tags.some((t) => t.scope === TAG_SCOPE.cluster && t.tag === f.cluster);
    if (!inCluster) return false;
  }
  if (f.namespace && !row.tags.some((t) => t.scope === TAG_SCOPE.namespace && t.tag === f.namespace)) return false;
  if (f.tag) {
    const bar = f.tag.indexOf('|');
    const scope = bar < 0 ? undefined : f.tag.slice(0, bar);
    const tag = bar < 0 ? f.tag : f.tag.slice(bar + 1);
    if (!row.tags.some((t) => t.tag === tag && (scope === undefined || t.scope === scope))) return false;
  }
  if (f.q) {
    const q = f.q.toLowerCase();
    if (!row.id.toLowerCase().includes(q) && !row.display_name.toLowerCase().includes(q)) return false;
  }
  return true;
}

/**
 * The console's tables over the stored DFW: every security policy in evaluation order, and every group, each read
 * in one query; the caller keeps them while the database does not change, and filters and windows in memory.
 */
export class ConsoleQueries {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Every security policy as a table row, in evaluation order (category, sequence number, id): one read of the
   * table, which the caller keeps while the database does not change; filtering and windowing are then in memory.
   */
  async policyIndex(): Promise<PolicyRow[]> {
    const counts = new Map<string, number>();
    for (const r of await this.#db.all<{ policy_id: string; n: number }>('SELECT policy_id, COUNT(*) AS n FROM dfw_rules GROUP BY policy_id')) counts.set(r.policy_id, r.n);
    const rows = (await this.#db.all<{ id: string; body: string; revision: number }>('SELECT id, body, revision FROM dfw_policies')).map((r): PolicyRow => {
      const body = JSON.parse(r.body) as Record<string, unknown>;
      const tags = Array.isArray(body.tags) ? (body.tags as Tag[]) : [];
      const origin = originOfTags(tags);
      return {
        id: r.id, display_name: typeof body.display_name === 'string' ? body.display_name : r.id, path: securityPolicyPath(r.id),
        category: String(body.category), sequence_number: Number(body.sequence_number), scope: Array.isArray(body.scope) ? (body.scope as string[]) : [],
        tags, rule_count: counts.get(r.id) ?? 0, _revision: r.revision, ...(origin ? { origin } : {}),
      };
    });
    return rows.sort((a, b) => (CATEGORIES.indexOf(a.category as Category) - CATEGORIES.indexOf(b.category as Category))
      || (a.sequence_number - b.sequence_number) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Every group as a table row, by id (read once per database state, like policyIndex). */
  async groupIndex(): Promise<GroupRow[]> {
    return (await this.#db.all<{ id: string; body: string; revision: number }>('SELECT id, body, revision FROM dfw_groups ORDER BY id')).map((r): GroupRow => {
      const body = JSON.parse(r.body) as Record<string, unknown>;
      const tags = Array.isArray(body.tags) ? (body.tags as Tag[]) : [];
      const origin = originOfTags(tags);
      return {
        id: r.id, display_name: typeof body.display_name === 'string' ? body.display_name : r.id, path: groupPath(r.id), tags,
        expression: Array.isArray(body.expression) ? body.expression : [], _revision: r.revision, ...(origin ? { origin } : {}),
      };
    });
  }
}
