// Verification: two reachability engines compared over every pair of endpoints, every port class of every
// protocol, the other IP protocols, and every address atom, all cut at both sides' boundaries; per pair of
// endpoint classes when both engines answer per class. Generic: the NSX, Antrea, Contrail and dataplane targets
// all use it.
import type { Cluster } from '../../k8s/cluster.ts';
import { podIsLive } from '../../k8s/pod.ts';
import { familyOf, type Family } from '../../net/ip-address.ts';
import { popcount, type BitMatrix } from '../bit-matrix.ts';
import { formatPort, type PortQuery, type QueryProtocol } from '../connection.ts';
import type { Endpoint } from '../endpoint.ts';
import { classDifferences, commonClasses, type CommonClasses } from './class-comparison.ts';
import type { ConnectionDecision } from '../decision.ts';
import { endpointsOf } from '../endpoints.ts';
import type { ClassRows, ReachabilityEngine } from '../engine.ts';
import { verificationAtoms } from './address-atoms.ts';
import type { TargetBoundaries } from '../target.ts';
import type { ProgressCallback } from '../progress.ts';
import { portClasses, type PortClass } from './port-classes.ts';

/** A connection on which the two engines disagree, with each engine's reasons. */
export interface Counterexample {
  /** Endpoint ids: `namespace/name` for pods, the address for externals. */
  readonly src: string;
  readonly dst: string;
  readonly protocol: QueryProtocol;
  /** The port checked, standing for its class `portClass` (0 for OTHER). */
  readonly port: number;
  readonly portClass: { readonly first: number; readonly last: number };
  /** The reference engine's verdict and reasons (for Kubernetes: the policy, rule and peer). */
  readonly reference: ConnectionDecision;
  /** The other engine's verdict and reasons (for NSX: the deciding DFW policy and rule). */
  readonly other: ConnectionDecision;
}

/** What a verification checked. */
export interface VerifyCounts {
  /** Address families checked (those with at least one live pod). */
  readonly families: readonly Family[];
  /** Pod endpoints (a dual-stack pod counts once per family). */
  readonly podEndpoints: number;
  /** External endpoints: one per address atom (of both sides) outside pod addresses. */
  readonly externalEndpoints: number;
  /** Port classes per protocol; OTHER (every other IP protocol) is one class. */
  readonly portClasses: Readonly<Record<QueryProtocol, number>>;
  /** Matrices compared (family x port class). */
  readonly matrices: number;
  /** Connections compared (source x destination x port class, per family). */
  readonly connections: number;
}

/** The outcome of a verification. */
export interface VerifyReport {
  readonly equivalent: boolean;
  readonly reference: string;
  readonly other: string;
  readonly counts: VerifyCounts;
  /** Connections that differ, in total (every one, not only those listed). */
  readonly differences: number;
  /** The first `maxCounterexamples` differences, with reasons. */
  readonly counterexamples: readonly Counterexample[];
}

/** How to verify. */
export interface VerifyOptions {
  /** How many counterexamples to explain (default 20). */
  readonly maxCounterexamples?: number;
  /**
   * What the other side's own objects name (a BuiltTarget's `boundaries`): port classes and address atoms are cut
   * at these as well as at the Kubernetes side's. Without them a difference only the target draws (an extra port
   * in a service entry, an extra address in a group) can fall inside one class and go unseen.
   */
  readonly boundaries?: TargetBoundaries;
  /** Told after each matrix pair compared (family x port class). */
  readonly progress?: ProgressCallback;
}

/**
 * Compares `other` with `reference` on every pair of endpoints of the cluster (every live pod of every family
 * present, plus one external address per address atom), for a representative port of every port class of TCP,
 * UDP and SCTP and for every other IP protocol. Classes and atoms are cut at the boundaries of both sides (the
 * cluster's, and `options.boundaries` for the other side's own objects); docs/verification.md says why that
 * covers every connection.
 */
