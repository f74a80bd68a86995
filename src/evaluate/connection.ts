import type { Protocol } from '../k8s/protocol.ts';
import type { Endpoint } from './endpoint.ts';

/** A protocol and destination port: what a matrix is computed for. */
export interface PortQuery {
  readonly protocol: Protocol;
  readonly port: number;
}

/** A connection: from a source to a destination endpoint, on a protocol and destination port. */
export interface Connection extends PortQuery {
  readonly src: Endpoint;
  readonly dst: Endpoint;
}

/** `80/TCP` */
export function formatPort(q: PortQuery): string {
  return `${q.port}/${q.protocol}`;
}
