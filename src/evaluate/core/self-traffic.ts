// The one pod-to-itself rule of every evaluator: a pod cannot block access to itself, so a connection whose two
// ends are the same pod (same namespace and name, whatever address) is always allowed, in both directions.
import { podId } from '../../k8s/pod.ts';
import type { BitMatrix } from '../bit-matrix.ts';
import type { Decision } from '../decision.ts';
import type { Endpoint } from '../endpoint.ts';

/** Whether a connection is a pod's traffic to itself (the same pod at both ends), which is always allowed. */
export function isSelfTraffic(src: Endpoint, dst: Endpoint): boolean {
  return src.kind === 'pod' && dst.kind === 'pod' && (src.pod === dst.pod || podId(src.pod) === podId(dst.pod));
}

/** The decision of one direction of a pod's traffic to itself; `direction` is named when given. */
export function selfDecision(direction?: 'ingress' | 'egress'): Decision {
  return { allowed: true, by: `a pod's traffic to itself is always allowed${direction ? ` (${direction})` : ''}`, notes: [] };
}

/** The endpoints of each pod that appears more than once (at several addresses, or listed twice). */
export function samePodGroups(endpoints: readonly Endpoint[]): number[][] {
  const first = new Map<string, number>();
  const groups = new Map<string, number[]>();
  endpoints.forEach((e, i) => {
    if (e.kind !== 'pod') return;
    const f = first.get(e.id);
    if (f === undefined) first.set(e.id, i);
    else {
      const list = groups.get(e.id);
      if (list) list.push(i);
      else groups.set(e.id, [f, i]);
    }
  });
  return [...groups.values()];
}

/** Sets every cell of a square matrix over `endpoints` whose two ends are the same pod. */
export function allowSelfTraffic(m: BitMatrix, endpoints: readonly Endpoint[], samePod: readonly (readonly number[])[] = samePodGroups(endpoints)): void {
  for (let i = 0; i < endpoints.length; i++) if (endpoints[i].kind === 'pod') m.set(i, i);
  for (const list of samePod) for (const i of list) for (const j of list) m.set(i, j);
}
