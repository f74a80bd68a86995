// The reference engine's answer per pair of its compiled classes, for the endpoint classes present in a list:
// what verify compares class by class instead of endpoint by endpoint.
import { BitMatrix } from '../bit-matrix.ts';
import type { PortQuery } from '../connection.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ClassMatrix } from '../engine.ts';
import type { CompiledPolicies } from './compiled-policies.ts';
import { PortReachability } from './port-reachability.ts';

/** The classes present among endpoints, renumbered densely; undefined when an endpoint has no compiled class. */
export function presentClasses(compiled: CompiledPolicies, endpoints: readonly Endpoint[]): { classOf: Int32Array; compiledOf: number[] } | undefined {
  const local = new Map<number, number>();
  const compiledOf: number[] = [];
  const classOf = new Int32Array(endpoints.length);
  for (let i = 0; i < endpoints.length; i++) {
    const c = compiled.classOf(endpoints[i]);
    if (c < 0) return undefined;
    let l = local.get(c);
    if (l === undefined) {
      local.set(c, (l = compiledOf.length));
      compiledOf.push(c);
    }
    classOf[i] = l;
  }
  return { classOf, compiledOf };
}

/** The class matrix of the endpoints' classes for one query (undefined when some endpoint has no class). */
export function kubernetesClassMatrix(compiled: CompiledPolicies, present: ReturnType<typeof presentClasses>, query: PortQuery): ClassMatrix | undefined {
  if (!present) return undefined;
  const size = present.compiledOf.length;
  const localOf = new Int32Array(compiled.classCount).fill(-1);
  const weight = new Uint8Array(compiled.classCount);
  present.compiledOf.forEach((c, l) => {
    localOf[c] = l;
    weight[c] = 1;
  });
  const reach = new PortReachability(compiled, query);
  const pairs = new BitMatrix(size, size);
  for (let d = 0; d < size; d++) {
    const all = reach.forEachAllowedSource(present.compiledOf[d], (s) => pairs.set(localOf[s], d), weight);
    if (all) for (let s = 0; s < size; s++) pairs.set(s, d);
  }
  return { classOf: present.classOf, size, pairs };
}
