// `reach`'s view per group of endpoints (namespaces, externals together): allowed connections counted per group
// pair and port, from the engine's endpoint classes when it has them, never from a pod-by-pod matrix then.
import type { PortQuery } from '../evaluate/connection.ts';
import { countOf } from '../evaluate/counts.ts';
import type { Endpoint } from '../evaluate/endpoint.ts';
import type { ReachabilityEngine } from '../evaluate/engine.ts';
import { groupByNamespace, type EndpointGroup } from './endpoint-groups.ts';
import { groupCounts, groupCountsFromMatrix, type GroupCounts } from './group-counts.ts';
import type { Reachability } from './port-matrix.ts';
import type { ProgressCallback } from '../evaluate/progress.ts';

/** One port's counts per group pair. */
export interface GroupedPort {
  readonly query: PortQuery;
  readonly counts: GroupCounts;
}

/** Every port's counts per namespace pair, over the endpoints (rows and columns) in group order. */
export interface GroupedReachability {
  readonly endpoints: readonly Endpoint[];
  readonly groups: readonly EndpointGroup[];
  readonly ports: readonly GroupedPort[];
}

/** Counts each port per namespace pair with the engine (on its classes when it has them). */
export function groupedReachability(engine: ReachabilityEngine, endpoints: readonly Endpoint[], ports: readonly PortQuery[], progress?: ProgressCallback): GroupedReachability {
  const groups = groupByNamespace(endpoints);
  const out: GroupedPort[] = [];
  const phase = `counting the connections of ${countOf(endpoints.length, 'endpoint')} per namespace pair and port`;
  ports.forEach((query, i) => {
    progress?.({ done: i, total: ports.length, what: phase });
    out.push({ query, counts: groupCounts(engine, endpoints, groups, query) });
  });
  progress?.({ done: ports.length, total: ports.length, what: phase });
  return { endpoints, groups, ports: out };
}

/** The same counts from matrices already computed. */
export function groupMatrices(r: Reachability): GroupedReachability {
  const groups = groupByNamespace(r.endpoints);
  return { endpoints: r.endpoints, groups, ports: r.ports.map(({ query, matrix }) => ({ query, counts: groupCountsFromMatrix(matrix, groups) })) };
}
