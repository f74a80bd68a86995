// Two engines' answers compared per pair of classes, never per connection: the endpoints are cut into the common
// refinement of both engines' classes, and a pair of common classes that the two answer differently counts its
// connections (its classes' sizes multiplied, less the pairs of a pod with itself, which both always allow).
import { emptyBitset } from '../bit-matrix.ts';
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
 * whose rows are the same in both matrices differ on the same destinations: each pair of rows is compared once
 * (over the common classes, weighted by their endpoints); the pairs of a pod with itself are taken off after.
 */
export function classDifferences(a: ClassMatrix, b: ClassMatrix, k: CommonClasses): number {
  const scratchA = emptyBitset(a.size);
  const scratchB = emptyBitset(b.size);
  const perRows = new Map<number, number>();
  const compare = (ra: number, rb: number): number => {
    const key = ra * b.rows.size + rb;
    let d = perRows.get(key);
    if (d === undefined) {
      a.rows.copyInto(scratchA, ra);
      b.rows.copyInto(scratchB, rb);
      perRows.set(key, (d = rowDifference(scratchA, scratchB, k)));
    }
    return d;
  };
  let n = 0;
  for (let x = 0; x < k.size; x++) n += k.weight[x] * compare(a.rowOf[k.firstOf[x]], b.rowOf[k.secondOf[x]]);
  for (const [pair, count] of k.selfPairs) {
    const x = Math.floor(pair / k.size);
    const y = pair % k.size;
    if (a.rows.has(a.rowOf[k.firstOf[x]], k.firstOf[y]) !== b.rows.has(b.rowOf[k.secondOf[x]], k.secondOf[y])) n -= count;
  }
  return n;
}
