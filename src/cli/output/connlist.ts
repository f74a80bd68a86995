// `np2dfw reach -o connlist`: the allowed connections as a list, one line per pair of endpoints, aggregated over
// ports and port ranges, with address ranges for what lies outside the cluster.
import type { BitMatrix } from '../../evaluate/bit-matrix.ts';
import type { Endpoint } from '../../evaluate/endpoint.ts';
import type { ReachabilityEngine } from '../../evaluate/engine.ts';
import { isSelfTraffic } from '../../evaluate/kubernetes/kubernetes-engine.ts';
import type { AddressAtom } from '../../evaluate/verify/address-atoms.ts';
import { addressRangeStart, formatAddressRange } from '../../net/address-range.ts';
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

/**
 * The allowed connections among the endpoints on the given port classes (each class: every port of the range is
 * treated alike, so its first port is asked). A pod's traffic to itself and traffic between two external
 * endpoints are left out. When `atoms` is given, the external endpoints at the end of `endpoints` stand for those
 * atoms, in address order; a pod's lines to (or from) neighbouring atoms on the same ports become one line with
 * the whole range.
 */
export function connectionList(
  engine: ReachabilityEngine,
  endpoints: readonly Endpoint[],
  classes: readonly PortRange[],
  atoms?: readonly AddressAtom[],
): ConnlistRow[] {
  const matrices: BitMatrix[] = classes.map((c) => engine.matrix(endpoints, { protocol: c.protocol, port: c.first }));
  const firstAtom = atoms ? endpoints.length - atoms.length : endpoints.length;
  const portsOf = (i: number, j: number) => mergePortRanges(classes.filter((_, k) => matrices[k].get(i, j)));
  /** Lines from (or to) a pod over consecutive atoms [a, b) on the same ports, as ranges. */
  const rangeRows = (pod: number, outgoing: boolean): ConnlistRow[] => {
    const rows: ConnlistRow[] = [];
    let a = firstAtom;
    while (a < endpoints.length) {
      const ports = outgoing ? portsOf(pod, a) : portsOf(a, pod);
      const text = formatPortRanges(ports);
      let b = a + 1;
      while (b < endpoints.length && formatPortRanges(outgoing ? portsOf(pod, b) : portsOf(b, pod)) === text) b++;
      if (ports.length) {
        const range = formatAddressRange(atoms![a - firstAtom].first, atoms![b - 1 - firstAtom].last, atoms![a - firstAtom].family);
        rows.push(outgoing ? { src: endpoints[pod].id, dst: range, ports } : { src: range, dst: endpoints[pod].id, ports });
      }
      a = b;
    }
    return rows;
  };
  const head: ConnlistRow[] = [];
  const fromAtoms: ConnlistRow[][] = [];
  for (let i = 0; i < firstAtom; i++) {
    const src = endpoints[i];
    for (let j = 0; j < firstAtom; j++) {
      const dst = endpoints[j];
      if ((src.kind === 'external' && dst.kind === 'external') || isSelfTraffic(src, dst)) continue;
      const ports = portsOf(i, j);
      if (ports.length) head.push({ src: src.id, dst: dst.id, ports });
    }
    if (atoms && src.kind === 'pod') {
      head.push(...rangeRows(i, true));
      fromAtoms.push(rangeRows(i, false));
    }
  }
  // Lines from outside the cluster come after those from pods, ordered by address range, then destination.
  const tail = fromAtoms.flat().map((row, order) => ({ row, order }));
  const first = (r: ConnlistRow) => addressRangeStart(r.src);
  tail.sort((x, y) => (first(x.row) < first(y.row) ? -1 : first(x.row) > first(y.row) ? 1 : x.order - y.order));
  return [...head, ...tail.map((t) => t.row)];
}

/** `ns/a => ns/b : TCP 8080,9090`, one line per row, in endpoint order (pods by name, then addresses in order). */
export function formatConnlist(rows: readonly ConnlistRow[]): string {
  return rows.map((r) => `${r.src} => ${r.dst} : ${formatPortRanges(r.ports)}\n`).join('');
}
