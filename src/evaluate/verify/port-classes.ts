// The port space of each protocol cut into classes that neither side tells apart, one port each, plus one class
// for every other IP protocol.
import type { Cluster } from '../../k8s/cluster.ts';
import { PROTOCOLS } from '../../k8s/protocol.ts';
import { boundaryProtocols, kubernetesBoundaries } from '../boundaries.ts';
import { OTHER_PROTOCOLS, type QueryProtocol } from '../connection.ts';
import type { TargetBoundaries } from '../target.ts';

/**
 * A class of ports of one protocol: every port from `first` to `last` is treated alike; `first` stands for it.
 * The `OTHER` class (every IP protocol but TCP, UDP and SCTP) is the single "port" 0.
 */
export interface PortClass {
  readonly protocol: QueryProtocol;
  readonly first: number;
  readonly last: number;
}

/**
 * Partitions each protocol's ports 1-65535 at every boundary the Kubernetes side draws (a `port` and the port
 * after its `endPort`, every container port number of every pod: what a named port can resolve to) and at every
 * port range of `boundaries` (the target's own objects), then adds the `OTHER` class. Every protocol gets at
 * least one class, even when no side names it.
 */
export function portClasses(cluster: Cluster, boundaries: readonly TargetBoundaries[] = []): PortClass[] {
  const cuts = new Map<QueryProtocol, Set<number>>(PROTOCOLS.map((p) => [p, new Set([1])]));
  for (const side of [kubernetesBoundaries(cluster), ...boundaries]) {
    for (const range of side.ports) {
      for (const protocol of boundaryProtocols(range.protocol)) {
        const s = cuts.get(protocol)!;
        if (range.first >= 1 && range.first <= 65535) s.add(range.first);
        if (range.last + 1 >= 1 && range.last + 1 <= 65535) s.add(range.last + 1);
      }
    }
  }
  const out: PortClass[] = [];
  for (const protocol of PROTOCOLS) {
    const sorted = [...cuts.get(protocol)!].sort((a, b) => a - b);
    sorted.forEach((first, i) => out.push({ protocol, first, last: i + 1 < sorted.length ? sorted[i + 1] - 1 : 65535 }));
  }
  out.push({ protocol: OTHER_PROTOCOLS, first: 0, last: 0 });
  return out;
}
