/** The lowest and highest `spec.priority` a ClusterNetworkPolicy may have. */
export const MIN_PRIORITY = 1;
export const MAX_PRIORITY = 10000;

/**
 * The priority of the policy at `rank` (0-based) among `count` policies of one tier, keeping their order:
 * 1, 2, 3, ... while they fit, otherwise evenly spread floats over 1.0-10000.0.
 */
export function priorityOfRank(rank: number, count: number): number {
  if (count <= MAX_PRIORITY - MIN_PRIORITY + 1) return MIN_PRIORITY + rank;
  return MIN_PRIORITY + (rank * (MAX_PRIORITY - MIN_PRIORITY)) / (count - 1);
}
