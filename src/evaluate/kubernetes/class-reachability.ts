// The reference engine's class-level reachability for a list of endpoints (see ../class-reachability.ts).
import type { ClassReachability } from '../class-reachability.ts';
import type { PortQuery } from '../connection.ts';
import type { Endpoint } from '../endpoint.ts';
import type { CompiledPolicies } from './compiled-policies.ts';
import { groupByClass, type PairOracle } from './endpoint-reachability.ts';
import { PortReachability } from './port-reachability.ts';

/** Class-level reachability of the endpoints on the query's port over compiled policies. */
export function classReachability(compiled: CompiledPolicies, endpoints: readonly Endpoint[], query: PortQuery, slow: PairOracle): ClassReachability {
  const g = groupByClass(compiled, endpoints);
  const reach = new PortReachability(compiled, query);
  const weight = new Int32Array(compiled.classCount);
  for (const c of g.present) weight[c] = g.start[c + 1] - g.start[c];
  return {
    classOf: g.cls,
    start: g.start,
    order: g.order,
    present: g.present,
    unknown: g.unknown,
    samePod: g.samePod,
    forEachDestination(visit) {
      const sources: number[] = [];
      const add = (s: number) => { sources.push(s); };
      for (const c of g.present) {
        sources.length = 0;
        const all = reach.forEachAllowedSource(c, add, weight);
        visit(c, all ? 'all' : sources);
      }
    },
    allows: (src, dst) => reach.allows(src, dst),
    pairAllowed: (i, j) => {
      const s = g.cls[i];
      const d = g.cls[j];
      if (s < 0 || d < 0) return slow(endpoints[i], endpoints[j]);
      if (endpoints[i].kind === 'pod' && (i === j || samePodOf(g.samePod, i, j))) return true;
      return reach.allows(s, d);
    },
  };
}

function samePodOf(lists: readonly (readonly number[])[], i: number, j: number): boolean {
  for (const list of lists) if (list.includes(i)) return list.includes(j);
  return false;
}
