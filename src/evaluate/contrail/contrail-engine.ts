// Evaluates Contrail (Tungsten Fabric) firewall objects: the application policy set's firewall policies in sequence
// order, each policy's rules in sequence order, first match wins. Rules are anchored at endpoint_1: `<` (and `<>`)
// rules are checked where endpoint_1 receives a connection, `>` (and `<>`) where it opens one. Only workloads (pods
// with an interface) enforce; what no rule decides goes to the NetworkPolicies left in the cluster, then to the
// tail policies (kube-manager's allow-all), then is allowed.
import type { Cluster } from '../../k8s/cluster.ts';
import type { PolicyType } from '../../k8s/network-policy.ts';
import { cidrWithExceptHolds, parseCidrWithExcept, type CidrWithExcept } from '../../net/cidr.ts';
import { addressValue } from '../../net/ip-address.ts';
import type { ContrailConfig, FirewallPolicy, FirewallRule, FirewallRuleEndpoint, FirewallService } from '../../realize/contrail/contrail-objects.ts';
import { BitMatrix } from '../bit-matrix.ts';
import type { Connection, PortQuery } from '../connection.ts';
import type { ConnectionDecision, StageVerdict } from '../decision.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ReachabilityEngine } from '../engine.ts';
import type { KubernetesEngine, StageAnswer } from '../kubernetes/kubernetes-engine.ts';
import { isSelfTraffic } from '../kubernetes/kubernetes-engine.ts';

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

interface CompiledRule {
  readonly rule: FirewallRule;
  readonly policy: string;
  readonly position: string;
  readonly ingress: boolean;
  readonly egress: boolean;
  readonly ep1: (e: Endpoint) => boolean;
  readonly ep2: (e: Endpoint) => boolean;
}

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

