import type { Protocol } from '../k8s/protocol.ts';
import type { Endpoint } from './endpoint.ts';

/**
 * Every IP protocol other than TCP, UDP and SCTP (ICMP, ICMPv6, GRE, ESP, ...), as one query protocol. They have
 * no ports, and no policy of any target np2dfw evaluates tells them apart: a rule without ports (Kubernetes,
 * Antrea), a rule with service Any (NSX) or protocol `any` (Contrail) matches them, a rule with ports does not.
 * Its queries carry port 0.
 */
export const OTHER_PROTOCOLS = 'OTHER';

/** The protocol of a query: one of the three a policy can name with ports, or every other IP protocol. */
export type QueryProtocol = Protocol | typeof OTHER_PROTOCOLS;

/** A protocol and destination port: what a matrix is computed for. */
export interface PortQuery {
  readonly protocol: QueryProtocol;
  /** The destination port; 0 for `OTHER`. */
  readonly port: number;
}

/** A connection: from a source to a destination endpoint, on a protocol and destination port. */
export interface Connection extends PortQuery {
  readonly src: Endpoint;
  readonly dst: Endpoint;
}

/** `80/TCP`; `other IP protocols (ICMP, ...)` for OTHER. */
export function formatPort(q: PortQuery): string {
  return q.protocol === OTHER_PROTOCOLS ? 'other IP protocols (ICMP, ...)' : `${q.port}/${q.protocol}`;
}
