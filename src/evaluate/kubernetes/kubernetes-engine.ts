// The reference engine: Kubernetes NetworkPolicy semantics, exactly. Every target is verified against it.
import type { Cluster } from '../../k8s/cluster.ts';
import type { NetworkPolicy, PolicyType } from '../../k8s/network-policy.ts';
import type { BitMatrix } from '../bit-matrix.ts';
import type { Connection, PortQuery } from '../connection.ts';
import type { ConnectionDecision, Decision, StageVerdict } from '../decision.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ReachabilityEngine } from '../engine.ts';
import { compilePolicies, type CompiledPolicies } from './compiled-policies.ts';
import { toDecision, type ConnectionExplanation, type DirectionExplanation } from './direction-explanation.ts';
import { explainDirectionLiterally, isolatingPoliciesOf, matrixOfConnections, policiesByNamespace } from './literal-explanation.ts';
import { classMatrix, countAllowedPairs } from './endpoint-reachability.ts';
import { presentClasses, sharedClassMatrices } from './class-pairs.ts';
import { classReachability } from './class-reachability.ts';
import type { ClassReachability } from '../class-reachability.ts';
import { PortReachability } from './port-reachability.ts';
import { isSelfTraffic } from '../core/self-traffic.ts';

/** How to build a Kubernetes engine. */
export interface KubernetesEngineOptions {
  /**
   * The NetworkPolicies in force, default every policy of the cluster. A subset lets another engine compose
   * "its own rules, then the NetworkPolicies it did not convert, then default allow".
   */
  readonly policies?: readonly NetworkPolicy[];
  /** The engine's name, default `kubernetes`. */
  readonly name?: string;
}

/** One direction's answer as an evaluation stage: Accept, Deny, or Next (not isolated), with its reasons. */
export interface StageAnswer {
  readonly verdict: StageVerdict;
  readonly decision: Decision;
}

/** The reference engine: a `ReachabilityEngine` plus per-direction answers and pair counting. */
export interface KubernetesEngine extends ReachabilityEngine {
  /** The cluster the engine was built over (namespaces and pods). */
  readonly cluster: Cluster;
  /** The policies in force. */
  readonly policies: readonly NetworkPolicy[];
  /**
   * One direction of a connection as a stage: for Ingress the destination's policies decide, for Egress the
   * source's. Next when no policy isolates that endpoint in that direction (externals and hostNetwork pods are
   * never isolated); Accept when a rule allows, or when the connection is a pod's traffic to itself; Deny when
   * isolated and nothing allows.
   */
  directionVerdict(connection: Connection, direction: PolicyType): StageAnswer;
  /**
   * Only the verdict of `directionVerdict`, without building reasons: computed on the compiled classes (the
   * port's class-level answer is kept for later calls), for hot loops of engines that compose with this one.
   */
  stageVerdict(connection: Connection, direction: PolicyType): StageVerdict;
  /** The same answer in structured form: the isolating policies and the first rule, peer and port that allowed. */
  explainDirection(connection: Connection, direction: PolicyType): DirectionExplanation;
  /** Both directions of a connection in structured form, and the verdict. */
  explain(connection: Connection): ConnectionExplanation;
  /** The policies (of the engine's set) that isolate an endpoint in a direction, in policy order. */
  isolatingPolicies(endpoint: Endpoint, direction: PolicyType): readonly NetworkPolicy[];
  /** The matrix computed one connection at a time (the cross-check of `matrix`). */
  matrixByConnection(endpoints: readonly Endpoint[], query: PortQuery): BitMatrix;
  /**
   * The number of allowed (source, destination) pairs among the endpoints on the query's port, the same as
   * `matrix(endpoints, query).count()` but computed per class, without materialising the matrix.
   */
  countAllowed(endpoints: readonly Endpoint[], query: PortQuery): number;
  /** Reachability between the endpoints' classes, for counting per group without the matrix. */
  classReachability(endpoints: readonly Endpoint[], query: PortQuery): ClassReachability;
  /** The compiled form (endpoint classes and class sets), built on first use and kept. */
  compiled(): CompiledPolicies;
}

