// "Address atoms": the intervals between every ipBlock boundary (each cidr's and except's first address and
// one past its last). All addresses of one atom are matched by exactly the same ipBlocks, so the engine
// reasons per atom instead of per address.
import { cidrWithExceptHolds, type CidrWithExcept } from '../../net/cidr.ts';
import type { Family } from '../../net/ip-address.ts';

/** The atoms of one family: atom i holds the addresses in [bounds[i-1], bounds[i]) (atom 0 starts at 0). */
export class FamilyAtoms {
  /** The address family. */
  readonly family: Family;
  /** Sorted distinct boundaries. */
  readonly bounds: readonly bigint[];

  /** Atoms from boundaries in any order, duplicates allowed. */
  constructor(family: Family, boundaries: Iterable<bigint>) {
    this.family = family;
    this.bounds = [...new Set(boundaries)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The number of atoms. */
  get count(): number {
    return this.bounds.length + 1;
  }

  /** The atom of an address: the number of boundaries at or below it. */
  atomOf(address: bigint): number {
    let lo = 0;
    let hi = this.bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.bounds[mid] <= address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first address of an atom (its representative: every address of the atom behaves the same). */
  firstAddress(atom: number): bigint {
    return atom === 0 ? 0n : this.bounds[atom - 1];
  }

  /** The atoms an ipBlock (of this family) matches. */
  atomsMatching(block: CidrWithExcept): number[] {
    const out: number[] = [];
    const first = this.atomOf(block.cidr.start);
    const last = this.atomOf(block.cidr.end);
    for (let a = first; a <= last; a++) if (cidrWithExceptHolds(block, this.family, this.firstAddress(a))) out.push(a);
    return out;
  }
}

/** The atoms of both families for a list of parsed ipBlocks. */
export function ipBlockAtoms(blocks: Iterable<CidrWithExcept>): { readonly 4: FamilyAtoms; readonly 6: FamilyAtoms } {
  const b4: bigint[] = [];
  const b6: bigint[] = [];
  for (const p of blocks) {
    const into = p.family === 4 ? b4 : b6;
    for (const r of [p.cidr, ...p.except]) into.push(r.start, r.end + 1n);
  }
  return { 4: new FamilyAtoms(4, b4), 6: new FamilyAtoms(6, b6) };
}

/** The former name of `ipBlockAtoms` (kept for callers not yet renamed). */
export const addressAtoms = ipBlockAtoms;
