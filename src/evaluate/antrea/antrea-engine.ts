// Evaluates Antrea's objects as the Antrea agent enforces them: tiers by priority, policies by priority, rules in
// order, first match; Pass (and no match) hands the traffic to the Kubernetes NetworkPolicies, then the baseline
// tier, then default allow. Egress is decided at the source, ingress at the destination.
// The form on the evaluator core (src/evaluate/core): its memberships are the selections' selector terms and
// ipBlocks, its stages the tiers, the NetworkPolicies left and the baseline tier.
import type { Cluster } from '../../k8s/cluster.ts';
import { NAMESPACE_NAME_LABEL } from '../../k8s/labels.ts';
import type { PolicyType } from '../../k8s/network-policy.ts';
import { resolveNamedPort } from '../../k8s/pod.ts';
import type { AntreaAction, AntreaObjects, AntreaPort, AntreaRule, ClusterNetworkPolicy } from '../../realize/antrea/antrea-objects.ts';
import { BASELINE_TIER, DEFAULT_TIER, STATIC_TIERS } from '../../realize/antrea/tiers.ts';
import { emptyBitset, orInto, setBit, type Bitset } from '../bit-matrix.ts';
import type { Connection, PortQuery } from '../connection.ts';
import type { ConnectionDecision, Decision } from '../decision.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ReachabilityEngine } from '../engine.ts';
import { createClassEvaluator, type FirewallForm, type FormPipelines } from '../core/class-evaluator.ts';
import type { EndpointPartition, KeyMembership, Memberships } from '../core/endpoint-partition.ts';
import { labelKey } from '../core/endpoint-keys.ts';
import { activeRemaining, remainingAddressSets, remainingStage } from '../core/kubernetes-stage.ts';
import { isSelfTraffic, selfDecision } from '../core/self-traffic.ts';
import type { ClassRule, DirectionTrail, PortMatch, RuleAction, Stage } from '../core/stage-pipeline.ts';
import { isSelectable, namespaceLabels } from '../kubernetes/endpoint-match.ts';
import type { KubernetesEngine, StageAnswer } from '../kubernetes/kubernetes-engine.ts';
import { AntreaModelError, AntreaSelections, selectorTermHolds, type Selection } from './antrea-membership.ts';

/** What the Antrea engine evaluates. */
export interface AntreaEngineInput {
  /** The pods and namespaces (labels, addresses, container ports). */
  readonly cluster: Cluster;
  /** The realized Antrea objects. Antrea's static tiers exist without being listed. */
  readonly objects: AntreaObjects;
  /** The Kubernetes NetworkPolicies still in the cluster (a mixed state), enforced after every tier but baseline. */
  readonly kubernetes?: KubernetesEngine;
  /** The engine's name (default `antrea`). */
  readonly name?: string;
}

/** One compiled rule of one direction. */
interface CompiledRule {
  readonly policy: ClusterNetworkPolicy;
  readonly tier: string;
  readonly rule: AntreaRule;
  readonly index: number;
  readonly direction: PolicyType;
  readonly appliedTo: Selection;
  /** Undefined: every peer. */
  readonly peers: Selection | undefined;
  readonly ports: readonly AntreaPort[] | undefined;
  readonly namedPorts: boolean;
}

/** The Antrea engine: a ReachabilityEngine plus each direction's answer. */
export interface AntreaEngine extends ReachabilityEngine {
  /** One direction: Accept or Deny as decided by a rule, Kubernetes or baseline; Next = nothing decided (allowed). */
  directionVerdict(connection: Connection, direction: PolicyType): StageAnswer;
}

function portMatches(port: AntreaPort, q: PortQuery, dst: Endpoint | undefined): boolean {
  if (port.protocol !== q.protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'number') return q.port >= port.port && q.port <= (port.endPort ?? port.port);
  // Antrea resolves a named port at the pods it manages: never at a hostNetwork pod or an outside address.
  return dst?.kind === 'pod' && !dst.pod.hostNetwork && resolveNamedPort(dst.pod, port.port, port.protocol) === q.port;
}

function portsMatch(ports: readonly AntreaPort[] | undefined, q: PortQuery, dst: Endpoint | undefined): boolean {
  return !ports || ports.length === 0 || ports.some((p) => portMatches(p, q, dst));
}

function actionOf(action: AntreaAction): RuleAction {
  return action === 'Allow' ? 'Accept' : action === 'Pass' ? 'Pass' : 'Deny';
}

/** The policies in evaluation order: tier priority, policy priority, name. */
function orderedPolicies(objects: AntreaObjects): { p: ClusterNetworkPolicy; tier: string }[] {
  const tierPriority = new Map<string, number>(STATIC_TIERS);
  for (const t of objects.tiers) tierPriority.set(t.metadata.name, t.spec.priority);
  return [...objects.policies].map((p) => {
    const tier = p.spec.tier || DEFAULT_TIER;
    const tp = tierPriority.get(tier);
    if (tp === undefined) throw new AntreaModelError(`ClusterNetworkPolicy ${p.metadata.name}: tier ${tier} does not exist`);
    return { p, tier, tp };
  }).sort((a, b) => a.tp - b.tp || a.p.spec.priority - b.p.spec.priority || (a.p.metadata.name < b.p.metadata.name ? -1 : a.p.metadata.name > b.p.metadata.name ? 1 : 0));
}

