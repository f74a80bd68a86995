// A firewall form on the core: the form says what its memberships are, builds its two direction pipelines over a
// partition's classes, and says where each rule's services match for a query; the core does the rest: classes,
// the rule walk per pair of classes, sharing across port classes, the endpoint matrix and explanations.
import type { PolicyType } from '../../k8s/network-policy.ts';
import { BitMatrix } from '../bit-matrix.ts';
import type { Connection, PortQuery } from '../connection.ts';
import type { StageVerdict } from '../decision.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ClassMatrix } from '../engine.ts';
import { partitionEndpoints, type EndpointPartition, type Memberships } from './endpoint-partition.ts';
import { allowSelfTraffic, isSelfTraffic, samePodGroups } from './self-traffic.ts';
import { directionAllowed, pairsAllowed, traceDirection, type ClassRule, type DirectionPipeline, type DirectionTrail, type PortMatch } from './stage-pipeline.ts';

/** A form's pipelines over one partition of endpoints. */
export interface FormPipelines<T> {
  readonly egress: DirectionPipeline<T>;
  readonly ingress: DirectionPipeline<T>;
  /** Where a rule's services match for a query (destination classes when they depend on the destination). */
  portsOf(rule: ClassRule<T>, query: PortQuery): PortMatch;
  /** Whether a class-level stage reads the query (then matrices are not shared between port classes). */
  readonly queryStages: boolean;
}

/** What a form supplies to the core. */
export interface FirewallForm<T, S> {
  /** The memberships its rules read (built once; the same for every endpoint list). */
  readonly memberships: Memberships<S>;
  /** Its pipelines over a partition of `endpoints`. */
  pipelines(partition: EndpointPartition, endpoints: readonly Endpoint[]): FormPipelines<T>;
}

/** Both directions of one connection as the core walked them. */
export interface ConnectionTrail<T> {
  readonly egress: DirectionTrail<T>;
  readonly ingress: DirectionTrail<T>;
}

/** The core's evaluator of one form. */
export interface ClassEvaluator<T> {
  /** allowed[i][j]: whether endpoints[i] may open a connection to endpoints[j] on the query's port. */
  matrix(endpoints: readonly Endpoint[], query: PortQuery): BitMatrix;
  /** The same per pair of classes of the form's partition. */
  classMatrix(endpoints: readonly Endpoint[], query: PortQuery): ClassMatrix;
  /** What decided each direction of one connection (not for a pod's traffic to itself: callers say so first). */
  trace(connection: Connection): ConnectionTrail<T>;
}

/**
 * Two endpoints standing for a pair of classes: the representatives, or, within one class, two different pods
 * of it. Undefined when the class holds one pod only (its only pair is the pod and itself).
 */
export function classPairEndpoints(p: EndpointPartition, endpoints: readonly Endpoint[], src: number, dst: number): [Endpoint, Endpoint] | undefined {
  const a = endpoints[p.representative[src]];
  if (src !== dst) return [a, endpoints[p.representative[dst]]];
  const other = p.members[src].find((i) => !isSelfTraffic(a, endpoints[i]));
  return other === undefined ? undefined : [a, endpoints[other]];
}

/** A stage verdict per pair of classes from a per-connection one (on the classes' endpoints). */
export function classStageOf(
  p: EndpointPartition,
  endpoints: readonly Endpoint[],
  direction: PolicyType,
  verdict: (c: Connection, direction: PolicyType) => StageVerdict,
): (subject: number, peer: number, query: PortQuery) => StageVerdict {
  return (subject, peer, query) => {
    const pair = direction === 'Egress' ? classPairEndpoints(p, endpoints, subject, peer) : classPairEndpoints(p, endpoints, peer, subject);
    return pair ? verdict({ src: pair[0], dst: pair[1], protocol: query.protocol, port: query.port }, direction) : 'Accept';
  };
}

/** The endpoints of each class of a class matrix, ascending. */
export function classMembers(c: ClassMatrix): number[][] {
  const members: number[][] = Array.from({ length: c.size }, () => []);
  for (let i = 0; i < c.classOf.length; i++) members[c.classOf[i]].push(i);
  return members;
}

/**
 * A class matrix expanded to endpoints: each class's first member's row is the union of its destination classes'
 * member bits, copied to the class's other members; then a pod's traffic to itself.
 */
