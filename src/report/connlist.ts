// `np2dfw reach -o connlist`: the allowed connections as a list, one line per pair of endpoints, aggregated over
// ports and port ranges, with address ranges for what lies outside the cluster.
import type { BitMatrix } from '../evaluate/bit-matrix.ts';
import type { Endpoint } from '../evaluate/endpoint.ts';
import { classMembers } from '../evaluate/core/class-evaluator.ts';
import type { ClassMatrix, ReachabilityEngine } from '../evaluate/engine.ts';
import { isSelfTraffic } from '../evaluate/kubernetes/kubernetes-engine.ts';
import type { AddressAtom } from '../evaluate/verify/address-atoms.ts';
import { formatAddressRange } from '../net/address-range.ts';
import { formatPortRanges, mergePortRanges, type PortRange } from './port-ranges.ts';

/** One line of the list: the source may open connections to the destination on these ports. */
export interface ConnlistRow {
  readonly src: string;
  readonly dst: string;
  /** Merged, in protocol then port order. */
  readonly ports: readonly PortRange[];
}

/** External endpoints standing for address atoms: one per atom that has an address no pod holds, id = its range. */
export function atomEndpoints(atoms: readonly AddressAtom[]): { endpoint: Endpoint; atom: AddressAtom }[] {
  return atoms.flatMap((atom) => atom.representative === undefined ? [] : [{
    atom,
    endpoint: { kind: 'external' as const, id: formatAddressRange(atom.first, atom.last, atom.family), ip: atom.representative, family: atom.family },
  }]);
}

/** The ports on which one pair of endpoints (by index) is listed. */
export interface PairPorts {
  readonly i: number;
  readonly j: number;
  readonly ports: readonly PortRange[];
}

/**
 * Pairs of endpoints as list rows. When `atoms` is given, the last `atoms.length` endpoints stand for those
 * address atoms in address order, and a pod's rows to (or from) neighbouring atoms on the same ports become one row
 * with the whole range. Rows from pods come first (source, then destination, in endpoint order), then rows from
 * outside the cluster (by address, then destination).
 */
export function pairRows(pairs: readonly PairPorts[], endpoints: readonly Endpoint[], atoms?: readonly AddressAtom[]): ConnlistRow[] {
  const rows = new RowMaker(endpoints, atoms);
  const fromPods = pairs.filter((p) => !rows.isAtom(p.i)).sort((a, b) => a.i - b.i || a.j - b.j);
  const out: ConnlistRow[] = [];
  for (let k = 0; k < fromPods.length;) {
    let m = k + 1;
    while (m < fromPods.length && fromPods[m].i === fromPods[k].i) m++;
    out.push(...rows.fromSource(fromPods.slice(k, m)));
    k = m;
  }
  const count = atoms?.length ?? 0;
  const byAtom: PairPorts[][] = Array.from({ length: count }, () => []);
  for (const p of pairs) if (rows.isAtom(p.i)) byAtom[p.i - (endpoints.length - count)].push(p);
  for (const list of byAtom) list.sort((a, b) => a.j - b.j);
  out.push(...atomRows(count, (a) => byAtom[a], (first, last, j, ports) => rows.atomRow(first, last, j, ports)));
  return out;
}

