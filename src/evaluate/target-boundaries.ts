// What each target's own objects name (ports and addresses), for verify's classes (`TargetBoundaries`).
import type { DfwConfig } from '../model/dfw-config.ts';
import { groupMembership } from '../model/group-expression.ts';
import { rangeCidrs } from '../net/address-range.ts';
import type { AntreaObjects, AntreaPeer } from '../realize/antrea/antrea-objects.ts';
import type { ContrailConfig } from '../realize/contrail/contrail-objects.ts';
import type { TargetBoundaries } from './target.ts';

type Port = TargetBoundaries['ports'][number];

/** Service entries' destination ports, and every address of every group (ranges as their CIDRs). */
export function dfwBoundaries(config: DfwConfig): TargetBoundaries {
  const ports: Port[] = [];
  const addresses = new Set<string>();
  const byPath = new Map(config.groups.map((g) => [g.path, g]));
  for (const g of config.groups) {
    for (const t of groupMembership(g, (p) => byPath.get(p)).terms) if (t.kind === 'addresses') for (const r of t.ranges) for (const c of rangeCidrs(r)) addresses.add(c);
  }
  for (const p of config.policies) {
    for (const r of p.rules) {
      for (const e of r.service_entries) {
        if (e.resource_type !== 'L4PortSetServiceEntry') continue;
        for (const x of e.destination_ports) {
          const [a, b] = x.split('-');
          ports.push({ protocol: e.l4_protocol, first: Number(a), last: Number(b ?? a) });
        }
      }
    }
  }
  return { ports, addresses: [...addresses] };
}

/** Rule ports (`port`, `endPort`), ipBlocks of peers and of ClusterGroups (`cidr` and `except`). */
export function antreaBoundaries(objects: AntreaObjects): TargetBoundaries {
  const ports: Port[] = [];
  const addresses = new Set<string>();
  const block = (b: { cidr: string; except?: readonly string[] } | undefined) => {
    if (!b) return;
    addresses.add(b.cidr);
    for (const e of b.except ?? []) addresses.add(e);
  };
  for (const g of objects.clusterGroups) for (const b of g.spec.ipBlocks ?? []) block(b);
  for (const p of objects.policies) {
    for (const r of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])]) {
      for (const peer of [...(r.from ?? []), ...(r.to ?? [])] as AntreaPeer[]) block(peer.ipBlock);
      for (const port of r.ports ?? []) if (typeof port.port === 'number') ports.push({ protocol: port.protocol, first: port.port, last: port.endPort ?? port.port });
    }
  }
  return { ports, addresses: [...addresses] };
}

/** Firewall rules' destination port ranges, and the address groups' prefixes. */
export function contrailBoundaries(config: ContrailConfig): TargetBoundaries {
  const ports: Port[] = [];
  for (const r of config.rules) {
    if (r.service.protocol === 'any') continue;
    ports.push({ protocol: r.service.protocol.toUpperCase(), first: r.service.dst_ports.start_port, last: r.service.dst_ports.end_port });
  }
  const addresses = config.addressGroups.flatMap((g) => g.address_group_prefix.subnet.map((s) => `${s.ip_prefix}/${s.ip_prefix_len}`));
  return { ports, addresses };
}
