// The reachability heatmap: who may reach whom on one port, in two worlds, aggregated per namespace pair, or
// pod by pod inside one pair. Computed on the server from the engines' matrices; the browser only draws a page.
import type { BitMatrix } from '../../evaluate/bit-matrix.ts';
import { popcount } from '../../evaluate/bit-matrix.ts';
import type { PortQuery } from '../../evaluate/connection.ts';
import type { Endpoint } from '../../evaluate/endpoint.ts';
import { endpointsOf } from '../../evaluate/endpoints.ts';
import type { ReachabilityEngine } from '../../evaluate/engine.ts';
import type { Cluster } from '../../k8s/cluster.ts';
import type { Family } from '../../net/ip-address.ts';

/** A window of the heatmap: the first row and column shown, and how many of each. */
export interface HeatmapWindow {
  readonly rowOffset: number;
  readonly colOffset: number;
  readonly size: number;
}

/** One cell between namespaces: how many pod pairs, and how many of them each world allows. */
export interface NamespaceCell {
  readonly pairs: number;
  readonly before: number;
  readonly after: number;
  /** Pairs whose verdict differs between the worlds. */
  readonly changed: number;
}

/** One cell between two pods: each world's verdict. */
export interface PodCell {
  readonly before: boolean;
  readonly after: boolean;
  readonly changed: boolean;
}

/** A heatmap page. */
export interface HeatmapPage<C> {
  /** Every row (namespaces, or the source namespace's pods), with the total before paging. */
  readonly rows: readonly { readonly name: string; readonly pods?: number }[];
  readonly row_count: number;
  readonly columns: readonly { readonly name: string; readonly pods?: number }[];
  readonly column_count: number;
  readonly row_offset: number;
  readonly column_offset: number;
  /** cells[i][j]: row i, column j of this page. */
  readonly cells: readonly (readonly C[])[];
  /** Namespaces: over the whole heatmap; pods: over this page. Pairs, allowed before and after, changed. */
  readonly totals: NamespaceCell;
}

/** Counts the set bits of a row between two columns (end exclusive). */
function countRange(m: BitMatrix, row: number, start: number, end: number): number {
  if (start >= end) return 0;
  const base = row * m.stride;
  const first = start >>> 5;
  const last = (end - 1) >>> 5;
  const lowMask = (~0 << (start & 31)) >>> 0;
  const highMask = ((end & 31) === 0 ? ~0 : (1 << (end & 31)) - 1) >>> 0;
  if (first === last) return popcount((m.words[base + first] & lowMask & highMask) >>> 0);
  let n = popcount((m.words[base + first] & lowMask) >>> 0);
  for (let w = first + 1; w < last; w++) n += popcount(m.words[base + w]);
  return n + popcount((m.words[base + last] & highMask) >>> 0);
}

/** The same for the bits where two matrices differ. */
function countRangeXor(a: BitMatrix, b: BitMatrix, row: number, start: number, end: number): number {
  if (start >= end) return 0;
  const base = row * a.stride;
  const first = start >>> 5;
  const last = (end - 1) >>> 5;
  const lowMask = (~0 << (start & 31)) >>> 0;
  const highMask = ((end & 31) === 0 ? ~0 : (1 << (end & 31)) - 1) >>> 0;
  const x = (w: number) => (a.words[base + w] ^ b.words[base + w]) >>> 0;
  if (first === last) return popcount((x(first) & lowMask & highMask) >>> 0);
  let n = popcount((x(first) & lowMask) >>> 0);
  for (let w = first + 1; w < last; w++) n += popcount(x(w));
  return n + popcount((x(last) & highMask) >>> 0);
}

/** Namespaces of the endpoints (pods in pod order, so each namespace is one run). */
function namespaceRuns(endpoints: readonly Endpoint[]): { name: string; start: number; end: number }[] {
  const runs: { name: string; start: number; end: number }[] = [];
  endpoints.forEach((e, i) => {
    if (e.kind !== 'pod') return;
    const last = runs[runs.length - 1];
    if (last && last.name === e.pod.namespace && last.end === i) last.end = i + 1;
    else runs.push({ name: e.pod.namespace, start: i, end: i + 1 });
  });
  return runs;
}

/** The full namespace-by-namespace table of two worlds on one port (every cell; pages are cut from it). */
export interface NamespaceTable {
  readonly namespaces: readonly { readonly name: string; readonly pods: number }[];
  /** cells[i * n + j] */
  readonly cells: readonly NamespaceCell[];
  readonly totals: NamespaceCell;
}

