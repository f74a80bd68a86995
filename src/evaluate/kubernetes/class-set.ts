// Sets of endpoint classes: sorted id arrays, with a bitset (of the one bitset module) beside them when the set is
// large enough that membership tests should be O(1).
import { emptyBitset, hasBit, setBit } from '../bit-matrix.ts';

/** Class ids, ascending. */
export type ClassIds = Int32Array | readonly number[];

/** Up to this many members, a sparse set holds them in a plain array. */
const SMALL_SET = 8;

/** A set of class ids. */
export interface ClassSet {
  /** Every class (a rule without peers): `ids` is then empty. */
  readonly all: boolean;
  /** The members, ascending, without duplicates (a plain array for a few members: a typed array costs more). */
  readonly ids: ClassIds;
  /** The members as a bitset over the universe, present for sets larger than 1/64 of it. */
  readonly bits?: Uint32Array;
}

/** The set of every class. */
export const ALL_CLASSES: ClassSet = Object.freeze({ all: true, ids: new Int32Array(0) });

/** The empty set. */
export const NO_CLASSES: ClassSet = Object.freeze({ all: false, ids: new Int32Array(0) });

/** A set from ids in any order, duplicates allowed, over a universe of `universe` classes. */
export function classSetOf(ids: ArrayLike<number>, universe: number): ClassSet {
  if (ids.length === 0) return NO_CLASSES;
  if (ids.length === 1 && universe > 64) return { all: false, ids: [ids[0]] };
  if (ids.length <= SMALL_SET && ids.length * 64 < universe) return { all: false, ids: smallSorted(ids) };
  const sorted = Int32Array.from(ids).sort();
  let n = 1;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i];
  const unique = n === sorted.length ? sorted : sorted.slice(0, n);
  if (n * 64 < universe) return { all: false, ids: unique };
  const bits = emptyBitset(universe);
  for (let i = 0; i < n; i++) setBit(bits, unique[i]);
  return { all: false, ids: unique, bits };
}

/** A few ids sorted and without duplicates, as a plain array of exactly that size. */
function smallSorted(ids: ArrayLike<number>): number[] {
  const out = Array.from(ids);
  for (let i = 1; i < out.length; i++) {
    const v = out[i];
    let k = i;
    for (; k > 0 && out[k - 1] > v; k--) out[k] = out[k - 1];
    out[k] = v;
  }
  let n = 1;
  for (let i = 1; i < out.length; i++) if (out[i] !== out[n - 1]) out[n++] = out[i];
  out.length = n;
  return out;
}

/** Whether the set holds the class. */
export function hasClass(set: ClassSet, id: number): boolean {
  if (set.all) return true;
  if (set.bits) return hasBit(set.bits, id);
  const ids = set.ids;
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid];
    if (v === id) return true;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The union of sets (ALL when one of them is). */
export function unionOf(sets: readonly ClassSet[], universe: number): ClassSet {
  if (sets.some((s) => s.all)) return ALL_CLASSES;
  if (sets.length === 1) return sets[0];
  const ids: number[] = [];
  for (const s of sets) for (let i = 0; i < s.ids.length; i++) ids.push(s.ids[i]);
  return classSetOf(ids, universe);
}
