// Allowed connections counted per pair of endpoint groups (namespaces, and the externals together): from the
// engine's endpoint classes when it offers them (class pairs weighted by how many endpoints of each group a class
// holds, never pod pairs), else from the endpoint-by-endpoint matrix.
import type { BitMatrix } from '../evaluate/bit-matrix.ts';
import type { ClassReachability } from '../evaluate/class-reachability.ts';
import type { PortQuery } from '../evaluate/connection.ts';
import type { Endpoint } from '../evaluate/endpoint.ts';
import type { ReachabilityEngine } from '../evaluate/engine.ts';
import type { EndpointGroup } from './endpoint-groups.ts';

/** One port's allowed connections between every pair of groups (source group, destination group). */
export interface GroupCounts {
  /** Allowed connections over every pair of endpoints. */
  readonly total: number;
  /** Allowed connections from the endpoints of group `src` to those of group `dst` (by index in the group list). */
  allowed(src: number, dst: number): number;
  /**
   * The destination groups that may be partly allowed from `src`: every group not listed is either all allowed
   * (`allAllowed`) or all denied. Ascending, without duplicates.
   */
  candidates(src: number): readonly number[];
  /** Whether every endpoint of every group may reach every endpoint of `dst`. */
  allAllowed(dst: number): boolean;
}

/** Per endpoint, the index of its group. */
export function groupIndex(groups: readonly EndpointGroup[], endpointCount: number): Int32Array {
  const out = new Int32Array(endpointCount).fill(-1);
  groups.forEach((g, k) => { for (const [s, e] of g.ranges) out.fill(k, s, e); });
  return out;
}

/** A growable list of numbers in a typed array (doubling). */
function grown<T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Sparse counts per source group, plus per destination group the endpoints every source reaches. The sparse
 * counts are gathered as (source, destination, count) entries in flat arrays, then merged per source group into
 * rows sorted by destination (no map per group).
 */
class Counts implements GroupCounts {
  total = 0;
  private src = new Int32Array(256);
  private dst = new Int32Array(256);
  private n = new Float64Array(256);
  private length = 0;
  /** After `finish`: the row of source group g is rowDst/rowN[rowStart[g] .. rowStart[g + 1]). */
  private rowStart = new Int32Array(0);
  private rowDst = new Int32Array(0);
  private rowN = new Float64Array(0);
  /** Per destination group: endpoints whose sources are all allowed (counted for the classified sources). */
  private readonly open: Float64Array;
  /** Per source group: endpoints with a class (the ones `open` counts for). */
  private readonly classified: Float64Array;
  private readonly sizes: readonly number[];
  private partlyOpen: number[] | undefined;
  private everyClassified: boolean | undefined;

  constructor(groups: readonly EndpointGroup[]) {
    this.open = new Float64Array(groups.length);
    this.classified = new Float64Array(groups.length);
    this.sizes = groups.map((g) => g.size);
  }

  add(src: number, dst: number, n: number): void {
    this.total += n;
    const last = this.length - 1;
    if (last >= 0 && this.src[last] === src && this.dst[last] === dst) {
      this.n[last] += n; // the same pair again (a group's pods' traffic to themselves comes in a run)
      return;
    }
    if (this.length === this.src.length) {
      this.src = grown(this.src, (k) => new Int32Array(k));
      this.dst = grown(this.dst, (k) => new Int32Array(k));
      this.n = grown(this.n, (k) => new Float64Array(k));
    }
    this.src[this.length] = src;
    this.dst[this.length] = dst;
    this.n[this.length++] = n;
  }

  addOpen(dst: number, n: number): void {
    this.open[dst] += n;
  }

  addClassified(src: number, n: number): void {
    this.classified[src] += n;
  }

  /** Adds what `open` stands for to the total and merges the entries into rows, once every count is in. */
  finish(): this {
    let sources = 0;
    for (const n of this.classified) sources += n;
    for (const n of this.open) this.total += n * sources;
    this.mergeRows();
    return this;
  }