/** Builds the engine; throws ContrailModelError for references to objects that are not in the config. */
export function createContrailEngine(input: ContrailEngineInput): ContrailEngine {
  const { config, kubernetes } = input;
  const workloadTags = new Map(config.workloads.map((w) => [w.pod, new Set(w.tags)]));
  const tagsOf = (e: Endpoint): Set<string> | undefined => (e.kind === 'pod' && !e.pod.hostNetwork ? workloadTags.get(e.id) : undefined);
  const groups = new Map<string, CidrWithExcept[]>();
  for (const ag of config.addressGroups) {
    groups.set(ag.fq_name.join(':'), ag.address_group_prefix.subnet.map((s) => parseCidrWithExcept(`${s.ip_prefix}/${s.ip_prefix_len}`, [])));
  }
  const predicateMemo = new Map<string, (e: Endpoint) => boolean>();
  const endpointPredicate = (ep: FirewallRuleEndpoint, where: string): ((e: Endpoint) => boolean) => {
    const key = JSON.stringify(ep);
    let f = predicateMemo.get(key);
    if (!f) predicateMemo.set(key, (f = makePredicate(ep, where)));
    return f;
  };
  const makePredicate = (ep: FirewallRuleEndpoint, where: string): ((e: Endpoint) => boolean) => {
    if (ep.any) return () => true;
    if (ep.address_group !== undefined) {
      const prefixes = groups.get(ep.address_group);
      if (!prefixes) throw new ContrailModelError(`${where}: address group ${ep.address_group} does not exist`);
      return (e) => prefixes.some((p) => cidrWithExceptHolds(p, e.family, addressValue(e.ip, e.family)));
    }
    if (ep.tags && ep.tags.length) {
      const need = ep.tags;
      return (e) => {
        const have = tagsOf(e);
        return have !== undefined && need.every((t) => have.has(t));
      };
    }
    return () => false;
  };
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
        ep1: endpointPredicate(rule.endpoint_1, rule.name), ep2: endpointPredicate(rule.endpoint_2, rule.name),
      });
    }
  }

  const applies = (r: CompiledRule, direction: PolicyType) => (direction === 'Ingress' ? r.ingress : r.egress);
  const firstMatch = (list: readonly CompiledRule[], c: Connection, direction: PolicyType): CompiledRule | undefined => {
    const subject = direction === 'Ingress' ? c.dst : c.src;
    const other = direction === 'Ingress' ? c.src : c.dst;
    for (const r of list) if (applies(r, direction) && serviceMatches(r.rule.service, c) && r.ep1(subject) && r.ep2(other)) return r;
    return undefined;
  };
  const describe = (r: CompiledRule) => `firewall rule ${r.rule.name} (${r.rule.action_list.simple_action}, firewall policy ${r.policy}, sequence ${r.position})`;

  function directionVerdict(c: Connection, direction: PolicyType): StageAnswer {
    const dir = direction === 'Ingress' ? 'ingress' : 'egress';
    if (isSelfTraffic(c.src, c.dst)) return { verdict: 'Accept', decision: { allowed: true, by: `a pod's traffic to itself is always allowed (${dir})`, notes: [] } };
    const subject = direction === 'Ingress' ? c.dst : c.src;
    if (!tagsOf(subject)) return { verdict: 'Next', decision: { allowed: true, by: `${subject.id} is not a workload of the cluster: nothing is enforced there (${dir})`, notes: [] } };
    const hit = firstMatch(main, c, direction);
    if (hit) {
      const v: StageVerdict = hit.rule.action_list.simple_action === 'pass' ? 'Accept' : 'Deny';
      return { verdict: v, decision: { allowed: v === 'Accept', by: describe(hit), notes: [] } };
    }
    if (kubernetes) {
      const k = kubernetes.directionVerdict(c, direction);
      if (k.verdict !== 'Next') return k;
    }
    const t = firstMatch(tail, c, direction);
    if (t) {
      const v: StageVerdict = t.rule.action_list.simple_action === 'pass' ? 'Accept' : 'Deny';
      return { verdict: v, decision: { allowed: v === 'Accept', by: describe(t), notes: [] } };
    }
    return { verdict: 'Next', decision: { allowed: true, by: `no firewall rule matches (${dir}): allowed`, notes: [] } };
  }

  function decide(c: Connection): ConnectionDecision {
    const egress = directionVerdict(c, 'Egress').decision;
    const ingress = directionVerdict(c, 'Ingress').decision;
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  }

  /** Per endpoint list: each subject's rules in order (per list and direction), and each endpoint predicate's bits. */
  const preparedCache = new WeakMap<readonly Endpoint[], { lists: Map<string, CompiledRule[][]>; bits: Map<(e: Endpoint) => boolean, Uint32Array> }>();
  function prepared(endpoints: readonly Endpoint[]) {
    let p = preparedCache.get(endpoints);
    if (!p) preparedCache.set(endpoints, (p = { lists: new Map(), bits: new Map() }));
    return p;
  }

  /** One direction for all pairs: per subject, rules in order over bitsets of the still undecided other ends. */
  function directionMatrix(endpoints: readonly Endpoint[], q: PortQuery, direction: PolicyType): BitMatrix {
    const n = endpoints.length;
    const out = new BitMatrix(n, n);
    const stride = out.stride;
    const prep = prepared(endpoints);
    const bitsOf = (f: (e: Endpoint) => boolean) => {
      let b = prep.bits.get(f);
      if (!b) {
        b = new Uint32Array(stride);
        for (let j = 0; j < n; j++) if (f(endpoints[j])) b[j >>> 5] |= 1 << (j & 31);
        prep.bits.set(f, b);
      }
      return b;
    };
    const otherBits = (r: CompiledRule) => bitsOf(r.ep2);
    /** Each subject's rules of a list that apply in this direction, in order (port-independent, kept per endpoint list). */
    const bySubject = (name: string, list: readonly CompiledRule[]): CompiledRule[][] => {
      const key = `${name}:${direction}`;
      let l = prep.lists.get(key);
      if (!l) {
        l = endpoints.map(() => []);
        for (const r of list) {
          if (!applies(r, direction)) continue;
          const b = bitsOf(r.ep1);
          for (let i = 0; i < n; i++) if (b[i >>> 5] & (1 << (i & 31))) l[i].push(r);
        }
        prep.lists.set(key, l);
      }
      return l;
    };
    const lists = [bySubject('main', main), bySubject('tail', tail)];
    const undecided = new Uint32Array(stride);
    const accepted = new Uint32Array(stride);
    const run = (list: readonly CompiledRule[]) => {
      for (const r of list) {
        if (!serviceMatches(r.rule.service, q)) continue;
        const b = otherBits(r);
        const pass = r.rule.action_list.simple_action === 'pass';
        let left = 0;
        for (let w = 0; w < stride; w++) {
          const m = undecided[w] & b[w];
          if (m) {
            undecided[w] &= ~m;
            if (pass) accepted[w] |= m;
          }
          left |= undecided[w];
        }
        if (!left) return;
      }
    };
    for (let i = 0; i < n; i++) {
      const subject = endpoints[i];
      accepted.fill(0);
      undecided.fill(0);
      for (let j = 0; j < n; j++) undecided[j >>> 5] |= 1 << (j & 31);
      if (tagsOf(subject)) {
        run(lists[0][i]);
        if (kubernetes) {
          for (let j = 0; j < n; j++) {
            if (!(undecided[j >>> 5] & (1 << (j & 31)))) continue;
            const c: Connection = direction === 'Ingress'
              ? { src: endpoints[j], dst: subject, protocol: q.protocol, port: q.port }
              : { src: subject, dst: endpoints[j], protocol: q.protocol, port: q.port };
            const v = kubernetes.directionVerdict(c, direction).verdict;
            if (v !== 'Next') {
              undecided[j >>> 5] &= ~(1 << (j & 31));
              if (v === 'Accept') accepted[j >>> 5] |= 1 << (j & 31);
            }
          }
        }
        run(lists[1][i]);
      }
      for (let w = 0; w < stride; w++) accepted[w] |= undecided[w];
      for (let j = 0; j < n; j++) {
        const self = direction === 'Ingress' ? isSelfTraffic(endpoints[j], subject) : isSelfTraffic(subject, endpoints[j]);
        if (self) accepted[j >>> 5] |= 1 << (j & 31);
      }
      out.words.set(accepted, i * stride);
    }
    return out;
  }

  function matrix(endpoints: readonly Endpoint[], q: PortQuery): BitMatrix {
    const egress = directionMatrix(endpoints, q, 'Egress');
    const ingress = directionMatrix(endpoints, q, 'Ingress');
    const n = endpoints.length;
    const m = new BitMatrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (egress.get(i, j) && ingress.get(j, i)) m.set(i, j);
    return m;
  }

  return { name: input.name ?? 'contrail', decide, matrix, directionVerdict };
}