/** Makes rows of pairs: one source's at a time, and those from address atoms all together. */
class RowMaker {
  readonly #endpoints: readonly Endpoint[];
  readonly #atoms: readonly AddressAtom[] | undefined;
  readonly #firstAtom: number;
  constructor(endpoints: readonly Endpoint[], atoms: readonly AddressAtom[] | undefined) {
    this.#endpoints = endpoints;
    this.#atoms = atoms;
    this.#firstAtom = endpoints.length - (atoms?.length ?? 0);
  }
  isAtom(k: number): boolean {
    return this.#atoms !== undefined && k >= this.#firstAtom;
  }
  /** The rows of one source that is no atom: its pairs in destination order, neighbouring atoms merged. */
  fromSource(pairs: readonly PairPorts[]): ConnlistRow[] {
    const out: ConnlistRow[] = [];
    let k = 0;
    while (k < pairs.length) {
      if (!this.isAtom(pairs[k].j)) {
        const p = pairs[k++];
        out.push({ src: this.#endpoints[p.i].id, dst: this.#endpoints[p.j].id, ports: p.ports });
        continue;
      }
      let m = k;
      while (m < pairs.length && this.isAtom(pairs[m].j)) m++;
      out.push(...this.#toAtoms(pairs.slice(k, m)));
      k = m;
    }
    return out;
  }
  /** The row from atoms `first`..`last` (numbered from 0) to endpoint `j`. */
  atomRow(first: number, last: number, j: number, ports: readonly PortRange[]): ConnlistRow {
    return { src: this.#range(this.#firstAtom + first, this.#firstAtom + last), dst: this.#endpoints[j].id, ports };
  }
  #range(a: number, b: number): string {
    const atoms = this.#atoms!;
    return formatAddressRange(atoms[a - this.#firstAtom].first, atoms[b - this.#firstAtom].last, atoms[a - this.#firstAtom].family);
  }
  /** One source's pairs to neighbouring atoms (in atom order) on the same ports, as one row per run. */
  #toAtoms(list: readonly PairPorts[]): ConnlistRow[] {
    const out: ConnlistRow[] = [];
    let k = 0;
    while (k < list.length) {
      const text = formatPortRanges(list[k].ports);
      let m = k + 1;
      while (m < list.length && continuesRun(list[m - 1].j, text, list[m].j, formatPortRanges(list[m].ports))) m++;
      out.push({ src: this.#endpoints[list[k].i].id, dst: this.#range(list[k].j, list[m - 1].j), ports: list[k].ports });
      k = m;
    }
    return out;
  }
}

/**
 * The allowed connections among the endpoints on the given port classes (each class: every port of the range is
 * treated alike, so its first port is asked). A pod's traffic to itself and traffic between two external
 * endpoints are left out. `atoms`: see `pairRows`.
 */
export function connectionList(
  engine: ReachabilityEngine,
  endpoints: readonly Endpoint[],
  classes: readonly PortRange[],
  atoms?: readonly AddressAtom[],
): ConnlistRow[] {
  return [...connectionRows(engine, endpoints, classes, atoms)];
}

/**
 * connectionList's rows as they are found, in the same order: source by source (each source's pairs are found,
 * sorted and turned into rows, then let go), then the rows from address atoms, atom by atom (atomRows).
 */
export function* connectionRows(
  engine: ReachabilityEngine,
  endpoints: readonly Endpoint[],
  classes: readonly PortRange[],
  atoms?: readonly AddressAtom[],
): Generator<ConnlistRow> {
  const listed = (i: number, j: number) => !((endpoints[i].kind === 'external' && endpoints[j].kind === 'external') || isSelfTraffic(endpoints[i], endpoints[j]));
  const pairsOf = classPairPorts(engine, endpoints, classes, listed) ?? matrixPairPorts(engine, endpoints, classes, listed);
  const rows = new RowMaker(endpoints, atoms);
  const firstAtom = endpoints.length - (atoms?.length ?? 0);
  for (let i = 0; i < firstAtom; i++) yield* rows.fromSource(pairsOf(i));
  if (atoms?.length) yield* atomRows(atoms.length, (a) => pairsOf(firstAtom + a), (a, b, j, ports) => rows.atomRow(a, b, j, ports));
}

/**
 * Whether an atom joins the run of atoms ending at `last` (pairs with one endpoint on the same other side): the
 * next atom, on the same ports. Such a run is one row, with the atoms' whole address range.
 */
function continuesRun(last: number, lastPorts: string, atom: number, ports: string): boolean {
  return atom === last + 1 && ports === lastPorts;
}

/** A run of neighbouring atoms (by number, from 0) with the same ports to one destination. */
interface AtomRun {
  readonly start: number;
  end: number;
  readonly j: number;
  readonly text: string;
  readonly ports: readonly PortRange[];
}

/**
 * The rows from address atoms (numbered from 0 in address order): one row per run of neighbouring atoms with the
 * same ports to one destination, ordered by the run's first atom, then by destination. They are made atom by atom: a run stays open while the
 * next atom goes on with it, and the rows starting at an atom are written once no run starting there is open. What
 * is held is the open runs and the closed ones waiting behind them, never the atoms' pairs.
 */
export function* atomRows(
  count: number,
  pairsOf: (atom: number) => readonly PairPorts[],
  row: (first: number, last: number, j: number, ports: readonly PortRange[]) => ConnlistRow,
): Generator<ConnlistRow> {
  const open = new Map<number, AtomRun>();
  const openFrom = new Int32Array(count);
  const closed: AtomRun[][] = Array.from({ length: count }, () => []);
  let next = 0;
  const close = (run: AtomRun) => {
    open.delete(run.j);
    openFrom[run.start]--;
    closed[run.start].push(run);
  };
  const ready = function* (upTo: number): Generator<ConnlistRow> {
    for (; next < upTo && openFrom[next] === 0; next++) {
      for (const run of closed[next].sort((x, y) => x.j - y.j)) yield row(run.start, run.end, run.j, run.ports);
      closed[next] = [];
    }
  };
  for (let a = 0; a < count; a++) {
    for (const p of pairsOf(a)) {
      const text = formatPortRanges(p.ports);
      const run = open.get(p.j);
      if (run && continuesRun(run.end, run.text, a, text)) {
        run.end = a;
        continue;
      }
      if (run) close(run);
      open.set(p.j, { start: a, end: a, j: p.j, text, ports: p.ports });
      openFrom[a]++;
    }
    for (const run of [...open.values()]) if (run.end < a) close(run);
    yield* ready(a);
  }
  for (const run of [...open.values()]) close(run);
  yield* ready(count);
}

/** One source's listed pairs, in destination order. */
type SourcePairs = (i: number) => PairPorts[];

/** The listed pairs from every port class's endpoint matrix: for engines without class matrices. */
function matrixPairPorts(engine: ReachabilityEngine, endpoints: readonly Endpoint[], classes: readonly PortRange[], listed: (i: number, j: number) => boolean): SourcePairs {
  const matrices: BitMatrix[] = classes.map((c) => engine.matrix(endpoints, { protocol: c.protocol, port: c.first }));
  return (i) => {
    const pairs: PairPorts[] = [];
    for (let j = 0; j < endpoints.length; j++) {
      if (!listed(i, j)) continue;
      const ports = classes.filter((_, k) => matrices[k].get(i, j));
      if (ports.length) pairs.push({ i, j, ports: mergePortRanges(ports) });
    }
    return pairs;
  };
}

/**
 * The listed pairs from the engine's class matrices (undefined when it has none for some port class): per source,
 * the destinations of the classes its row holds, so the work follows the allowed pairs, never every pair of
 * endpoints.
 */
function classPairPorts(engine: ReachabilityEngine, endpoints: readonly Endpoint[], classes: readonly PortRange[], listed: (i: number, j: number) => boolean): SourcePairs | undefined {
  const matrices: ClassMatrix[] = [];
  for (const c of classes) {
    const m = engine.classMatrix?.(endpoints, { protocol: c.protocol, port: c.first });
    if (!m) return undefined;
    matrices.push(m);
  }
  const members = matrices.map(classMembers);
  const portsOf: (number[] | undefined)[] = new Array(endpoints.length);
  return (i) => {
    const touched: number[] = [];
    matrices.forEach((m, k) => {
      m.rows.forEachMember(m.rowOf[m.classOf[i]], (c) => {
        for (const j of members[k][c]) {
          const ks = portsOf[j];
          if (ks) ks.push(k);
          else {
            portsOf[j] = [k];
            touched.push(j);
          }
        }
      });
    });
    touched.sort((a, b) => a - b);
    const pairs: PairPorts[] = [];
    for (const j of touched) {
      const ks = portsOf[j]!;
      portsOf[j] = undefined;
      if (listed(i, j)) pairs.push({ i, j, ports: mergePortRanges(ks.map((k) => classes[k])) });
    }
    return pairs;
  };
}

/** Rows per chunk of connlistChunks. */
const ROWS_PER_CHUNK = 4096;

/**
 * `ns/a => ns/b : TCP 8080,9090`, one line per row, in endpoint order (pods by name, then addresses in order), in
 * chunks of rows: written as they are made rather than joined into one string.
 */
export function* connlistChunks(rows: Iterable<ConnlistRow>): Generator<string> {
  let chunk = '';
  let n = 0;
  for (const r of rows) {
    chunk += `${r.src} => ${r.dst} : ${formatPortRanges(r.ports)}\n`;
    if (++n === ROWS_PER_CHUNK) {
      yield chunk;
      chunk = '';
      n = 0;
    }
  }
  if (n) yield chunk;
}
