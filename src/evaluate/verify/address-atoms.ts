// The address space of a family cut at every address boundary of both sides, with one external address per piece.
import type { Cluster } from '../../k8s/cluster.ts';
import { parseAddressRange } from '../../net/address-range.ts';
import { addressValue, familyOf, formatAddress, type Family } from '../../net/ip-address.ts';
import { kubernetesBoundaries } from '../boundaries.ts';
import type { TargetBoundaries } from '../target.ts';

/** A piece of the address space that every ipBlock and target address holds whole or not at all, and the address standing for it. */
export interface AddressAtom {
  readonly family: Family;
  readonly first: bigint;
  readonly last: bigint;
  /** An address of the atom that no pod has; undefined when every address of the atom is a pod's. */
  readonly representative?: string;
}

/**
 * Cuts a family's addresses at every ipBlock `cidr` and `except` boundary of every policy and at every address,
 * range and CIDR of `boundaries` (the target's own objects). Each atom's representative is its second address
 * (its first when it has fewer than 3), moved on past pod addresses.
 */
export function verificationAtoms(cluster: Cluster, family: Family, boundaries: readonly TargetBoundaries[] = []): AddressAtom[] {
  const max = family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
  const cuts = new Set<bigint>([0n]);
  for (const side of [kubernetesBoundaries(cluster), ...boundaries]) {
    for (const text of side.addresses) {
      const r = parseAddressRange(text);
      if (!r || r.family !== family) continue;
      cuts.add(r.start);
      if (r.end < max) cuts.add(r.end + 1n);
    }
  }
  const taken = new Set<bigint>();
  for (const pod of cluster.pods) for (const ip of pod.ips) if (familyOf(ip) === family) taken.add(addressValue(ip, family));
  const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map((first, i) => {
    const last = i + 1 < sorted.length ? sorted[i + 1] - 1n : max;
    let candidate = last - first >= 2n ? first + 1n : first;
    while (candidate <= last && taken.has(candidate)) candidate++;
    return { family, first, last, representative: candidate <= last ? formatAddress(candidate, family) : undefined };
  });
}

/** The former name of `verificationAtoms` (kept for callers not yet renamed). */
export const addressAtoms = verificationAtoms;
