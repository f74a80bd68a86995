import type { BitMatrix } from '../../evaluate/bit-matrix.ts';
import type { PortQuery } from '../../evaluate/connection.ts';
import type { Endpoint } from '../../evaluate/endpoint.ts';

/** One port's reachability: what `np2dfw reach` prints a section for. */
export interface PortMatrix {
  /** The protocol and destination port the matrix was computed for. */
  readonly query: PortQuery;
  /** allowed[i][j]: endpoints[i] may open a connection to endpoints[j]. */
  readonly matrix: BitMatrix;
}

/** Everything `np2dfw reach` prints: the endpoints (rows and columns, in order) and one matrix per port. */
export interface Reachability {
  /** Rows and columns of every matrix, in this order. */
  readonly endpoints: readonly Endpoint[];
  /** One matrix per port, in the order the ports were asked for. */
  readonly ports: readonly PortMatrix[];
}

/** How an endpoint is described next to its id: its address, and whether it is external or on the host network. */
export function endpointAddress(e: Endpoint): string {
  if (e.kind === 'external') return '(external)';
  if (e.pod.hostNetwork) return `${e.ip} (hostNetwork)`;
  return e.ip;
}
