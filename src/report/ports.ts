// The ports reports are shown for: their order, and the default set of a cluster.
import type { Cluster } from '../k8s/cluster.ts';
import { podIsLive } from '../k8s/pod.ts';
import { formatPort, type PortQuery, type QueryProtocol } from '../evaluate/connection.ts';

const PROTOCOL_ORDER: Record<QueryProtocol, number> = { TCP: 0, UDP: 1, SCTP: 2, OTHER: 3 };

/** Orders ports by number, then TCP, UDP, SCTP. */
export function comparePorts(a: PortQuery, b: PortQuery): number {
  return a.port - b.port || PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol];
}

/**
 * The ports `reach` shows when no `--port` is given: every container port that a live pod declares (named
 * ports included, as the numbers they resolve to on their pod), ordered by number then protocol. When no pod
 * declares one, the numeric ports the policies name.
 */
export function defaultPorts(cluster: Cluster): PortQuery[] {
  const seen = new Map<string, PortQuery>();
  const add = (q: PortQuery) => seen.set(formatPort(q), q);
  for (const pod of cluster.pods) if (podIsLive(pod)) for (const p of pod.ports) add({ protocol: p.protocol, port: p.port });
  if (seen.size === 0) {
    for (const pol of cluster.policies) {
      for (const rule of [...pol.ingress, ...pol.egress]) {
        for (const p of rule.ports ?? []) if (typeof p.port === 'number') add({ protocol: p.protocol, port: p.port });
      }
    }
  }
  return [...seen.values()].sort(comparePorts);
}