export function expandClassMatrix(c: ClassMatrix, endpoints: readonly Endpoint[], samePod: readonly (readonly number[])[] = samePodGroups(endpoints)): BitMatrix {
  const n = endpoints.length;
  const m = new BitMatrix(n, n);
  const members = classMembers(c);
  const stride = m.stride;
  const words = m.words;
  for (let s = 0; s < c.size; s++) {
    const own = members[s];
    if (own.length === 0) continue;
    const base = own[0] * stride;
    c.rows.forEachMember(c.rowOf[s], (d) => {
      const list = members[d];
      if (list) for (let k = 0; k < list.length; k++) words[base + (list[k] >>> 5)] |= 1 << (list[k] & 31);
    });
    for (let t = 1; t < own.length; t++) words.copyWithin(own[t] * stride, base, base + stride);
  }
  allowSelfTraffic(m, endpoints, samePod);
  return m;
}

/** What one endpoint list keeps across queries: its partition, the pipelines, and recent matrices by signature. */
interface Prepared<T> {
  readonly partition: EndpointPartition;
  readonly pipelines: FormPipelines<T>;
  readonly matrices: Map<string, Pick<ClassMatrix, 'rowOf' | 'rows'>>;
  readonly samePod: readonly (readonly number[])[];
}

/** How many class matrices per endpoint list are kept for port classes that share a signature. */
const KEPT_MATRICES = 16;

/**
 * The signature of a query: which rules' services match it (and where). Queries with one signature have one
 * matrix; most port classes of a cluster share a few signatures.
 */
function signatureOf<T>(x: FormPipelines<T>, query: PortQuery): string {
  const parts: string[] = [];
  const interned = new Map<string, number>();
  for (const pipeline of [x.egress, x.ingress]) {
    for (const stage of pipeline.stages) {
      if (stage.kind !== 'rules') continue;
      for (const r of stage.rules) {
        const m = x.portsOf(r, query);
        if (typeof m === 'boolean') parts.push(m ? '1' : '0');
        else {
          const key = m.join(',');
          let id = interned.get(key);
          if (id === undefined) interned.set(key, (id = interned.size));
          parts.push(`#${id}`);
        }
      }
    }
  }
  return `${x.queryStages ? `${query.protocol}/${query.port}|` : ''}${parts.join('')}|${[...interned.keys()].join(';')}`;
}

/** Builds the core's evaluator of a form. */
export function createClassEvaluator<T, S>(form: FirewallForm<T, S>): ClassEvaluator<T> {
  const cache = new WeakMap<readonly Endpoint[], Prepared<T>>();
  const prepare = (endpoints: readonly Endpoint[]): Prepared<T> => {
    let p = cache.get(endpoints);
    if (!p) {
      const partition = partitionEndpoints(endpoints, form.memberships);
      p = { partition, pipelines: form.pipelines(partition, endpoints), matrices: new Map(), samePod: samePodGroups(endpoints) };
      cache.set(endpoints, p);
    }
    return p;
  };

  function classMatrix(endpoints: readonly Endpoint[], query: PortQuery): ClassMatrix {
    const p = prepare(endpoints);
    const x = p.pipelines;
    const size = p.partition.size;
    const signature = signatureOf(x, query);
    let pairs = p.matrices.get(signature);
    if (!pairs) {
      const portsOf = (r: ClassRule<T>) => x.portsOf(r, query);
      pairs = pairsAllowed(directionAllowed(x.egress, size, portsOf, query), directionAllowed(x.ingress, size, portsOf, query), size);
      if (p.matrices.size >= KEPT_MATRICES) p.matrices.delete(p.matrices.keys().next().value!);
      p.matrices.set(signature, pairs);
    }
    return { classOf: p.partition.classOf, size, rowOf: pairs.rowOf, rows: pairs.rows };
  }

  function matrix(endpoints: readonly Endpoint[], query: PortQuery): BitMatrix {
    if (endpoints.length === 0) return new BitMatrix(0, 0);
    return expandClassMatrix(classMatrix(endpoints, query), endpoints, prepare(endpoints).samePod);
  }

  function trace(c: Connection): ConnectionTrail<T> {
    const endpoints = [c.src, c.dst];
    const partition = partitionEndpoints(endpoints, form.memberships);
    const x = form.pipelines(partition, endpoints);
    const s = partition.classOf[0];
    const d = partition.classOf[1];
    const portsOf = (r: ClassRule<T>) => x.portsOf(r, c);
    return { egress: traceDirection(x.egress, s, d, portsOf, c), ingress: traceDirection(x.ingress, d, s, portsOf, c) };
  }

  return { matrix, classMatrix, trace };
}
