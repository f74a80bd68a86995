// Two engines' answers compared per pair of classes, never per connection: the endpoints are cut into the common
// refinement of both engines' classes, and a pair of common classes that the two answer differently counts its
// connections (its classes' sizes multiplied, less the pairs of a pod with itself, which both always allow).
import { hasBit } from '../bit-matrix.ts';
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

/** How many connections two class matrices (over the partitions `k` refines) answer differently. */
export function classDifferences(a: ClassMatrix, b: ClassMatrix, k: CommonClasses): number {
  let n = 0;
  for (let x = 0; x < k.size; x++) {
    const rowA = a.pairs.row(k.firstOf[x]);
    const rowB = b.pairs.row(k.secondOf[x]);
    for (let y = 0; y < k.size; y++) {
      if (hasBit(rowA, k.firstOf[y]) === hasBit(rowB, k.secondOf[y])) continue;
      n += k.weight[x] * k.weight[y] - (k.selfPairs.get(x * k.size + y) ?? 0);
    }
  }
  return n;
}