  /** Entries by source group (counting sort), then each row sorted by destination with equal ones summed. */
  private mergeRows(): void {
    const G = this.sizes.length;
    const start = new Int32Array(G + 1);
    for (let i = 0; i < this.length; i++) start[this.src[i] + 1]++;
    for (let g = 0; g < G; g++) start[g + 1] += start[g];
    const fill = start.slice(0, G);
    const order = new Int32Array(this.length);
    for (let i = 0; i < this.length; i++) order[fill[this.src[i]]++] = i;
    const rowDst = new Int32Array(this.length);
    const rowN = new Float64Array(this.length);
    let out = 0;
    for (let g = 0; g < G; g++) {
      const from = out;
      const row = order.subarray(start[g], start[g + 1]);
      if (row.length > 1) row.sort((a, b) => this.dst[a] - this.dst[b] || a - b);
      for (const i of row) {
        if (out > from && rowDst[out - 1] === this.dst[i]) rowN[out - 1] += this.n[i];
        else (rowDst[out] = this.dst[i]), (rowN[out++] = this.n[i]);
      }
      start[g] = from;
    }
    start[G] = out;
    this.rowStart = start;
    this.rowDst = rowDst.slice(0, out);
    this.rowN = rowN.slice(0, out);
    this.src = this.dst = new Int32Array(0);
    this.n = new Float64Array(0);
  }

