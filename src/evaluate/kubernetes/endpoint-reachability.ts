// From class-level reachability to endpoints: the whole matrix (rows built once per source class and copied to
// the class's other members) or only the number of allowed pairs (never materialising the matrix).
import { BitMatrix } from '../bit-matrix.ts';
import type { PortQuery } from '../connection.ts';
import type { Endpoint } from '../endpoint.ts';
import type { CompiledPolicies } from './compiled-policies.ts';
import { PortReachability } from './port-reachability.ts';

/** Decides one pair of endpoints the slow way (for endpoints the compiled form does not know). */
export type PairOracle = (src: Endpoint, dst: Endpoint) => boolean;

/** Endpoints grouped by class (see `groupByClass`). */
export interface Grouped {
  /** Class of each endpoint, -1 when unknown. */
  readonly cls: Int32Array;
  /** Endpoints per class: members of class c are order[start[c] .. start[c+1]). */
  readonly start: Int32Array;
  readonly order: Int32Array;
  /** Classes that have members, ascending. */
  readonly present: number[];
  /** Endpoints without a class. */
  readonly unknown: number[];
  /** Groups of 2+ endpoints of the same pod (a pod's traffic to itself across its addresses). */
  readonly samePod: number[][];
}

/** Groups endpoints by their compiled class: members per class, endpoints without one, endpoints of one pod. */
export function groupByClass(compiled: CompiledPolicies, endpoints: readonly Endpoint[]): Grouped {
  const K = compiled.classCount;
  const n = endpoints.length;
  const cls = new Int32Array(n);
  const count = new Int32Array(K + 1);
  const unknown: number[] = [];
  // Endpoints of the same pod: found by pod number (pods of the compiled cluster) or by id (others).
  const firstOfPod = new Int32Array(compiled.podCount).fill(-1);
  const byPod = new Map<number | string, number[]>();
  const otherPods = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const e = endpoints[i];
    const c = compiled.classOf(e);
    cls[i] = c;
    if (c < 0) unknown.push(i);
    else count[c + 1]++;
    if (e.kind !== 'pod') continue;
    const p = compiled.podNumber(e);
    const key: number | string = p >= 0 ? p : e.id;
    const first = p >= 0 ? firstOfPod[p] : otherPods.get(e.id) ?? -1;
    if (first < 0) {
      if (p >= 0) firstOfPod[p] = i;
      else otherPods.set(e.id, i);
      continue;
    }
    const list = byPod.get(key);
    if (list) list.push(i);
    else byPod.set(key, [first, i]);
  }
  const start = new Int32Array(K + 1);
  const present: number[] = [];
  for (let c = 0; c < K; c++) {
    start[c + 1] = start[c] + count[c + 1];
    if (count[c + 1] > 0) present.push(c);
  }
  const fill = start.slice(0, K);
  const order = new Int32Array(n - unknown.length);
  for (let i = 0; i < n; i++) if (cls[i] >= 0) order[fill[cls[i]]++] = i;
  const samePod: number[][] = [];
  for (const list of byPod.values()) samePod.push(list);
  return { cls, start, order, present, unknown, samePod };
}

/** The reachability matrix (row = source, column = destination) computed per class. */
export function classMatrix(compiled: CompiledPolicies, endpoints: readonly Endpoint[], query: PortQuery, slow: PairOracle): BitMatrix {
  const n = endpoints.length;
  const m = new BitMatrix(n, n);
  const g = groupByClass(compiled, endpoints);
  const reach = new PortReachability(compiled, query);
  const weight = new Int32Array(compiled.classCount);
  for (const c of g.present) weight[c] = g.start[c + 1] - g.start[c];
  // Transpose "allowed sources per destination class" into "destination classes per source class".
  const openDst: number[] = [];
  const dstBySrc: number[][] = new Array(compiled.classCount);
  for (const c of g.present) {
    const all = reach.forEachAllowedSource(c, (s) => {
      const list = dstBySrc[s];
      if (list) list.push(c);
      else dstBySrc[s] = [c];
    }, weight);
    if (all) openDst.push(c);
  }
  const words = m.words;
  const stride = m.stride;
  for (const s of g.present) {
    const first = g.order[g.start[s]];
    const base = first * stride;
    for (const list of [openDst, dstBySrc[s] ?? []]) {
      for (const c of list) {
        for (let k = g.start[c]; k < g.start[c + 1]; k++) {
          const j = g.order[k];
          words[base + (j >>> 5)] |= 1 << (j & 31);
        }
      }
    }
    for (let k = g.start[s] + 1; k < g.start[s + 1]; k++) words.copyWithin(g.order[k] * stride, base, base + stride);
  }
  // A pod's traffic to itself is always allowed.
  for (let i = 0; i < n; i++) if (endpoints[i].kind === 'pod') m.set(i, i);
  for (const list of g.samePod) for (const i of list) for (const j of list) m.set(i, j);
  for (const u of g.unknown) {
    for (let j = 0; j < n; j++) {
      m.set(u, j, slow(endpoints[u], endpoints[j]));
      m.set(j, u, slow(endpoints[j], endpoints[u]));
    }
  }
  return m;
}

/** The number of allowed (source, destination) pairs, computed per class without building the matrix. */
export function countAllowedPairs(compiled: CompiledPolicies, endpoints: readonly Endpoint[], query: PortQuery, slow: PairOracle): number {
  const n = endpoints.length;
  const g = groupByClass(compiled, endpoints);
  const reach = new PortReachability(compiled, query);
  const weight = new Float64Array(compiled.classCount);
  let total = 0;
  for (const c of g.present) {
    weight[c] = g.start[c + 1] - g.start[c];
    total += weight[c];
  }
  let notIsolatedWeight = 0;
  const ne = compiled.notEgressIsolated;
  if (!ne.all) for (let i = 0; i < ne.ids.length; i++) notIsolatedWeight += weight[ne.ids[i]];
  let pairs = 0;
  for (const c of g.present) pairs += weight[c] * reach.allowedWeight(c, weight, total, notIsolatedWeight);
  // A pod's traffic to itself: add the self pairs the class-level answer denies.
  const selfOk = new Int8Array(compiled.classCount).fill(-1);
  for (let i = 0; i < n; i++) {
    const c = g.cls[i];
    if (c < 0 || endpoints[i].kind !== 'pod') continue;
    if (selfOk[c] < 0) selfOk[c] = reach.allows(c, c) ? 1 : 0;
    if (selfOk[c] === 0) pairs++;
  }
  for (const list of g.samePod) {
    for (const i of list) for (const j of list) {
      if (i !== j && g.cls[i] >= 0 && g.cls[j] >= 0 && !reach.allows(g.cls[i], g.cls[j])) pairs++;
    }
  }
  // Endpoints the compiled form does not know: their rows and columns one connection at a time.
  const isUnknown = new Uint8Array(n);
  for (const u of g.unknown) isUnknown[u] = 1;
  for (const u of g.unknown) {
    for (let j = 0; j < n; j++) {
      if (slow(endpoints[u], endpoints[j])) pairs++;
      if (!isUnknown[j] && slow(endpoints[j], endpoints[u])) pairs++;
    }
  }
  return pairs;
}
