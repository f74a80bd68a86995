// The reference engine's answer per pair of its compiled classes, for the endpoint classes present in a list:
// what verify compares class by class instead of endpoint by endpoint.
import { BitMatrix } from '../bit-matrix.ts';
import type { PortQuery } from '../connection.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ClassMatrix } from '../engine.ts';
import { RowStore } from '../core/row-store.ts';
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
  const rows = new RowStore(size);
  const rowOf = Int32Array.from({ length: size }, (_, s) => rows.intern(pairs.row(s)));
  return { classOf: present.classOf, size, rowOf, rows };
}

/**
 * Which port list matches at which port signature for a query: queries with the same answer have the same class
 * matrix (most port classes of a cluster share one).
 */
export function portSignature(compiled: CompiledPolicies, query: PortQuery): string {
  const reach = new PortReachability(compiled, query);
  let out = '';
  for (let list = 0; list < compiled.portLists.length; list++) {
    for (let sig = 0; sig < compiled.signatures.length; sig++) out += reach.portsMatch(list, sig) ? '1' : '0';
  }
  return out;
}

/** How many class matrices per endpoint list are kept for queries that share a port signature. */
const KEPT_MATRICES = 16;

/** `kubernetesClassMatrix` with the matrices of recent port signatures kept per endpoint list. */
export function sharedClassMatrices(compiled: () => CompiledPolicies, presentOf: (endpoints: readonly Endpoint[]) => ReturnType<typeof presentClasses>) {
  const kept = new WeakMap<readonly Endpoint[], Map<string, ClassMatrix | undefined>>();
  return (endpoints: readonly Endpoint[], query: PortQuery): ClassMatrix | undefined => {
    let byPorts = kept.get(endpoints);
    if (!byPorts) kept.set(endpoints, (byPorts = new Map()));
    const key = portSignature(compiled(), query);
    if (byPorts.has(key)) return byPorts.get(key);
    const m = kubernetesClassMatrix(compiled(), presentOf(endpoints), query);
    if (byPorts.size >= KEPT_MATRICES) byPorts.delete(byPorts.keys().next().value!);
    byPorts.set(key, m);
    return m;
  };
}