  /** The sparse count of a pair (binary search in the source's row). */
  private entry(src: number, dst: number): number {
    let lo = this.rowStart[src];
    let hi = this.rowStart[src + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const d = this.rowDst[mid];
      if (d === dst) return this.rowN[mid];
      if (d < dst) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  allowed(src: number, dst: number): number {
    return this.classified[src] * this.open[dst] + this.entry(src, dst);
  }

  allAllowed(dst: number): boolean {
    this.everyClassified ??= this.classified.every((n, g) => n === this.sizes[g]);
    return this.everyClassified && this.open[dst] === this.sizes[dst];
  }

  candidates(src: number): readonly number[] {
    this.partlyOpen ??= [...this.open.keys()].filter((h) => this.open[h] > 0 && !this.allAllowed(h));
    const row = this.rowDst.subarray(this.rowStart[src], this.rowStart[src + 1]);
    if (row.length === 0) return this.partlyOpen;
    if (this.partlyOpen.length === 0) return Array.from(row);
    return [...new Set([...this.partlyOpen, ...row])].sort((a, b) => a - b);
  }
}

/** Per class, its members per group: groups and counts of class c at [start[c], start[c + 1]) (most classes lie in one group). */
interface ClassGroups {
  readonly start: Int32Array;
  readonly group: Int32Array;
  readonly count: Float64Array;
}

/** Tallies each class's members per group (and every classified endpoint in `counts`). */
function classGroupsOf(cr: ClassReachability, groupOf: Int32Array, groupCount: number, counts: Counts): ClassGroups {
  const K = cr.start.length - 1;
  const start = new Int32Array(K + 1);
  const group = new Int32Array(cr.order.length);
  const count = new Float64Array(cr.order.length);
  const tally = new Float64Array(groupCount);
  const touched: number[] = [];
  let n = 0;
  for (let c = 0; c < K; c++) {
    start[c] = n;
    for (let k = cr.start[c]; k < cr.start[c + 1]; k++) {
      const g = groupOf[cr.order[k]];
      if (tally[g] === 0) touched.push(g);
      tally[g]++;
      counts.addClassified(g, 1);
    }
    for (const g of touched) {
      group[n] = g;
      count[n++] = tally[g];
      tally[g] = 0;
    }
    touched.length = 0;
  }
  start[K] = n;
  return { start, group, count };
}

/** Counts from class-level reachability: per destination class, its allowed source classes times their sizes. */
export function groupCountsFromClasses(cr: ClassReachability, groups: readonly EndpointGroup[], endpoints: readonly Endpoint[]): GroupCounts {
  const groupOf = groupIndex(groups, endpoints.length);
  const counts = new Counts(groups);
  const { start, group, count } = classGroupsOf(cr, groupOf, groups.length, counts);
  cr.forEachDestination((dst, sources) => {
    if (sources === 'all') {
      for (let b = start[dst]; b < start[dst + 1]; b++) counts.addOpen(group[b], count[b]);
      return;
    }
    for (const src of sources) {
      for (let a = start[src]; a < start[src + 1]; a++) {
        for (let b = start[dst]; b < start[dst + 1]; b++) counts.add(group[a], group[b], count[a] * count[b]);
      }
    }
  });
  addSelfTraffic(cr, groupOf, endpoints, counts);
  // Endpoints without a class: their rows and columns pair by pair.
  const unknown = new Uint8Array(endpoints.length);
  for (const u of cr.unknown) unknown[u] = 1;
  for (const u of cr.unknown) {
    for (let j = 0; j < endpoints.length; j++) {
      if (cr.pairAllowed(u, j)) counts.add(groupOf[u], groupOf[j], 1);
      if (!unknown[j] && cr.pairAllowed(j, u)) counts.add(groupOf[j], groupOf[u], 1);
    }
  }
  return counts.finish();
}

/** A pod's traffic to itself (at one address or between its addresses): allowed where the classes deny it. */
function addSelfTraffic(cr: ClassReachability, groupOf: Int32Array, endpoints: readonly Endpoint[], counts: Counts): void {
  const selfAllowed = new Int8Array(cr.start.length - 1).fill(-1);
  for (let i = 0; i < endpoints.length; i++) {
    const c = cr.classOf[i];
    if (c < 0 || endpoints[i].kind !== 'pod') continue;
    if (selfAllowed[c] < 0) selfAllowed[c] = cr.allows(c, c) ? 1 : 0;
    if (selfAllowed[c] === 0) counts.add(groupOf[i], groupOf[i], 1);
  }
  for (const list of cr.samePod) {
    for (const i of list) {
      for (const j of list) {
        if (i !== j && cr.classOf[i] >= 0 && cr.classOf[j] >= 0 && !cr.allows(cr.classOf[i], cr.classOf[j])) counts.add(groupOf[i], groupOf[j], 1);
      }
    }
  }
}

/** Counts from a whole matrix (engines without classes): each row's allowed cells, a word at a time. */
export function groupCountsFromMatrix(m: BitMatrix, groups: readonly EndpointGroup[]): GroupCounts {
  const groupOf = groupIndex(groups, m.cols);
  const counts = new Counts(groups);
  const tally = new Float64Array(groups.length);
  const touched: number[] = [];
  for (const [g, src] of groups.entries()) {
    for (const [rs, re] of src.ranges) {
      for (let r = rs; r < re; r++) {
        const base = r * m.stride;
        for (let w = 0; w < m.stride; w++) {
          let x = m.words[base + w];
          while (x !== 0) {
            const j = w * 32 + (31 - Math.clz32(x & -x));
            const h = groupOf[j];
            if (tally[h] === 0) touched.push(h);
            tally[h]++;
            x &= x - 1;
          }
        }
      }
    }
    for (const h of touched) {
      counts.add(g, h, tally[h]);
      tally[h] = 0;
    }
    touched.length = 0;
  }
  return counts.finish();
}

/** One port's counts per group pair: on the engine's classes when it has them, else on its matrix. */
export function groupCounts(engine: ReachabilityEngine, endpoints: readonly Endpoint[], groups: readonly EndpointGroup[], query: PortQuery): GroupCounts {
  if (engine.classReachability) return groupCountsFromClasses(engine.classReachability(endpoints, query), groups, endpoints);
  return groupCountsFromMatrix(engine.matrix(endpoints, query), groups);
}
