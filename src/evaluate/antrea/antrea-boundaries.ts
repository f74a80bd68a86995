// The ports and addresses a set of Antrea objects names: every rule's numeric ports and ranges, every ipBlock of
// every rule peer and ClusterGroup.
import type { AntreaIPBlock, AntreaObjects } from '../../realize/antrea/antrea-objects.ts';
import type { PortBoundary } from '../boundaries.ts';
import type { TargetBoundaries } from '../target.ts';

/** The boundaries of Antrea objects. */
export function antreaBoundaries(objects: AntreaObjects): TargetBoundaries {
  const addresses: string[] = [];
  const block = (b: AntreaIPBlock) => addresses.push(b.cidr, ...(b.except ?? []));
  for (const g of objects.clusterGroups) for (const b of g.spec.ipBlocks ?? []) block(b);
  const ports: PortBoundary[] = [];
  for (const p of objects.policies) {
    for (const rule of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])]) {
      for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) if (peer.ipBlock) block(peer.ipBlock);
      for (const port of rule.ports ?? []) {
        if (typeof port.port === 'number') ports.push({ protocol: port.protocol, first: port.port, last: port.endPort ?? port.port });
      }
    }
  }
  return { ports, addresses };
}