export function verifyEngines(cluster: Cluster, reference: ReachabilityEngine, other: ReachabilityEngine, options: VerifyOptions = {}): VerifyReport {
  const max = options.maxCounterexamples ?? 20;
  const families = ([4, 6] as const).filter((f) => cluster.pods.some((p) => podIsLive(p) && p.ips.some((ip) => familyOf(ip) === f)));
  const sides = options.boundaries ? [options.boundaries] : [];
  const classes = portClasses(cluster, sides);
  const perProtocol: Record<QueryProtocol, number> = { TCP: 0, UDP: 0, SCTP: 0, OTHER: 0 };
  for (const c of classes) perProtocol[c.protocol]++;
  const tally: Tally = { podEndpoints: 0, externalEndpoints: 0, connections: 0, matrices: 0, differences: 0, counterexamples: [] };
  const total = families.length * classes.length;
  for (const family of families) {
    const externals = verificationAtoms(cluster, family, sides).flatMap((a) => (a.representative ? [a.representative] : []));
    const endpoints = endpointsOf(cluster, family, externals);
    const pods = endpoints.filter((e) => e.kind === 'pod').length;
    tally.podEndpoints += pods;
    tally.externalEndpoints += endpoints.length - pods;
    const compare = comparer(endpoints, reference, other);
    for (const pc of classes) {
      tally.matrices++;
      tally.connections += endpoints.length * endpoints.length;
      const n = compare({ protocol: pc.protocol, port: pc.first });
      options.progress?.({ done: tally.matrices, total, what: `IPv${family}, ${formatPort({ protocol: pc.protocol, port: pc.first })}` });
      if (n === 0) continue;
      tally.differences += n;
      const room = max - tally.counterexamples.length;
      if (room > 0) tally.counterexamples.push(...counterexamples(endpoints, pc, reference, other, room));
    }
  }
  const { podEndpoints, externalEndpoints, matrices, connections, differences } = tally;
  return {
    equivalent: differences === 0,
    reference: reference.name,
    other: other.name,
    counts: { families, podEndpoints, externalEndpoints, portClasses: perProtocol, matrices, connections },
    differences,
    counterexamples: tally.counterexamples,
  };
}

/** What a verification has counted so far. */
interface Tally {
  podEndpoints: number;
  externalEndpoints: number;
  connections: number;
  matrices: number;
  differences: number;
  readonly counterexamples: Counterexample[];
}

/**
 * Counts the connections on which two engines differ for a query over one endpoint list: per pair of classes
 * when both engines answer per class, else matrix against matrix.
 */
function comparer(endpoints: readonly Endpoint[], reference: ReachabilityEngine, other: ReachabilityEngine): (query: PortQuery) => number {
  let common: { a: Int32Array; b: Int32Array; k: CommonClasses } | undefined;
  // engines hand out the same class matrix for port classes alike: the same two matrices differ as much again
  const counted = new Map<ClassRows, { b: ClassRows; rowsA: Int32Array; rowsB: Int32Array; n: number }>();
  return (query) => {
    const a = reference.classMatrix?.(endpoints, query);
    const b = a && other.classMatrix?.(endpoints, query);
    if (!a || !b) return countDifferences(reference.matrix(endpoints, query), other.matrix(endpoints, query));
    const known = counted.get(a.rows);
    if (known?.b === b.rows && known.rowsA === a.rowOf && known.rowsB === b.rowOf) return known.n;
    if (!common || common.a !== a.classOf || common.b !== b.classOf) common = { a: a.classOf, b: b.classOf, k: commonClasses(a.classOf, b.classOf, endpoints) };
    const n = classDifferences(a, b, common.k);
    counted.clear();
    counted.set(a.rows, { b: b.rows, rowsA: a.rowOf, rowsB: b.rowOf, n });
    return n;
  };
}

/** The first `room` connections of a port class on which the engines differ, with their reasons. */
function counterexamples(endpoints: readonly Endpoint[], pc: PortClass, reference: ReachabilityEngine, other: ReachabilityEngine, room: number): Counterexample[] {
  const query = { protocol: pc.protocol, port: pc.first };
  const a = reference.matrix(endpoints, query);
  const b = other.matrix(endpoints, query);
  return a.differences(b, room).map(([i, j]) => counterexample(endpoints[i], endpoints[j], pc, reference, other));
}

/** How many cells differ between two matrices of one shape. */
export function countDifferences(a: BitMatrix, b: BitMatrix): number {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new Error('matrices of different shapes');
  let n = 0;
  for (let i = 0; i < a.words.length; i++) n += popcount((a.words[i] ^ b.words[i]) >>> 0);
  return n;
}

function counterexample(
  src: Endpoint,
  dst: Endpoint,
  pc: PortClass,
  reference: ReachabilityEngine,
  other: ReachabilityEngine,
): Counterexample {
  const c = { src, dst, protocol: pc.protocol, port: pc.first };
  return {
    src: src.id,
    dst: dst.id,
    protocol: pc.protocol,
    port: pc.first,
    portClass: { first: pc.first, last: pc.last },
    reference: reference.decide(c),
    other: other.decide(c),
  };
}
