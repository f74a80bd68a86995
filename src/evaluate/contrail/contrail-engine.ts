// Evaluates Contrail (Tungsten Fabric) firewall objects: the application policy set's firewall policies in sequence
// order, each policy's rules in sequence order, first match wins. Rules are anchored at endpoint_1: `<` (and `<>`)
// rules are checked where endpoint_1 receives a connection, `>` (and `<>`) where it opens one. Only workloads (pods
// with an interface) enforce; what no rule decides goes to the NetworkPolicies left in the cluster, then to the
// tail policies (kube-manager's allow-all), then is allowed.
// The form on the evaluator core (src/evaluate/core): its memberships are the workloads' tags and the address
// groups, its stages the main policies, the NetworkPolicies left and the tail policies.
import type { Cluster } from '../../k8s/cluster.ts';
import type { PolicyType } from '../../k8s/network-policy.ts';
import type { AddressRange } from '../../net/address-range.ts';
import type { ContrailConfig, FirewallPolicy, FirewallRule, FirewallRuleEndpoint, FirewallService } from '../../realize/contrail/contrail-objects.ts';
import { emptyBitset, hasBit, type Bitset } from '../bit-matrix.ts';
import type { Connection, PortQuery } from '../connection.ts';
import type { ConnectionDecision } from '../decision.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ReachabilityEngine } from '../engine.ts';
import { createClassEvaluator, type FirewallForm, type FormPipelines } from '../core/class-evaluator.ts';
import type { EndpointPartition, KeyMembership, Memberships } from '../core/endpoint-partition.ts';
import { ipBlockRanges, labelKey } from '../core/endpoint-keys.ts';
import { activeRemaining, remainingAddressSets, remainingStage } from '../core/kubernetes-stage.ts';
import { isSelfTraffic, selfDecision } from '../core/self-traffic.ts';
import type { ClassRule, ClassStage, DirectionTrail, Stage } from '../core/stage-pipeline.ts';
import type { KubernetesEngine, StageAnswer } from '../kubernetes/kubernetes-engine.ts';

/** What the Contrail engine evaluates. */
export interface ContrailEngineInput {
  /** The cluster (its pods are the endpoints; their tags come from `config.workloads`). */
  readonly cluster: Cluster;
  /** The realized Contrail objects. */
  readonly config: ContrailConfig;
  /** NetworkPolicies still in force (a mixed state), consulted before the tail policies. */
  readonly kubernetes?: KubernetesEngine;
  /** The engine's name (default `contrail`). */
  readonly name?: string;
}

/** A Contrail object that cannot be evaluated (a dangling reference). */
export class ContrailModelError extends Error {
  override readonly name = 'ContrailModelError';
}

/** A firewall rule in evaluation order, with its endpoints as memberships (undefined: any). */
interface CompiledRule {
  readonly rule: FirewallRule;
  readonly policy: string;
  readonly position: string;
  readonly ingress: boolean;
  readonly egress: boolean;
  readonly ep1: Membership | undefined;
  readonly ep2: Membership | undefined;
}

/** A rule endpoint: tags (a key membership), an address group (an address membership), or nothing. */
type Membership = { readonly kind: 'byKey' | 'byAddress'; readonly index: number } | 'none';

/** The Contrail engine: a ReachabilityEngine plus each direction's answer. */
export interface ContrailEngine extends ReachabilityEngine {
  /** One direction: Accept or Deny by a rule (or the NetworkPolicies left), Next when nothing decided (allowed). */
  directionVerdict(connection: Connection, direction: PolicyType): StageAnswer;
}

function serviceMatches(s: FirewallService, q: PortQuery): boolean {
  if (s.protocol !== 'any' && s.protocol !== q.protocol.toLowerCase()) return false;
  return q.port >= s.dst_ports.start_port && q.port <= s.dst_ports.end_port;
}

function bySequence<T extends { attr: { sequence: string } }>(refs: readonly T[]): T[] {
  return [...refs].sort((a, b) => Number.parseFloat(a.attr.sequence) - Number.parseFloat(b.attr.sequence));
}

function isTail(p: FirewallPolicy): boolean {
  return (p.annotations?.key_value_pair ?? []).some((kv) => kv.key === 'tail' && kv.value === 'True');
}

