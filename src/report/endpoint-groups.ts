import type { Endpoint } from '../evaluate/endpoint.ts';

/** The name of the group every external endpoint falls in. */
export const EXTERNAL_GROUP = '(external)';

/** A set of endpoints shown as one row and column when a cluster is too large for a pod-by-pod grid. */
export interface EndpointGroup {
  /** A namespace, or `(external)`. */
  readonly name: string;
  /** Half-open index ranges [start, end) of the group's endpoints in the endpoint list. */
  readonly ranges: readonly (readonly [number, number])[];
  /** How many endpoints the group holds. */
  readonly size: number;
}

/** Groups endpoints by namespace (externals together), in order of first appearance. */
export function groupByNamespace(endpoints: readonly Endpoint[]): EndpointGroup[] {
  const byName = new Map<string, { name: string; ranges: [number, number][]; size: number }>();
  let i = 0;
  while (i < endpoints.length) {
    const name = groupName(endpoints[i]);
    let j = i + 1;
    while (j < endpoints.length && groupName(endpoints[j]) === name) j++;
    const g = byName.get(name);
    // A new group's list of one range is made at its size (most groups are one run of endpoints).
    if (!g) byName.set(name, { name, ranges: [[i, j]], size: j - i });
    else {
      g.ranges.push([i, j]);
      g.size += j - i;
    }
    i = j;
  }
  return [...byName.values()];
}

function groupName(e: Endpoint): string {
  return e.kind === 'pod' ? e.pod.namespace : EXTERNAL_GROUP;
}

/** A group pair's cell: `.` when every connection is allowed, `X` when none is, else `allowed/total`. */
export function groupCell(allowed: number, total: number): string {
  if (allowed === total) return '.';
  if (allowed === 0) return 'X';
  return `${allowed}/${total}`;
}
