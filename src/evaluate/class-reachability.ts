// Reachability between endpoint classes, for work that counts per group of endpoints (reports per namespace)
// without materialising the endpoint-by-endpoint matrix. Engines that classify endpoints offer it.

/** One port's reachability over the endpoint classes of a list of endpoints. */
export interface ClassReachability {
  /** Per endpoint (by index in the list): its class, or -1 when the engine decides it one connection at a time. */
  readonly classOf: Int32Array;
  /** Endpoints per class: the members of class c are `order[start[c] .. start[c + 1])`. */
  readonly start: Int32Array;
  readonly order: Int32Array;
  /** Classes that have members, ascending. */
  readonly present: readonly number[];
  /** Endpoints without a class (their rows and columns come from `pairAllowed`). */
  readonly unknown: readonly number[];
  /** Lists of 2+ endpoints of one pod (at several addresses): their traffic is the pod's traffic to itself. */
  readonly samePod: readonly (readonly number[])[];
  /**
   * Visits every class in `present` as a destination with its allowed source classes among `present` (each
   * once, in no particular order; the array is reused between visits), or `'all'` when every source is allowed.
   * A pod's traffic to itself is not included: every pod may reach itself whatever the classes say.
   */
  forEachDestination(visit: (dst: number, sources: readonly number[] | 'all') => void): void;
  /** The class-level verdict (a pod's traffic to itself aside). */
  allows(src: number, dst: number): boolean;
  /** The verdict for one pair of endpoints (by index), whatever their classes. */
  pairAllowed(src: number, dst: number): boolean;
}
