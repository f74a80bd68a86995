import { BitMatrix } from '../evaluate/bit-matrix.ts';
import type { Endpoint } from '../evaluate/endpoint.ts';
import type { Reachability } from './port-matrix.ts';

/**
 * Labels the controllers give each pod (or each revision) of one workload: they differ between pods that are
 * otherwise alike, so they do not keep them apart. The verdicts are compared anyway before merging.
 */
const PER_POD_LABELS: ReadonlySet<string> = new Set([
  'pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index',
  'batch.kubernetes.io/job-completion-index',
]);

/** The row name of a workload's pods merged: `namespace/name[Kind]`, the name a workload manifest gets. */
function workloadId(e: Extract<Endpoint, { kind: 'pod' }>): string | undefined {
  const o = e.pod.owner;
  return o && !e.pod.workload ? `${e.pod.namespace}/${o.name}[${o.kind}]` : undefined;
}

/** Whether some endpoint is a pod of a workload (so that `groupByWorkload` may merge rows). */
export function mayGroupByWorkload(endpoints: readonly Endpoint[]): boolean {
  return endpoints.some((e) => e.kind === 'pod' && workloadId(e) !== undefined);
}

function mergeKey(e: Endpoint): string | undefined {
  if (e.kind !== 'pod') return undefined;
  const id = workloadId(e);
  if (!id) return undefined;
  const labels = Object.entries(e.pod.labels).filter(([k]) => !PER_POD_LABELS.has(k)).sort(([a], [b]) => (a < b ? -1 : 1));
  const ports = e.pod.ports.map((p) => `${p.name ?? ''}/${p.port}/${p.protocol}`).sort();
  return JSON.stringify([id, e.pod.hostNetwork, labels, ports]);
}

/** Whether members of a group answer alike in every matrix: the same row and column outside, one verdict inside. */
function alike(r: Reachability, members: readonly number[]): boolean {
  if (members.length < 2) return true;
  const inGroup = new Set(members);
  const n = r.endpoints.length;
  const [first] = members;
  for (const { matrix: m } of r.ports) {
    const inside = m.get(members[0], members[1]);
    for (const i of members) {
      for (let k = 0; k < n; k++) {
        if (inGroup.has(k)) {
          if (k !== i && m.get(i, k) !== inside) return false;
        } else if (m.get(i, k) !== m.get(first, k) || m.get(k, i) !== m.get(k, first)) {
          return false;
        }
      }
    }
  }
  return true;
}

/**
 * `--group workload`: the pods of one owner (ownerReferences, followed to the workload) with the same labels and
 * ports become one row and column named `namespace/name[Kind]`, when they answer alike in every matrix (so the
 * merged table says exactly what the per-pod one does). Between pods of one merged workload, the cell is the
 * verdict of one of its pods to another. Other endpoints stay as they are.
 */
export function groupByWorkload(r: Reachability): Reachability {
  const groups = new Map<string, number[]>();
  const order: (string | number)[] = [];
  r.endpoints.forEach((e, i) => {
    const key = mergeKey(e);
    if (key === undefined) {
      order.push(i);
      return;
    }
    let g = groups.get(key);
    if (!g) {
      groups.set(key, (g = []));
      order.push(key);
    }
    g.push(i);
  });
  const rows: number[][] = [];
  for (const item of order) {
    if (typeof item === 'number') rows.push([item]);
    else if (alike(r, groups.get(item)!)) rows.push(groups.get(item)!);
    else for (const i of groups.get(item)!) rows.push([i]);
  }
  if (rows.length === r.endpoints.length) return r;
  const endpoints: Endpoint[] = rows.map((members) => {
    const e = r.endpoints[members[0]];
    return members.length > 1 && e.kind === 'pod' ? { ...e, id: workloadId(e)! } : e;
  });
  const ports = r.ports.map(({ query, matrix }) => {
    const m = new BitMatrix(rows.length, rows.length);
    rows.forEach((src, a) => rows.forEach((dst, b) => {
      const i = src[0];
      const j = a === b && src.length > 1 ? src[1] : dst[0];
      if (matrix.get(i, j)) m.set(a, b);
    }));
    return { query, matrix: m };
  });
  return { endpoints, ports, podCounts: rows.map((members) => members.length) };
}