/** Every namespace pair: pairs of live pods, how many each world allows, how many differ. */
export function namespaceTable(cluster: Cluster, before: ReachabilityEngine, after: ReachabilityEngine, query: PortQuery, family: Family): NamespaceTable {
  const endpoints = endpointsOf(cluster, family);
  const runs = namespaceRuns(endpoints);
  const a = before.matrix(endpoints, query);
  const b = after.matrix(endpoints, query);
  const n = runs.length;
  const acc = new Float64Array(n * n * 3);
  for (let i = 0; i < n; i++) {
    for (let row = runs[i].start; row < runs[i].end; row++) {
      for (let j = 0; j < n; j++) {
        const k = (i * n + j) * 3;
        acc[k] += countRange(a, row, runs[j].start, runs[j].end);
        acc[k + 1] += countRange(b, row, runs[j].start, runs[j].end);
        acc[k + 2] += countRangeXor(a, b, row, runs[j].start, runs[j].end);
      }
    }
  }
  const cells: NamespaceCell[] = [];
  const totals = { pairs: 0, before: 0, after: 0, changed: 0 };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = (i * n + j) * 3;
      const cell = { pairs: (runs[i].end - runs[i].start) * (runs[j].end - runs[j].start), before: acc[k], after: acc[k + 1], changed: acc[k + 2] };
      cells.push(cell);
      totals.pairs += cell.pairs;
      totals.before += cell.before;
      totals.after += cell.after;
      totals.changed += cell.changed;
    }
  }
  return { namespaces: runs.map((r) => ({ name: r.name, pods: r.end - r.start })), cells, totals };
}

/** A page of the namespace table. */
export function namespacePage(t: NamespaceTable, w: HeatmapWindow): HeatmapPage<NamespaceCell> {
  const n = t.namespaces.length;
  const rows = t.namespaces.slice(w.rowOffset, w.rowOffset + w.size);
  const columns = t.namespaces.slice(w.colOffset, w.colOffset + w.size);
  const cells = rows.map((_, i) => columns.map((__, j) => t.cells[(w.rowOffset + i) * n + w.colOffset + j]));
  return { rows, row_count: n, columns, column_count: n, row_offset: w.rowOffset, column_offset: w.colOffset, cells, totals: t.totals };
}

/** Pod by pod between a source and a destination namespace (a page of it). */
export function podPage(cluster: Cluster, before: ReachabilityEngine, after: ReachabilityEngine, query: PortQuery, family: Family,
  sourceNamespace: string, destinationNamespace: string, w: HeatmapWindow): HeatmapPage<PodCell> {
  const all = endpointsOf(cluster, family);
  const inNs = (ns: string) => all.filter((e) => e.kind === 'pod' && e.pod.namespace === ns);
  const sources = inNs(sourceNamespace);
  const destinations = inNs(destinationNamespace);
  const rowPage = sources.slice(w.rowOffset, w.rowOffset + w.size);
  const colPage = destinations.slice(w.colOffset, w.colOffset + w.size);
  // one matrix over the page's endpoints only, each endpoint once (a namespace to itself shares them)
  const endpoints = [...new Set([...rowPage, ...colPage])];
  const at = new Map(endpoints.map((e, i) => [e, i]));
  const a = before.matrix(endpoints, query);
  const b = after.matrix(endpoints, query);
  const cells = rowPage.map((r) => colPage.map((c) => {
    const x = a.get(at.get(r)!, at.get(c)!);
    const y = b.get(at.get(r)!, at.get(c)!);
    return { before: x, after: y, changed: x !== y };
  }));
  const totals = { pairs: 0, before: 0, after: 0, changed: 0 };
  for (const row of cells) {
    for (const c of row) {
      totals.pairs++;
      totals.before += c.before ? 1 : 0;
      totals.after += c.after ? 1 : 0;
      totals.changed += c.changed ? 1 : 0;
    }
  }
  const name = (e: Endpoint) => (e.kind === 'pod' ? e.pod.name : e.id);
  return {
    rows: rowPage.map((e) => ({ name: name(e) })), row_count: sources.length,
    columns: colPage.map((e) => ({ name: name(e) })), column_count: destinations.length,
    row_offset: w.rowOffset, column_offset: w.colOffset, cells, totals,
  };
}
