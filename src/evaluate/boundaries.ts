// Boundaries: the port ranges and addresses one side of a verification names. verify cuts its port classes and
// address atoms at the union of the Kubernetes side's and the target's, so that every difference either side
// can draw falls between two checked classes.
import type { Cluster } from '../k8s/cluster.ts';
import { PROTOCOLS, type Protocol } from '../k8s/protocol.ts';
import type { TargetBoundaries } from './target.ts';

/** A port range of one protocol. */
export type PortBoundary = TargetBoundaries['ports'][number];

/** No boundaries (a target whose objects name no port and no address). */
export const NO_BOUNDARIES: TargetBoundaries = { ports: [], addresses: [] };

/**
 * The protocols a boundary's protocol stands for: `TCP`, `UDP`, `SCTP` in any case, or `any` for all three.
 * Other protocols (ICMP, ...) have no ports and cut nothing.
 */
export function boundaryProtocols(protocol: string): readonly Protocol[] {
  const p = protocol.toUpperCase();
  if (p === 'ANY') return PROTOCOLS;
  return PROTOCOLS.filter((x) => x === p);
}

/** What the NetworkPolicies and pods name: every numeric `port`..`endPort`, every container port, every ipBlock. */
export function kubernetesBoundaries(cluster: Cluster): TargetBoundaries {
  const ports: PortBoundary[] = [];
  const addresses: string[] = [];
  for (const p of cluster.policies) {
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const port of rule.ports ?? []) {
        if (typeof port.port === 'number') ports.push({ protocol: port.protocol, first: port.port, last: port.endPort ?? port.port });
      }
      for (const peer of rule.peers ?? []) if (peer.ipBlock) addresses.push(peer.ipBlock.cidr, ...peer.ipBlock.except);
    }
  }
  for (const pod of cluster.pods) for (const cp of pod.ports) ports.push({ protocol: cp.protocol, first: cp.port, last: cp.port });
  return { ports, addresses };
}
