import type { StatementSync } from 'node:sqlite';
import { originOfTags } from '../../convert/stored-origins.ts';
import { TAG_SCOPE } from '../../convert/tags.ts';
import type { Origin } from '../../model/dfw-config.ts';
import { clusterControlPlanePath, groupPath, securityPolicyPath } from '../../model/paths.ts';
import type { Tag } from '../../model/tag.ts';
import type { Database } from '../db/database.ts';
import { StatementCache } from '../db/statement-cache.ts';

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

/** A window of a table: skip `offset` rows, return at most `limit`. */
export interface Window {
  readonly offset: number;
  readonly limit: number;
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

function likeText(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** SQL conditions and arguments for a filter on a table whose rows have a JSON `body`. */
function whereOf(f: TableFilter, alias: string): { sql: string; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const tagged = (scope: string | undefined, tag: string) => {
    where.push(`EXISTS (SELECT 1 FROM json_each(${alias}.body, '$.tags') t WHERE json_extract(t.value, '$.tag') = ?`
      + `${scope === undefined ? '' : ` AND json_extract(t.value, '$.scope') = ?`})`);
    args.push(tag);
    if (scope !== undefined) args.push(scope);
  };
  if (f.cluster) {
    where.push(`EXISTS (SELECT 1 FROM json_each(${alias}.body, '$.scope') s WHERE s.value = ?)`);
    args.push(clusterControlPlanePath(f.cluster));
  }
  if (f.namespace) tagged(TAG_SCOPE.namespace, f.namespace);
  if (f.tag) {
    const bar = f.tag.indexOf('|');
    if (bar < 0) tagged(undefined, f.tag);
    else tagged(f.tag.slice(0, bar), f.tag.slice(bar + 1));
  }
  if (f.q) {
    where.push(`(${alias}.id LIKE ? ESCAPE '\\' OR json_extract(${alias}.body, '$.display_name') LIKE ? ESCAPE '\\')`);
    args.push(likeText(f.q), likeText(f.q));
  }
  return { sql: where.length ? ` AND ${where.join(' AND ')}` : '', args };
}

/**
 * The console's read-only tables over the stored DFW: security policies in evaluation order and groups, filtered
 * and windowed in SQL, so that a page costs the same with ten or ten thousand policies.
 */
export class ConsoleQueries {
  readonly #statements: StatementCache;

  constructor(db: Database) {
    this.#statements = new StatementCache(db);
  }

  #q(sql: string): StatementSync {
    return this.#statements.get(sql);
  }

  /** One window of a category's security policies, in evaluation order (sequence number, then id). */
  policies(category: string, f: TableFilter, w: Window): { results: PolicyRow[]; result_count: number } {
    const { sql, args } = whereOf(f, 'p');
    const base = `FROM dfw_policies p WHERE json_extract(p.body, '$.category') = ?${sql}`;
    const total = (this.#q(`SELECT COUNT(*) AS n ${base}`).get(category, ...args) as { n: number }).n;
    const rows = this.#q(`SELECT p.id, p.body, p.revision, (SELECT COUNT(*) FROM dfw_rules r WHERE r.policy_id = p.id) AS rule_count ${base}
      ORDER BY json_extract(p.body, '$.sequence_number'), p.id LIMIT ? OFFSET ?`).all(category, ...args, w.limit, w.offset) as
      { id: string; body: string; revision: number; rule_count: number }[];
    const results = rows.map((r): PolicyRow => {
      const body = JSON.parse(r.body) as Record<string, unknown>;
      const tags = (body.tags as Tag[] | undefined) ?? [];
      const origin = originOfTags(tags);
      return {
        id: r.id, display_name: (body.display_name as string | undefined) ?? r.id, path: securityPolicyPath(r.id),
        category: String(body.category), sequence_number: Number(body.sequence_number), scope: (body.scope as string[] | undefined) ?? [],
        tags, rule_count: r.rule_count, _revision: r.revision, ...(origin ? { origin } : {}),
      };
    });
    return { results, result_count: total };
  }

  /** One window of groups, by id. */
  groups(f: TableFilter, w: Window): { results: GroupRow[]; result_count: number } {
    const { sql, args } = whereOf({ ...f, cluster: undefined }, 'g');
    const cluster = f.cluster ? ` AND EXISTS (SELECT 1 FROM json_each(g.body, '$.tags') t WHERE json_extract(t.value, '$.scope') = ? AND json_extract(t.value, '$.tag') = ?)` : '';
    const cargs = f.cluster ? [TAG_SCOPE.cluster, f.cluster] : [];
    const base = `FROM dfw_groups g WHERE 1 = 1${sql}${cluster}`;
    const total = (this.#q(`SELECT COUNT(*) AS n ${base}`).get(...args, ...cargs) as { n: number }).n;
    const rows = this.#q(`SELECT g.id, g.body, g.revision ${base} ORDER BY g.id LIMIT ? OFFSET ?`).all(...args, ...cargs, w.limit, w.offset) as
      { id: string; body: string; revision: number }[];
    const results = rows.map((r): GroupRow => {
      const body = JSON.parse(r.body) as Record<string, unknown>;
      const tags = (body.tags as Tag[] | undefined) ?? [];
      const origin = originOfTags(tags);
      return {
        id: r.id, display_name: (body.display_name as string | undefined) ?? r.id, path: groupPath(r.id), tags,
        expression: (body.expression as unknown[] | undefined) ?? [], _revision: r.revision, ...(origin ? { origin } : {}),
      };
    });
    return { results, result_count: total };
  }
}
