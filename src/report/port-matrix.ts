import type { BitMatrix } from '../evaluate/bit-matrix.ts';
import type { PortQuery } from '../evaluate/connection.ts';
import type { Endpoint } from '../evaluate/endpoint.ts';

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
  /** With `--group workload`: how many pods each endpoint stands for (absent: one each). */
  readonly podCounts?: readonly number[];
}

/**
 * How an endpoint is described next to its id: its address, whether it is external or on the host network, and
 * for a workload's pods merged (`pods` > 1) the first address and how many pods.
 */
export function endpointAddress(e: Endpoint, pods = 1): string {
  if (e.kind === 'external') return '(external)';
  const ip = pods > 1 ? `${e.ip} +${pods - 1}` : e.ip;
  if (e.pod.hostNetwork) return `${ip} (hostNetwork)`;
  return ip;
}