/** The memberships of the rules' endpoints: tag sets and address groups (equal ones shared); 0 is "a workload". */
class ContrailMemberships {
  readonly byKey: KeyMembership<Endpoint>[] = [];
  readonly byAddress: AddressRange[][];
  readonly #keys = new Map<string, number>();
  readonly #groups = new Map<string, AddressRange[]>();
  readonly #groupIndex = new Map<string, number>();
  readonly tagsOf: (e: Endpoint) => ReadonlySet<string> | undefined;

  constructor(config: ContrailConfig, extra: AddressRange[][]) {
    const workloadTags = new Map(config.workloads.map((w) => [w.pod, new Set(w.tags)]));
    this.tagsOf = (e) => (e.kind === 'pod' && !e.pod.hostNetwork ? workloadTags.get(e.id) : undefined);
    this.byAddress = extra;
    for (const ag of config.addressGroups) {
      this.#groups.set(ag.fq_name.join(':'), ag.address_group_prefix.subnet.flatMap((s) => ipBlockRanges(`${s.ip_prefix}/${s.ip_prefix_len}`, [])));
    }
    this.byKey.push({ test: (e) => this.tagsOf(e) !== undefined });
  }

  /** A rule endpoint's membership; undefined for `any`. */
  of(ep: FirewallRuleEndpoint, where: string): Membership | undefined {
    if (ep.any) return undefined;
    if (ep.address_group !== undefined) {
      const ranges = this.#groups.get(ep.address_group);
      if (!ranges) throw new ContrailModelError(`${where}: address group ${ep.address_group} does not exist`);
      let index = this.#groupIndex.get(ep.address_group);
      if (index === undefined) this.#groupIndex.set(ep.address_group, (index = this.byAddress.push(ranges) - 1));
      return { kind: 'byAddress', index };
    }
    if (!ep.tags || !ep.tags.length) return 'none';
    const need = ep.tags;
    const key = JSON.stringify([...need].sort());
    let index = this.#keys.get(key);
    if (index === undefined) {
      index = this.byKey.push({ test: (e) => { const have = this.tagsOf(e); return have !== undefined && need.every((t) => have.has(t)); } }) - 1;
      this.#keys.set(key, index);
    }
    return { kind: 'byKey', index };
  }
}

/** The application policy set's rules in order: the main ones, and the tail policies'. */
function compileRules(config: ContrailConfig, m: ContrailMemberships): { main: CompiledRule[]; tail: CompiledRule[] } {
  const rulesByFq = new Map(config.rules.map((r) => [r.fq_name.join(':'), r]));
  const policiesByFq = new Map(config.policies.map((p) => [p.fq_name.join(':'), p]));
  const main: CompiledRule[] = [];
  const tail: CompiledRule[] = [];
  for (const pref of bySequence(config.applicationPolicySet.firewall_policy_refs)) {
    const policy = policiesByFq.get(pref.to.join(':'));
    if (!policy) throw new ContrailModelError(`application policy set ${config.applicationPolicySet.name}: firewall policy ${pref.to.join(':')} does not exist`);
    for (const rref of bySequence(policy.firewall_rule_refs)) {
      const rule = rulesByFq.get(rref.to.join(':'));
      if (!rule) throw new ContrailModelError(`firewall policy ${policy.name}: firewall rule ${rref.to.join(':')} does not exist`);
      (isTail(policy) ? tail : main).push({
        rule, policy: policy.name, position: `${pref.attr.sequence}/${rref.attr.sequence}`,
        ingress: rule.direction !== '>', egress: rule.direction !== '<',
        ep1: m.of(rule.endpoint_1, rule.name), ep2: m.of(rule.endpoint_2, rule.name),
      });
    }
  }
  return { main, tail };
}

