import type { PolicyPort } from '../k8s/network-policy.ts';
import type { Protocol } from '../k8s/protocol.ts';
import { chunkPortValues, type ServiceEntry } from '../model/service-entry.ts';
import type { ConversionProblem } from './problem.ts';
import type { ConversionProfile } from './profile.ts';
import { REFUSAL } from './refusal-codes.ts';

/**
 * A rule's `ports` as service entries: one L4PortSetServiceEntry per protocol (split when more than 15 values),
 * ports `"53"` or `"8080-8090"`, no ports listed when a port of that protocol has no number (every port).
 * `ports` undefined: no entry (any service). Named ports and SCTP are refused by the `nsx` profile and become
 * np2dfw extensions in the `extended` one. `path` names the rule (`spec.ingress[0]`); `idPrefix` the rule's id.
 */
export function serviceEntriesOf(
  ports: readonly PolicyPort[] | undefined,
  path: string,
  idPrefix: string,
  profile: ConversionProfile,
  problems: ConversionProblem[],
): ServiceEntry[] {
  if (ports === undefined) return [];
  const numeric = new Map<Protocol, string[] | 'all'>();
  const named: { protocol: Protocol; name: string }[] = [];
  ports.forEach((p, k) => {
    if (p.protocol === 'SCTP' && profile === 'nsx') {
      problems.push({ code: REFUSAL.SCTP, path: `${path}.ports[${k}].protocol`, message: 'protocol SCTP: the distributed firewall does not filter SCTP' });
      return;
    }
    if (typeof p.port === 'string') {
      if (profile === 'nsx') {
        problems.push({ code: REFUSAL.NAMED_PORT, path: `${path}.ports[${k}].port`, message: `named port "${p.port}": DFW service entries take port numbers only` });
        return;
      }
      if (!named.some((n) => n.protocol === p.protocol && n.name === p.port)) named.push({ protocol: p.protocol, name: p.port });
      return;
    }
    const sofar = numeric.get(p.protocol) ?? [];
    if (p.port === undefined || sofar === 'all') {
      numeric.set(p.protocol, 'all');
      return;
    }
    const value = p.endPort !== undefined && p.endPort > p.port ? `${p.port}-${p.endPort}` : `${p.port}`;
    if (!sofar.includes(value)) sofar.push(value);
    numeric.set(p.protocol, sofar);
  });
  const out: ServiceEntry[] = [];
  for (const [protocol, values] of numeric) {
    const chunks = values === 'all' ? [[]] : chunkPortValues(values);
    for (const chunk of chunks) {
      const id = `${idPrefix}-svc-${out.length}`;
      out.push({
        resource_type: 'L4PortSetServiceEntry',
        id,
        display_name: `${protocol} ${chunk.length ? chunk.join(',') : 'any'}`,
        l4_protocol: protocol,
        destination_ports: chunk,
        source_ports: [],
      });
    }
  }
  for (const n of named) {
    const id = `${idPrefix}-svc-${out.length}`;
    out.push({ resource_type: 'NamedPortServiceEntry', id, display_name: `${n.protocol} ${n.name}`, l4_protocol: n.protocol, port_name: n.name });
  }
  return out;
}