export { isSelfTraffic } from '../core/self-traffic.ts';

/** Builds the reference engine over a cluster, with all of its policies or the given subset. */
export function createKubernetesEngine(cluster: Cluster, options: KubernetesEngineOptions = {}): KubernetesEngine {
  const policies = options.policies ?? cluster.policies;
  // The literal path's index, made on its first use (the compiled path, all `reach` needs, never reads it).
  let byNamespace: ReturnType<typeof policiesByNamespace> | undefined;
  const inNamespaces = () => (byNamespace ??= policiesByNamespace(policies));
  const isolatingPolicies = (e: Endpoint, direction: PolicyType) => isolatingPoliciesOf(inNamespaces(), e, direction);
  const explainDirection = (c: Connection, direction: PolicyType) => explainDirectionLiterally(cluster, inNamespaces(), c, direction);

  function explain(c: Connection): ConnectionExplanation {
    const egress = explainDirection(c, 'Egress');
    const ingress = explainDirection(c, 'Ingress');
    return { allowed: egress.verdict !== 'Deny' && ingress.verdict !== 'Deny', egress, ingress };
  }

  function directionVerdict(c: Connection, direction: PolicyType): StageAnswer {
    const x = explainDirection(c, direction);
    return { verdict: x.verdict, decision: toDecision(x) };
  }

  function decide(c: Connection): ConnectionDecision {
    const egress = directionVerdict(c, 'Egress').decision;
    const ingress = directionVerdict(c, 'Ingress').decision;
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  }

  function allowedByConnection(c: Connection): boolean {
    return explainDirection(c, 'Egress').verdict !== 'Deny' && explainDirection(c, 'Ingress').verdict !== 'Deny';
  }

  let compiledForm: CompiledPolicies | undefined;
  const compiled = (): CompiledPolicies => (compiledForm ??= compilePolicies(cluster, policies));
  const slowPair = (query: PortQuery) => (src: Endpoint, dst: Endpoint) => allowedByConnection({ src, dst, protocol: query.protocol, port: query.port });

  const present = new WeakMap<readonly Endpoint[], ReturnType<typeof presentClasses>>();
  const presentOf = (endpoints: readonly Endpoint[]) => {
    if (!present.has(endpoints)) present.set(endpoints, presentClasses(compiled(), endpoints));
    return present.get(endpoints);
  };

  // Class-level answers per port, kept for stageVerdict (a few ports at a time).
  const reachByPort = new Map<string, PortReachability>();
  const reachFor = (q: PortQuery): PortReachability => {
    const key = `${q.port}/${q.protocol}`;
    let r = reachByPort.get(key);
    if (!r) {
      if (reachByPort.size >= 16) reachByPort.delete(reachByPort.keys().next().value!);
      reachByPort.set(key, (r = new PortReachability(compiled(), q)));
    }
    return r;
  };
  function stageVerdict(c: Connection, direction: PolicyType): StageVerdict {
    if (isSelfTraffic(c.src, c.dst)) return 'Accept';
    const k = compiled();
    const s = k.classOf(c.src);
    const d = k.classOf(c.dst);
    if (s < 0 || d < 0) return explainDirection(c, direction).verdict;
    const r = reachFor(c);
    return direction === 'Ingress' ? r.ingressVerdict(s, d) : r.egressVerdict(s, d);
  }

  return {
    name: options.name ?? 'kubernetes',
    cluster,
    policies,
    decide,
    directionVerdict,
    stageVerdict,
    explainDirection,
    explain,
    isolatingPolicies,
    matrix: (endpoints, query) => classMatrix(compiled(), endpoints, query, slowPair(query)),
    classMatrix: sharedClassMatrices(compiled, presentOf),
    matrixByConnection: (endpoints, query) => matrixOfConnections(endpoints, query, allowedByConnection),
    countAllowed: (endpoints, query) => countAllowedPairs(compiled(), endpoints, query, slowPair(query)),
    classReachability: (endpoints, query) => classReachability(compiled(), endpoints, query, slowPair(query)),
    compiled,
  };
}
