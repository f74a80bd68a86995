// `np2dfw reach -o connlist`: the allowed connections as a list, one line per pair of endpoints, aggregated over
// ports and port ranges, with address ranges for what lies outside the cluster.
import type { BitMatrix } from '../evaluate/bit-matrix.ts';
import type { Endpoint } from '../evaluate/endpoint.ts';
import { classMembers } from '../evaluate/core/class-evaluator.ts';
import type { ClassMatrix, ReachabilityEngine } from '../evaluate/engine.ts';
import { isSelfTraffic } from '../evaluate/kubernetes/kubernetes-engine.ts';
import type { AddressAtom } from '../evaluate/verify/address-atoms.ts';
import { addressRangeStart, formatAddressRange } from '../net/address-range.ts';
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
  out.push(...rows.fromAtoms(pairs.filter((p) => rows.isAtom(p.i))));
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
      out.push(...this.#merged(pairs.slice(k, m), 'j'));
      k = m;
    }
    return out;
  }
  /** The rows from address atoms (any order given): merged over neighbouring atoms, by address then destination. */
  fromAtoms(pairs: readonly PairPorts[]): ConnlistRow[] {
    const sorted = [...pairs].sort((a, b) => a.j - b.j || a.i - b.i);
    const tail = this.#merged(sorted, 'i').map((row, order) => ({ row, order, start: addressRangeStart(row.src) }));
    tail.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : x.order - y.order));
    return tail.map((t) => t.row);
  }
  #range(a: number, b: number): string {
    const atoms = this.#atoms!;
    return formatAddressRange(atoms[a - this.#firstAtom].first, atoms[b - this.#firstAtom].last, atoms[a - this.#firstAtom].family);
  }
  #merged(list: readonly PairPorts[], atomEnd: 'i' | 'j'): ConnlistRow[] {
    const other = atomEnd === 'i' ? 'j' : 'i';
    const out: ConnlistRow[] = [];
    let k = 0;
    while (k < list.length) {
      const text = formatPortRanges(list[k].ports);
      let m = k + 1;
      while (m < list.length && list[m][atomEnd] === list[m - 1][atomEnd] + 1 && list[m][other] === list[k][other]
        && formatPortRanges(list[m].ports) === text) m++;
      const r = this.#range(list[k][atomEnd], list[m - 1][atomEnd]);
      out.push(atomEnd === 'j' ? { src: this.#endpoints[list[k].i].id, dst: r, ports: list[k].ports } : { src: r, dst: this.#endpoints[list[k].j].id, ports: list[k].ports });
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
 * sorted and turned into rows, then let go), then the rows from address atoms, which are merged over neighbouring
 * atoms and so gathered first (they are at most atoms x endpoints, far fewer than the pods' pairs).
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
  const fromAtoms: PairPorts[] = [];
  for (let i = 0; i < endpoints.length; i++) {
    const pairs = pairsOf(i);
    if (rows.isAtom(i)) fromAtoms.push(...pairs);
    else yield* rows.fromSource(pairs);
  }
  yield* rows.fromAtoms(fromAtoms);
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
