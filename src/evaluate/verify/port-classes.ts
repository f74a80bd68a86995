// The port space of each protocol cut into classes that no policy and no pod tells apart, one port each.
import type { Cluster } from '../../k8s/cluster.ts';
import { PROTOCOLS, type Protocol } from '../../k8s/protocol.ts';

/** A class of ports of one protocol: every port from `first` to `last` is treated alike; `first` stands for it. */
export interface PortClass {
  readonly protocol: Protocol;
  readonly first: number;
  readonly last: number;
}

/**
 * Partitions each protocol's ports 1-65535 at every boundary the policies draw (a `port` and the port after its
 * `endPort`) and at every container port number of every pod (what a named port can resolve to), plus
 * `extraPorts`. Every protocol gets at least one class, even when no policy names it.
 */
export function portClasses(cluster: Cluster, extraPorts: readonly { protocol: Protocol; port: number }[] = []): PortClass[] {
  const cuts = new Map<Protocol, Set<number>>(PROTOCOLS.map((p) => [p, new Set([1])]));
  const cut = (protocol: Protocol, first: number, last: number) => {
    const s = cuts.get(protocol)!;
    if (first >= 1 && first <= 65535) s.add(first);
    if (last + 1 >= 1 && last + 1 <= 65535) s.add(last + 1);
  };
  for (const p of cluster.policies) {
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const port of rule.ports ?? []) {
        if (typeof port.port === 'number') cut(port.protocol, port.port, port.endPort ?? port.port);
      }
    }
  }
  for (const pod of cluster.pods) for (const cp of pod.ports) cut(cp.protocol, cp.port, cp.port);
  for (const x of extraPorts) cut(x.protocol, x.port, x.port);
  const out: PortClass[] = [];
  for (const protocol of PROTOCOLS) {
    const sorted = [...cuts.get(protocol)!].sort((a, b) => a - b);
    sorted.forEach((first, i) => out.push({ protocol, first, last: i + 1 < sorted.length ? sorted[i + 1] - 1 : 65535 }));
  }
  return out;
}
