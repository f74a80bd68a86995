// Two engines' answers compared per pair of classes, never per connection: the endpoints are cut into the common
// refinement of both engines' classes, and a pair of common classes that the two answer differently counts its
// connections (its classes' sizes multiplied, less the pairs of a pod with itself, which both always allow).
import { hasBit, type BitMatrix } from '../bit-matrix.ts';
import { hashWords } from '../core/row-store.ts';
import { samePodGroups } from '../core/self-traffic.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ClassMatrix } from '../engine.ts';

/** The common refinement of two partitions of one endpoint list. */
export interface CommonClasses {
  readonly size: number;
  /** Per common class, its class in the first and in the second partition. */
  readonly firstOf: Int32Array;
  readonly secondOf: Int32Array;
  /** Per common class, its endpoints. */
  readonly weight: Float64Array;
  /** Per pair of common classes (x * size + y), how many of its connections are a pod's traffic to itself. */
  readonly selfPairs: ReadonlyMap<number, number>;
}

/** The common refinement of the partitions `first` and `second` of `endpoints`. */
export function commonClasses(first: Int32Array, second: Int32Array, endpoints: readonly Endpoint[]): CommonClasses {
  const ids = new Map<string, number>();
  const firstOf: number[] = [];
  const secondOf: number[] = [];
  const of = new Int32Array(endpoints.length);
  for (let i = 0; i < endpoints.length; i++) {
    const key = `${first[i]},${second[i]}`;
    let c = ids.get(key);
    if (c === undefined) {
      ids.set(key, (c = firstOf.length));
      firstOf.push(first[i]);
      secondOf.push(second[i]);
    }
    of[i] = c;
  }
  const size = firstOf.length;
  const weight = new Float64Array(size);
  const selfPairs = new Map<number, number>();
  const addSelf = (x: number, y: number) => selfPairs.set(x * size + y, (selfPairs.get(x * size + y) ?? 0) + 1);
  endpoints.forEach((e, i) => {
    weight[of[i]]++;
    if (e.kind === 'pod') addSelf(of[i], of[i]);
  });
  for (const list of samePodGroups(endpoints)) for (const i of list) for (const j of list) if (i !== j) addSelf(of[i], of[j]);
  return { size, firstOf: Int32Array.from(firstOf), secondOf: Int32Array.from(secondOf), weight, selfPairs };
}

/** Per row of a matrix, the first row equal to it (rows found again by a hash of their words). */
export function distinctRows(m: BitMatrix): Int32Array {
  const firstOf = new Int32Array(m.rows);
  const byHash = new Map<number, number[]>();
  const stride = m.stride;
  const words = m.words;
  const equal = (r: number, q: number) => {
    for (let w = 0; w < stride; w++) if (words[r * stride + w] !== words[q * stride + w]) return false;
    return true;
  };
  for (let r = 0; r < m.rows; r++) {
    const h = hashWords(m.row(r));
    const same = byHash.get(h);
    const q = same?.find((q) => equal(r, q));
    firstOf[r] = q ?? r;
    if (q !== undefined) continue;
    if (same) same.push(r);
    else byHash.set(h, [r]);
  }
  return firstOf;
}

/** Distinct rows per matrix, kept while the matrix lives (an engine hands the same matrix to port classes alike). */
const distinct = new WeakMap<BitMatrix, Int32Array>();
const distinctOf = (m: BitMatrix): Int32Array => {
  let d = distinct.get(m);
  if (!d) distinct.set(m, (d = distinctRows(m)));
  return d;
};

/** The endpoints (of common classes) on which a row of the first partition's and one of the second's differ. */
function rowDifference(rowA: Uint32Array, rowB: Uint32Array, k: CommonClasses): number {
  let d = 0;
  for (let y = 0; y < k.size; y++) {
    const p = k.firstOf[y];
    const q = k.secondOf[y];
    if (((rowA[p >>> 5] >>> (p & 31)) & 1) !== ((rowB[q >>> 5] >>> (q & 31)) & 1)) d += k.weight[y];
  }
  return d;
}

/**
 * How many connections two class matrices (over the partitions `k` refines) answer differently. Common classes
 * whose rows are equal in both matrices differ on the same destinations: each distinct pair of rows is compared
 * once (over the common classes, weighted by their endpoints); the pairs of a pod with itself are taken off after.
 */
export function classDifferences(a: ClassMatrix, b: ClassMatrix, k: CommonClasses): number {
  const rowA = distinctOf(a.pairs);
  const rowB = distinctOf(b.pairs);
  const differ = (x: number, y: number) => hasBit(a.pairs.row(rowA[k.firstOf[x]]), k.firstOf[y]) !== hasBit(b.pairs.row(rowB[k.secondOf[x]]), k.secondOf[y]);
  const perRows = new Map<number, number>();
  let n = 0;
  for (let x = 0; x < k.size; x++) {
    const key = rowA[k.firstOf[x]] * b.pairs.rows + rowB[k.secondOf[x]];
    let d = perRows.get(key);
    if (d === undefined) perRows.set(key, (d = rowDifference(a.pairs.row(rowA[k.firstOf[x]]), b.pairs.row(rowB[k.secondOf[x]]), k)));
    n += k.weight[x] * d;
  }
  for (const [pair, count] of k.selfPairs) if (differ(Math.floor(pair / k.size), pair % k.size)) n -= count;
  return n;
}
