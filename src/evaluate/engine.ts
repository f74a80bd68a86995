import type { BitMatrix, Bitset } from './bit-matrix.ts';
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
  /**
   * The same answer per pair of endpoint classes, without the endpoint matrix (verify compares these); undefined
   * when the engine cannot class every endpoint (then `matrix` is the answer).
   */
  classMatrix?(endpoints: readonly Endpoint[], query: PortQuery): ClassMatrix | undefined;
}

/**
 * Reachability between classes of endpoints: endpoints i and j (not the same pod) are allowed when the row of
 * classOf[i] holds classOf[j]; a pod's traffic to itself is always allowed. Source classes that reach the same
 * destination classes share one row (on large clusters most rows repeat: every pod of a default-deny namespace
 * has the empty one).
 */
export interface ClassMatrix {
  /** The class of each endpoint. */
  readonly classOf: Int32Array;
  /** The number of classes. */
  readonly size: number;
  /** Per source class, its row in `rows`. */
  readonly rowOf: Int32Array;
  /** The distinct rows, each a set of destination classes. */
  readonly rows: ClassRows;
}

/** Distinct rows of destination classes. */
export interface ClassRows {
  /** How many distinct rows. */
  readonly size: number;
  /** Calls `f` for every destination class of row `row`, ascending. */
  forEachMember(row: number, f: (col: number) => void): void;
  /** Whether row `row` holds destination class `col`. */
  has(row: number, col: number): boolean;
  /** Writes row `row` into a bitset over the classes (its other bits cleared). */
  copyInto(target: Bitset, row: number): void;
}
