// The part of the stored DFW configuration that can decide connections of one cluster: what verification of an
// import evaluates. A server holding the policies of many clusters (30,000 security policies and 60,000 groups)
// would otherwise have every evaluation compile and classify every group of every cluster.
import type { DfwConfig } from '../../model/dfw-config.ts';
import type { Group } from '../../model/group.ts';
import { clusterControlPlanePath, DOMAIN_PATH } from '../../model/paths.ts';
import type { SecurityPolicy } from '../../model/security-policy.ts';

/** The groups of a configuration by path (a Map, or a view over several). */
export type GroupsByPath = Pick<ReadonlyMap<string, Group>, 'get'>;

const GROUP_PREFIX = `${DOMAIN_PATH}/groups/`;
const CLUSTER_MARK = '/cluster-control-planes/';

/** Every group path named anywhere inside `value` (fields, lists, nested expressions), added to `out`. */
function groupPathsIn(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    if (value.startsWith(GROUP_PREFIX)) out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) groupPathsIn(v, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) groupPathsIn(v, out);
  }
}

/**
 * Whether a security policy can apply in the cluster: its scope names no cluster, or names this one. The DFW
 * engine orders and filters by the same rule; this only spares it the policies it would leave out anyway.
 */
function mayApplyIn(policy: SecurityPolicy, clusterPath: string): boolean {
  const clusters = policy.scope.filter((p) => p.includes(CLUSTER_MARK));
  return clusters.length === 0 || clusters.includes(clusterPath);
}

/**
 * The security policies of `config` that can apply in cluster `name`, and the groups they refer to (through
 * rules, scopes and child groups, transitively), in `config`'s order; the origins are kept whole. Evaluating
 * this gives every connection of the cluster the verdict `config` gives it: the other policies never apply there,
 * and a group no remaining object names cannot decide anything.
 */
export function configForCluster(config: DfwConfig, name: string, groupsByPath?: GroupsByPath): DfwConfig {
  const clusterPath = clusterControlPlanePath(name);
  const policies = config.policies.filter((p) => mayApplyIn(p, clusterPath));
  const byPath = groupsByPath ?? new Map(config.groups.map((g) => [g.path, g]));
  const needed = new Set<string>();
  const queue: string[] = [];
  for (const p of policies) groupPathsIn(p, queue);
  while (queue.length) {
    const path = queue.pop()!;
    if (needed.has(path)) continue;
    needed.add(path);
    const g = byPath.get(path);
    if (g) groupPathsIn(g.expression, queue);
  }
  return { groups: config.groups.filter((g) => needed.has(g.path)), policies, origins: config.origins };
}
