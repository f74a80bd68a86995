// A set of classes of one partition as the core's rules hold it: a bitset over the classes (dense), or the sorted
// ids of its members (sparse) when it holds fewer members than the bitset has words. On large clusters most sets
// are small (a group of one namespace's pods among tens of thousands of classes): a bitset per set would cost
// classes x sets bits, the ids cost what the set holds.
import { bitsetWords, emptyBitset, forEachBit, hasBit, setBit, type Bitset } from '../bit-matrix.ts';

/** The members of a set, ascending, without duplicates. */
export interface ClassIds {
  readonly ids: Int32Array;
}

/** A set of classes: a bitset over the partition's classes, or its members' ids. */
export type ClassSet = Bitset | ClassIds;

/** Whether the set is given by its members' ids. */
export function isClassIds(s: ClassSet): s is ClassIds {
  return !(s instanceof Uint32Array);
}

/** Whether the set holds class `c`. */
export function hasClass(s: ClassSet, c: number): boolean {
  return isClassIds(s) ? sortedHas(s.ids, c) : hasBit(s, c);
}

/** Whether sorted ids hold `c` (a binary search). */
export function sortedHas(ids: Int32Array, c: number): boolean {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] === c) return true;
    if (ids[mid] < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Calls `f` for every member, ascending. */
export function forEachClass(s: ClassSet, f: (c: number) => void): void {
  if (!isClassIds(s)) return forEachBit(s, f);
  for (let k = 0; k < s.ids.length; k++) f(s.ids[k]);
}

/** The sorted, deduplicated union of id lists. */
export function unionIds(lists: readonly Int32Array[]): Int32Array {
  if (lists.length === 1) return lists[0];
  let n = 0;
  for (const l of lists) n += l.length;
  const all = new Int32Array(n);
  let k = 0;
  for (const l of lists) {
    all.set(l, k);
    k += l.length;
  }
  all.sort();
  let m = 0;
  for (let i = 0; i < all.length; i++) if (m === 0 || all[i] !== all[m - 1]) all[m++] = all[i];
  return m === all.length ? all : all.slice(0, m);
}

/** The set of sorted ids over `size` classes, dense when that is smaller. */
export function classSetOf(ids: Int32Array, size: number): ClassSet {
  if (ids.length <= bitsetWords(size)) return { ids };
  const s = emptyBitset(size);
  for (let k = 0; k < ids.length; k++) setBit(s, ids[k]);
  return s;
}

/** The sorted ids held by both sorted lists (the shorter one walked, the longer searched). */
export function intersectIds(a: Int32Array, b: Int32Array): Int32Array {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const out = new Int32Array(short.length);
  let n = 0;
  for (let i = 0; i < short.length; i++) if (sortedHas(long, short[i])) out[n++] = short[i];
  return n === out.length ? out : out.slice(0, n);
}
