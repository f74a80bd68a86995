// The ports and addresses a Contrail configuration names: every firewall rule's destination port range (of its
// protocol, or of every protocol for `any`) and every address group's subnets.
import type { ContrailConfig } from '../../realize/contrail/contrail-objects.ts';
import type { TargetBoundaries } from '../target.ts';

/** The boundaries of a Contrail configuration. */
export function contrailBoundaries(config: ContrailConfig): TargetBoundaries {
  const addresses = config.addressGroups.flatMap((g) => g.address_group_prefix.subnet.map((s) => `${s.ip_prefix}/${s.ip_prefix_len}`));
  const ports = config.rules.map((r) => ({ protocol: r.service.protocol, first: r.service.dst_ports.start_port, last: r.service.dst_ports.end_port }));
  return { ports, addresses };
}
