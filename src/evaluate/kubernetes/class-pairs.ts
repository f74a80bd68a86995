// The reference engine's answer per pair of its compiled classes, for the endpoint classes present in a list:
// what verify compares class by class instead of endpoint by endpoint.
import { emptyBitset, setBit, type Bitset } from '../bit-matrix.ts';
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
  // the destinations every source reaches, and the other allowed pairs, turned into rows per source
  const everyone = emptyBitset(size);
  let src = new Int32Array(1024);
  let dst = new Int32Array(1024);
  let n = 0;
  for (let d = 0; d < size; d++) {
    const all = reach.forEachAllowedSource(present.compiledOf[d], (c) => {
      const s = localOf[c];
      if (s < 0) return;
      if (n === src.length) [src, dst] = [grow(src), grow(dst)];
      src[n] = s;
      dst[n++] = d;
    }, weight);
    if (all) setBit(everyone, d);
  }
  return { classOf: present.classOf, size, ...rowsBySource(size, everyone, src.subarray(0, n), dst.subarray(0, n)) };
}

const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
};

/** Per source class, its row: the destinations every source reaches and its own pairs; equal rows kept once. */
function rowsBySource(size: number, everyone: Bitset, src: Int32Array, dst: Int32Array): { rowOf: Int32Array; rows: RowStore } {
  const start = new Int32Array(size + 1);
  for (let k = 0; k < src.length; k++) start[src[k] + 1]++;
  for (let s = 0; s < size; s++) start[s + 1] += start[s];
  const bySource = new Int32Array(src.length);
  const fill = start.slice(0, size);
  for (let k = 0; k < src.length; k++) bySource[fill[src[k]]++] = dst[k];
  const rows = new RowStore(size);
  const rowOf = new Int32Array(size);
  const scratch = emptyBitset(size);
  for (let s = 0; s < size; s++) {
    scratch.set(everyone);
    for (let k = start[s]; k < start[s + 1]; k++) setBit(scratch, bySource[k]);
    rowOf[s] = rows.intern(scratch);
  }
  return { rowOf, rows };
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