/** A rule list of one direction over a partition: enforced at workloads matching endpoint_1. */
function classRules(list: readonly CompiledRule[], p: EndpointPartition, direction: PolicyType): ClassRule<CompiledRule>[] {
  const workloads = p.byKey[0];
  const bits = (x: Membership | undefined): Bitset | undefined => (x === undefined ? undefined : x === 'none' ? emptyBitset(p.size) : p[x.kind][x.index]);
  return list.filter((r) => (direction === 'Ingress' ? r.ingress : r.egress)).map((r) => {
    const subjects = (bits(r.ep1) ?? workloads).slice();
    for (let w = 0; w < subjects.length; w++) subjects[w] &= workloads[w];
    return { rule: r, action: r.rule.action_list.simple_action === 'pass' ? 'Accept' : 'Deny', subjects, peers: bits(r.ep2) };
  });
}

/** The NetworkPolicies left, consulted only where Contrail enforces (at workloads). */
function atWorkloads(stage: ClassStage, workloads: Bitset): ClassStage {
  return { kind: 'classes', verdict: (s, peer, q) => (hasBit(workloads, s) ? stage.verdict(s, peer, q) : 'Next') };
}

const describe = (r: CompiledRule) => `firewall rule ${r.rule.name} (${r.rule.action_list.simple_action}, firewall policy ${r.policy}, sequence ${r.position})`;

/** One direction's answer from the core's trail. */
function answerOf(t: DirectionTrail<CompiledRule>, c: Connection, direction: PolicyType, kubernetes: KubernetesEngine | undefined): StageAnswer {
  if (t.rule) return { verdict: t.verdict, decision: { allowed: t.verdict === 'Accept', by: describe(t.rule.rule), notes: [] } };
  if (t.stage !== undefined && kubernetes) return kubernetes.directionVerdict(c, direction);
  return { verdict: 'Next', decision: { allowed: true, by: `no firewall rule matches (${direction === 'Ingress' ? 'ingress' : 'egress'}): allowed`, notes: [] } };
}

/** Builds the engine; throws ContrailModelError for references to objects that are not in the config. */
export function createContrailEngine(input: ContrailEngineInput): ContrailEngine {
  const { config } = input;
  const kubernetes = activeRemaining(input.kubernetes);
  const m = new ContrailMemberships(config, remainingAddressSets(kubernetes));
  const { main, tail } = compileRules(config, m);
  const memberships: Memberships<Endpoint> = {
    key: (e) => `${[...(m.tagsOf(e) ?? ['\u0000'])].sort().join('\u0001')}\u0002${labelKey(e, kubernetes !== undefined)}`,
    subject: (e) => e,
    namespaceOf: () => undefined,
    byKey: m.byKey,
    byAddress: m.byAddress,
    byEndpoint: [],
  };
  const form: FirewallForm<CompiledRule, Endpoint> = {
    memberships,
    pipelines(p, endpoints): FormPipelines<CompiledRule> {
      const stages = (direction: PolicyType): Stage<CompiledRule>[] => [
        { kind: 'rules', rules: classRules(main, p, direction) },
        ...(kubernetes ? [atWorkloads(remainingStage(kubernetes, p, endpoints, direction), p.byKey[0])] : []),
        { kind: 'rules', rules: classRules(tail, p, direction) },
      ];
      return { egress: { direction: 'Egress', stages: stages('Egress') }, ingress: { direction: 'Ingress', stages: stages('Ingress') }, portsOf: (r, q) => serviceMatches(r.rule.rule.service, q), queryStages: kubernetes !== undefined };
    },
  };
  const core = createClassEvaluator(form);

  function directionVerdict(c: Connection, direction: PolicyType): StageAnswer {
    const dir = direction === 'Ingress' ? 'ingress' : 'egress';
    if (isSelfTraffic(c.src, c.dst)) return { verdict: 'Accept', decision: selfDecision(dir) };
    const subject = direction === 'Ingress' ? c.dst : c.src;
    if (!m.tagsOf(subject)) return { verdict: 'Next', decision: { allowed: true, by: `${subject.id} is not a workload of the cluster: nothing is enforced there (${dir})`, notes: [] } };
    const t = core.trace(c);
    return answerOf(direction === 'Ingress' ? t.ingress : t.egress, c, direction, kubernetes);
  }

  function decide(c: Connection): ConnectionDecision {
    const egress = directionVerdict(c, 'Egress').decision;
    const ingress = directionVerdict(c, 'Ingress').decision;
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  }

  return { name: input.name ?? 'contrail', decide, matrix: core.matrix, classMatrix: core.classMatrix, directionVerdict };
}
