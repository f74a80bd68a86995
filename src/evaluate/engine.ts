import type { BitMatrix } from './bit-matrix.ts';
import type { ClassReachability } from './class-reachability.ts';
import type { Connection, PortQuery } from './connection.ts';
import type { ConnectionDecision } from './decision.ts';
import type { Endpoint } from './endpoint.ts';

/**
 * What every reachability engine offers (the Kubernetes reference engine, the DFW, Antrea, Contrail and
 * dataplane evaluators): a whole matrix at once, and one connection with its reasons. Engines are pure:
 * built once from their model, queried many times, with no I/O.
 */
export interface ReachabilityEngine {
  /** `kubernetes`, `nsx`, `antrea`, ... */
  readonly name: string;
  /** allowed[i][j]: whether endpoints[i] may open a connection to endpoints[j] on the query's port. */
  matrix(endpoints: readonly Endpoint[], query: PortQuery): BitMatrix;
  /** One connection, with what decided each direction. */
  decide(connection: Connection): ConnectionDecision;
  /** Engines that classify endpoints: reachability between classes, so that reports count per group, not per pair. */
  classReachability?(endpoints: readonly Endpoint[], query: PortQuery): ClassReachability;
}
