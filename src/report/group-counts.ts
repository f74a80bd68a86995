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

/** Sparse counts per source group, plus per destination group the endpoints every source reaches. */
class Counts implements GroupCounts {
  total = 0;
  private readonly rows: (Map<number, number> | undefined)[];
  /** Per destination group: endpoints whose sources are all allowed (counted for the classified sources). */
  private readonly open: Float64Array;
  /** Per source group: endpoints with a class (the ones `open` counts for). */
  private readonly classified: Float64Array;
  private readonly sizes: readonly number[];
  private partlyOpen: number[] | undefined;
  private everyClassified: boolean | undefined;

  constructor(groups: readonly EndpointGroup[]) {
    this.rows = new Array(groups.length);
    this.open = new Float64Array(groups.length);
    this.classified = new Float64Array(groups.length);
    this.sizes = groups.map((g) => g.size);
  }

  add(src: number, dst: number, n: number): void {
    let row = this.rows[src];
    if (!row) this.rows[src] = row = new Map();
    row.set(dst, (row.get(dst) ?? 0) + n);
    this.total += n;
  }

  addOpen(dst: number, n: number): void {
    this.open[dst] += n;
  }

  addClassified(src: number, n: number): void {
    this.classified[src] += n;
  }

  /** Adds what `open` stands for to the total, once every count is in. */
  finish(): this {
    let sources = 0;
    for (const n of this.classified) sources += n;
    for (const n of this.open) this.total += n * sources;
    return this;
  }

  allowed(src: number, dst: number): number {
    return this.classified[src] * this.open[dst] + (this.rows[src]?.get(dst) ?? 0);
  }

  allAllowed(dst: number): boolean {
    this.everyClassified ??= this.classified.every((n, g) => n === this.sizes[g]);
    return this.everyClassified && this.open[dst] === this.sizes[dst];
  }

  candidates(src: number): readonly number[] {
    this.partlyOpen ??= [...this.open.keys()].filter((h) => this.open[h] > 0 && !this.allAllowed(h));
    const row = this.rows[src];
    if (!row) return this.partlyOpen;
    return [...new Set([...this.partlyOpen, ...row.keys()])].sort((a, b) => a - b);
  }
}

/** Counts from class-level reachability: per destination class, its allowed source classes times their sizes. */
export function groupCountsFromClasses(cr: ClassReachability, groups: readonly EndpointGroup[], endpoints: readonly Endpoint[]): GroupCounts {
  const groupOf = groupIndex(groups, endpoints.length);
  const counts = new Counts(groups);
  // Per class, its members per group: flat lists (most classes lie in one namespace).
  const classGroups = new Map<number, { group: Int32Array; count: Float64Array }>();
  for (const c of cr.present) {
    const tally = new Map<number, number>();
    for (let k = cr.start[c]; k < cr.start[c + 1]; k++) {
      const g = groupOf[cr.order[k]];
      tally.set(g, (tally.get(g) ?? 0) + 1);
      counts.addClassified(g, 1);
    }
    classGroups.set(c, { group: Int32Array.from(tally.keys()), count: Float64Array.from(tally.values()) });
  }
  cr.forEachDestination((dst, sources) => {
    const d = classGroups.get(dst)!;
    if (sources === 'all') {
      for (let b = 0; b < d.group.length; b++) counts.addOpen(d.group[b], d.count[b]);
      return;
    }
    for (const src of sources) {
      const s = classGroups.get(src)!;
      for (let a = 0; a < s.group.length; a++) {
        for (let b = 0; b < d.group.length; b++) counts.add(s.group[a], d.group[b], s.count[a] * d.count[b]);
      }
    }
  });
  // A pod's traffic to itself (at one address or between its addresses): allowed where the classes deny it.
  const selfAllowed = new Int8Array(cr.present.length ? Math.max(...cr.present) + 1 : 0).fill(-1);
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