/** Every rule of one direction, in order, for the baseline tier or for the others. */
function compileRules(objects: AntreaObjects, selections: AntreaSelections, direction: PolicyType, baseline: boolean): CompiledRule[] {
  const out: CompiledRule[] = [];
  for (const { p, tier } of orderedPolicies(objects)) {
    if ((tier === BASELINE_TIER) !== baseline) continue;
    const rules = (direction === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? [];
    rules.forEach((rule, index) => {
      const at = rule.appliedTo && rule.appliedTo.length ? rule.appliedTo : p.spec.appliedTo ?? [];
      const appliedTo = { selectors: at.flatMap((a) => selections.appliedTo(a).selectors), blocks: at.flatMap((a) => selections.appliedTo(a).blocks) };
      const peerList = direction === 'Ingress' ? rule.from : rule.to;
      const peers = peerList && peerList.length ? { selectors: peerList.flatMap((x) => selections.peer(x).selectors), blocks: peerList.flatMap((x) => selections.peer(x).blocks) } : undefined;
      const namedPorts = (rule.ports ?? []).some((x) => typeof x.port === 'string');
      out.push({ policy: p, tier, rule, index, direction, appliedTo, peers, ports: rule.ports, namedPorts });
    });
  }
  return out;
}

/** Every selector term and ipBlock of the rules as one membership each (equal terms share one). */
function antreaMemberships(cluster: Cluster, rules: readonly CompiledRule[], withPorts: boolean, extra: Memberships<Endpoint>['byAddress']) {
  const keyIndex = new Map<string, number>();
  const blockIndex = new Map<string, number>();
  const byKey: KeyMembership<Endpoint>[] = [];
  const byAddress = [...extra];
  const labelsOf = (ns: string) => namespaceLabels(cluster.namespaces, ns);
  for (const r of rules) {
    for (const s of [r.appliedTo, r.peers]) {
      for (const t of s?.selectors ?? []) {
        if (!keyIndex.has(t.id)) keyIndex.set(t.id, byKey.push({ test: (e) => selectorTermHolds(t, e, labelsOf), ...(t.namespaceNames ? { namespaces: t.namespaceNames } : {}) }) - 1);
      }
      for (const b of s?.blocks ?? []) if (!blockIndex.has(b.id)) blockIndex.set(b.id, byAddress.push(b.ranges) - 1);
    }
  }
  const memberships: Memberships<Endpoint> = {
    key: (e) => labelKey(e, withPorts),
    subject: (e) => e,
    namespaceOf: (e) => (e.kind === 'pod' && isSelectable(e) ? labelsOf(e.pod.namespace)[NAMESPACE_NAME_LABEL] ?? e.pod.namespace : undefined),
    byKey,
    byAddress,
    byEndpoint: [],
  };
  return { memberships, keyIndex, blockIndex };
}

/** The rules of one list over a partition's classes. */
function classRules(rules: readonly CompiledRule[], p: EndpointPartition, endpoints: readonly Endpoint[], index: { keyIndex: Map<string, number>; blockIndex: Map<string, number> }): ClassRule<CompiledRule>[] {
  const selectable = emptyBitset(p.size);
  for (let c = 0; c < p.size; c++) if (isSelectable(endpoints[p.representative[c]])) setBit(selectable, c);
  const memo = new Map<string, Bitset>();
  const bitsOf = (s: Selection): Bitset => {
    const key = `${s.selectors.map((t) => t.id).join('\n')}\n\n${s.blocks.map((t) => t.id).join('\n')}`;
    let b = memo.get(key);
    if (!b) {
      b = emptyBitset(p.size);
      for (const t of s.selectors) orInto(b, p.byKey[index.keyIndex.get(t.id)!]);
      for (const t of s.blocks) orInto(b, p.byAddress[index.blockIndex.get(t.id)!]);
      memo.set(key, b);
    }
    return b;
  };
  return rules.map((r) => {
    const subjects = bitsOf(r.appliedTo).slice();
    for (let w = 0; w < subjects.length; w++) subjects[w] &= selectable[w];
    return { rule: r, action: actionOf(r.rule.action), subjects, peers: r.peers ? bitsOf(r.peers) : undefined };
  });
}

/** Where a rule's ports match a query: everywhere or nowhere, or (named ports) at these destination classes. */
function antreaPortsOf(p: EndpointPartition, endpoints: readonly Endpoint[]) {
  const named = new Map<string, Bitset>();
  return (r: ClassRule<CompiledRule>, q: PortQuery): PortMatch => {
    if (!r.rule.namedPorts) return portsMatch(r.rule.ports, q, undefined);
    const key = `${r.rule.policy.metadata.name}/${r.rule.direction}/${r.rule.index}/${q.protocol}/${q.port}`;
    let s = named.get(key);
    if (!s) {
      s = emptyBitset(p.size);
      for (let c = 0; c < p.size; c++) if (portsMatch(r.rule.ports, q, endpoints[p.representative[c]])) setBit(s, c);
      if (named.size > 4096) named.clear();
      named.set(key, s);
    }
    return s;
  };
}

function describe(r: CompiledRule): string {
  const field = r.direction === 'Ingress' ? 'ingress' : 'egress';
  const origin = r.policy.metadata.annotations['np2dfw.io/policy-name'];
  const ns = r.policy.metadata.annotations['np2dfw.io/namespace'];
  const from = origin ? ` (from NetworkPolicy ${ns}/${origin})` : '';
  return `ClusterNetworkPolicy ${r.policy.metadata.name} (tier ${r.tier}, priority ${r.policy.spec.priority}) ${field}[${r.index}] "${r.rule.name}" ${r.rule.action}${from}`;
}

/** One direction's answer from the core's trail, with Antrea's reasons. */
function answerOf(t: DirectionTrail<CompiledRule>, c: Connection, direction: PolicyType, kubernetes: KubernetesEngine | undefined): StageAnswer {
  const dir = direction === 'Ingress' ? 'ingress' : 'egress';
  const passes = t.passedBy.filter((r) => r.rule.tier !== BASELINE_TIER);
  const notes = passes.map((r) => `passed to the Kubernetes NetworkPolicies by ${describe(r.rule)}`);
  if (t.rule) return { verdict: t.verdict, decision: { allowed: t.verdict === 'Accept', by: describe(t.rule.rule), notes } };
  if (t.stage !== undefined && kubernetes) {
    const k = kubernetes.directionVerdict(c, direction);
    return { verdict: k.verdict, decision: { allowed: k.decision.allowed, by: k.decision.by, notes: [...notes, ...k.decision.notes] } };
  }
  const baselinePass = t.passedBy.find((r) => r.rule.tier === BASELINE_TIER);
  if (baselinePass) return { verdict: 'Next', decision: { allowed: true, by: describe(baselinePass.rule), notes } };
  return { verdict: 'Next', decision: { allowed: true, by: `no Antrea policy or NetworkPolicy decides ${dir}: default allow`, notes } };
}

/** Builds the engine; throws AntreaModelError for objects Antrea would refuse or np2dfw does not model. */
export function createAntreaEngine(input: AntreaEngineInput): AntreaEngine {
  const { cluster, objects } = input;
  const kubernetes = activeRemaining(input.kubernetes);
  const selections = new AntreaSelections(cluster, objects.clusterGroups);
  const lists = (direction: PolicyType) => ({ tiers: compileRules(objects, selections, direction, false), baseline: compileRules(objects, selections, direction, true) });
  const rules = { Egress: lists('Egress'), Ingress: lists('Ingress') };
  const every = [...rules.Egress.tiers, ...rules.Egress.baseline, ...rules.Ingress.tiers, ...rules.Ingress.baseline];
  const withPorts = kubernetes !== undefined || every.some((r) => r.namedPorts);
  const index = antreaMemberships(cluster, every, withPorts, remainingAddressSets(kubernetes));
  const form: FirewallForm<CompiledRule, Endpoint> = {
    memberships: index.memberships,
    pipelines(p, endpoints): FormPipelines<CompiledRule> {
      const stages = (direction: PolicyType): Stage<CompiledRule>[] => [
        { kind: 'rules', rules: classRules(rules[direction].tiers, p, endpoints, index) },
        ...(kubernetes ? [remainingStage(kubernetes, p, endpoints, direction)] : []),
        { kind: 'rules', rules: classRules(rules[direction].baseline, p, endpoints, index) },
      ];
      return { egress: { direction: 'Egress', stages: stages('Egress') }, ingress: { direction: 'Ingress', stages: stages('Ingress') }, portsOf: antreaPortsOf(p, endpoints), queryStages: kubernetes !== undefined };
    },
  };
  const core = createClassEvaluator(form);

  function directionVerdict(c: Connection, direction: PolicyType): StageAnswer {
    if (isSelfTraffic(c.src, c.dst)) return { verdict: 'Accept', decision: selfDecision(direction === 'Ingress' ? 'ingress' : 'egress') };
    const t = core.trace(c);
    return answerOf(direction === 'Ingress' ? t.ingress : t.egress, c, direction, kubernetes);
  }

  function decide(c: Connection): ConnectionDecision {
    const egress: Decision = directionVerdict(c, 'Egress').decision;
    const ingress: Decision = directionVerdict(c, 'Ingress').decision;
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  }

  return { name: input.name ?? 'antrea', decide, matrix: core.matrix, classMatrix: core.classMatrix, directionVerdict };
}
