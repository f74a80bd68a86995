// Evaluates Antrea's objects as the Antrea agent enforces them: tiers by priority, policies by priority, rules in
// order, first match; Pass (and no match) hands the traffic to the Kubernetes NetworkPolicies, then the baseline
// tier, then default allow. Egress is decided at the source, ingress at the destination.
import type { Cluster } from '../../k8s/cluster.ts';
import type { PolicyType } from '../../k8s/network-policy.ts';
import { resolveNamedPort } from '../../k8s/pod.ts';
import type {
  AntreaAction, AntreaObjects, AntreaPort, AntreaRule, ClusterNetworkPolicy,
} from '../../realize/antrea/antrea-objects.ts';
import { BASELINE_TIER, DEFAULT_TIER, STATIC_TIERS } from '../../realize/antrea/tiers.ts';
import { BitMatrix } from '../bit-matrix.ts';
import type { Connection, PortQuery } from '../connection.ts';
import type { ConnectionDecision, Decision, StageVerdict } from '../decision.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ReachabilityEngine } from '../engine.ts';
import type { KubernetesEngine, StageAnswer } from '../kubernetes/kubernetes-engine.ts';
import { isSelfTraffic } from '../kubernetes/kubernetes-engine.ts';
import { AntreaModelError, AntreaSelections, type EndpointPredicate } from './antrea-membership.ts';

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
  readonly appliedTo: EndpointPredicate;
  /** Undefined: every peer. */
  readonly peers: EndpointPredicate | undefined;
  readonly ports: readonly AntreaPort[] | undefined;
}

/** The Antrea engine: a ReachabilityEngine plus each direction's answer. */
export interface AntreaEngine extends ReachabilityEngine {
  /** One direction: Accept or Deny as decided by a rule, Kubernetes or baseline; Next = nothing decided (allowed). */
  directionVerdict(connection: Connection, direction: PolicyType): StageAnswer;
}

function portMatches(port: AntreaPort, q: PortQuery, dst: Endpoint): boolean {
  if (port.protocol !== q.protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'number') return q.port >= port.port && q.port <= (port.endPort ?? port.port);
  // Antrea resolves a named port at the pods it manages: never at a hostNetwork pod or an outside address.
  return dst.kind === 'pod' && !dst.pod.hostNetwork && resolveNamedPort(dst.pod, port.port, port.protocol) === q.port;
}

function portsMatch(ports: readonly AntreaPort[] | undefined, q: PortQuery, dst: Endpoint): boolean {
  return !ports || ports.length === 0 || ports.some((p) => portMatches(p, q, dst));
}

function verdictOf(action: AntreaAction): StageVerdict | 'Pass' {
  return action === 'Allow' ? 'Accept' : action === 'Pass' ? 'Pass' : 'Deny';
}

/** Builds the engine; throws AntreaModelError for objects Antrea would refuse or np2dfw does not model. */
export function createAntreaEngine(input: AntreaEngineInput): AntreaEngine {
  const { cluster, objects, kubernetes } = input;
  const tierPriority = new Map<string, number>(STATIC_TIERS);
  for (const t of objects.tiers) tierPriority.set(t.metadata.name, t.spec.priority);
  const selections = new AntreaSelections(cluster, objects.clusterGroups);
  const ordered = [...objects.policies].map((p) => {
    const tier = p.spec.tier || DEFAULT_TIER;
    const tp = tierPriority.get(tier);
    if (tp === undefined) throw new AntreaModelError(`ClusterNetworkPolicy ${p.metadata.name}: tier ${tier} does not exist`);
    return { p, tier, tp };
  }).sort((a, b) => a.tp - b.tp || a.p.spec.priority - b.p.spec.priority || (a.p.metadata.name < b.p.metadata.name ? -1 : a.p.metadata.name > b.p.metadata.name ? 1 : 0));

  // Identical appliedTo lists and peer lists (one per policy, often repeated) share one predicate.
  const appliedMemo = new Map<string, EndpointPredicate>();
  const peersMemo = new Map<string, EndpointPredicate>();
  const memo = (m: Map<string, EndpointPredicate>, key: string, make: () => EndpointPredicate) => {
    let f = m.get(key);
    if (!f) m.set(key, (f = make()));
    return f;
  };
  const compile = (direction: PolicyType, baseline: boolean): CompiledRule[] => {
    const out: CompiledRule[] = [];
    for (const { p, tier } of ordered) {
      if ((tier === BASELINE_TIER) !== baseline) continue;
      const rules = (direction === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? [];
      rules.forEach((rule, index) => {
        const at = rule.appliedTo && rule.appliedTo.length ? rule.appliedTo : p.spec.appliedTo ?? [];
        const appliedTo = memo(appliedMemo, JSON.stringify(at), () => {
          const ats = at.map((a) => selections.appliedTo(a));
          return (e) => ats.some((f) => f(e));
        });
        const peerList = direction === 'Ingress' ? rule.from : rule.to;
        const peers = peerList && peerList.length
          ? memo(peersMemo, JSON.stringify(peerList), () => {
            const ps = peerList.map((x) => selections.peer(x));
            return (e) => ps.some((f) => f(e));
          })
          : undefined;
        out.push({ policy: p, tier, rule, index, appliedTo, peers, ports: rule.ports });
      });
    }
    return out;
  };
  const rules = { Ingress: compile('Ingress', false), Egress: compile('Egress', false) };
  const baselineRules = { Ingress: compile('Ingress', true), Egress: compile('Egress', true) };

  const describe = (r: CompiledRule, direction: PolicyType): string => {
    const field = direction === 'Ingress' ? 'ingress' : 'egress';
    const origin = r.policy.metadata.annotations['np2dfw.io/policy-name'];
    const ns = r.policy.metadata.annotations['np2dfw.io/namespace'];
    const from = origin ? ` (from NetworkPolicy ${ns}/${origin})` : '';
    return `ClusterNetworkPolicy ${r.policy.metadata.name} (tier ${r.tier}, priority ${r.policy.spec.priority}) ${field}[${r.index}] "${r.rule.name}" ${r.rule.action}${from}`;
  };

  /** The first rule of `list` that matches; undefined when none does. */
  const firstMatch = (list: readonly CompiledRule[], c: Connection, direction: PolicyType): CompiledRule | undefined => {
    const subject = direction === 'Ingress' ? c.dst : c.src;
    const other = direction === 'Ingress' ? c.src : c.dst;
    for (const r of list) {
      if (!r.appliedTo(subject)) continue;
      if (r.peers && !r.peers(other)) continue;
      if (!portsMatch(r.ports, c, c.dst)) continue;
      return r;
    }
    return undefined;
  };

  function directionVerdict(c: Connection, direction: PolicyType): StageAnswer {
    const dir = direction === 'Ingress' ? 'ingress' : 'egress';
    if (isSelfTraffic(c.src, c.dst)) return { verdict: 'Accept', decision: { allowed: true, by: `a pod's traffic to itself is always allowed (${dir})`, notes: [] } };
    const notes: string[] = [];
    const hit = firstMatch(rules[direction], c, direction);
    if (hit) {
      const v = verdictOf(hit.rule.action);
      if (v !== 'Pass') return { verdict: v, decision: { allowed: v === 'Accept', by: describe(hit, direction), notes } };
      notes.push(`passed to the Kubernetes NetworkPolicies by ${describe(hit, direction)}`);
    }
    if (kubernetes) {
      const k = kubernetes.directionVerdict(c, direction);
      if (k.verdict !== 'Next') return { verdict: k.verdict, decision: { allowed: k.decision.allowed, by: k.decision.by, notes: [...notes, ...k.decision.notes] } };
    }
    const base = firstMatch(baselineRules[direction], c, direction);
    if (base) {
      const v = verdictOf(base.rule.action);
      const verdict: StageVerdict = v === 'Pass' ? 'Next' : v;
      return { verdict, decision: { allowed: verdict !== 'Deny', by: describe(base, direction), notes } };
    }
    return { verdict: 'Next', decision: { allowed: true, by: `no Antrea policy or NetworkPolicy decides ${dir}: default allow`, notes } };
  }

  function decide(c: Connection): ConnectionDecision {
    const egress: Decision = directionVerdict(c, 'Egress').decision;
    const ingress: Decision = directionVerdict(c, 'Ingress').decision;
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  }

  /** What a matrix over one endpoint list reuses for every port: rule lists per subject, peer sets. */
  interface Prepared {
    /** For each subject endpoint, the rules of `list` that apply to it, in order. */
    bySubject(list: readonly CompiledRule[]): readonly (readonly CompiledRule[])[];
    readonly peerBits: Map<EndpointPredicate, Uint32Array>;
  }
  const preparedCache = new WeakMap<readonly Endpoint[], Prepared>();
  function prepared(endpoints: readonly Endpoint[]): Prepared {
    let p = preparedCache.get(endpoints);
    if (p) return p;
    const lists = new Map<readonly CompiledRule[], CompiledRule[][]>();
    // appliedTo predicates are shared by many rules (one per policy): evaluate each once per endpoint.
    const membership = new Map<EndpointPredicate, boolean[]>();
    const members = (f: EndpointPredicate) => {
      let m = membership.get(f);
      if (!m) membership.set(f, (m = endpoints.map((e) => f(e))));
      return m;
    };
    p = {
      peerBits: new Map(),
      bySubject(list) {
        let l = lists.get(list);
        if (!l) {
          l = endpoints.map(() => []);
          for (const r of list) {
            const m = members(r.appliedTo);
            for (let i = 0; i < m.length; i++) if (m[i]) l[i].push(r);
          }
          lists.set(list, l);
        }
        return l;
      },
    };
    preparedCache.set(endpoints, p);
    return p;
  }

  /**
   * One direction for every pair at once: per subject endpoint, the rules that apply to it in order, each taking
   * the still undecided peers it matches (bitsets over the endpoints). What stays undecided or was passed goes to
   * Kubernetes (one connection at a time) and the baseline tier.
   */
  function directionMatrix(endpoints: readonly Endpoint[], q: PortQuery, direction: PolicyType): BitMatrix {
    const n = endpoints.length;
    const out = new BitMatrix(n, n); // row = subject, column = other end; set = allowed
    const stride = out.stride;
    const prep = prepared(endpoints);
    const bitsOf = (r: CompiledRule): Uint32Array | undefined => {
      if (!r.peers) return undefined;
      let b = prep.peerBits.get(r.peers);
      if (!b) {
        b = new Uint32Array(stride);
        for (let j = 0; j < n; j++) if (r.peers(endpoints[j])) b[j >>> 5] |= 1 << (j & 31);
        prep.peerBits.set(r.peers, b);
      }
      return b;
    };
    // Egress: the port may depend on the other end (a named port resolves at the destination): a bitset per rule.
    // Ingress: the subject is the destination, so the port matches or not for the whole row.
    const portCache = new Map<CompiledRule, Uint32Array>();
    const egressPortBits = (r: CompiledRule): Uint32Array => {
      let b = portCache.get(r);
      if (!b) {
        b = new Uint32Array(stride);
        for (let j = 0; j < n; j++) if (portsMatch(r.ports, q, endpoints[j])) b[j >>> 5] |= 1 << (j & 31);
        portCache.set(r, b);
      }
      return b;
    };
    const full = new Uint32Array(stride);
    for (let j = 0; j < n; j++) full[j >>> 5] |= 1 << (j & 31);
    const undecided = new Uint32Array(stride);
    const passed = new Uint32Array(stride);
    const accepted = new Uint32Array(stride);
    /** Applies rules in order to the undecided peers: Allow -> accepted, Pass -> passed, Drop/Reject -> denied. */
    const apply = (list: readonly CompiledRule[], subject: Endpoint): void => {
      for (const r of list) {
        let portMask: Uint32Array | undefined;
        if (r.ports && r.ports.length) {
          if (direction === 'Egress') portMask = egressPortBits(r);
          else if (!portsMatch(r.ports, q, subject)) continue;
        }
        const peers = bitsOf(r);
        const verdict = verdictOf(r.rule.action);
        let left = 0;
        for (let w = 0; w < stride; w++) {
          let m = undecided[w];
          if (peers) m &= peers[w];
          if (portMask) m &= portMask[w];
          if (m !== 0) {
            undecided[w] &= ~m;
            if (verdict === 'Accept') accepted[w] |= m;
            else if (verdict === 'Pass') passed[w] |= m;
          }
          left |= undecided[w];
        }
        if (left === 0) return;
      }
    };
    for (let i = 0; i < n; i++) {
      const subject = endpoints[i];
      undecided.set(full);
      accepted.fill(0);
      passed.fill(0);
      apply(prep.bySubject(rules[direction])[i], subject);
      // Kubernetes, then baseline, for what no tier decided or what was passed.
      const rest: number[] = [];
      for (let w = 0; w < stride; w++) {
        let x = passed[w] | undecided[w];
        while (x !== 0) {
          const bit = 31 - Math.clz32(x & -x);
          rest.push(w * 32 + bit);
          x &= x - 1;
        }
      }
      undecided.fill(0);
      passed.fill(0);
      for (const j of rest) {
        const other = endpoints[j];
        const c: Connection = direction === 'Ingress'
          ? { src: other, dst: subject, protocol: q.protocol, port: q.port }
          : { src: subject, dst: other, protocol: q.protocol, port: q.port };
        const k = kubernetes ? kubernetes.directionVerdict(c, direction).verdict : 'Next';
        if (k === 'Accept') accepted[j >>> 5] |= 1 << (j & 31);
        else if (k === 'Next') undecided[j >>> 5] |= 1 << (j & 31);
      }
      apply(prep.bySubject(baselineRules[direction])[i], subject);
      // What baseline passes or leaves undecided is allowed by default.
      for (let w = 0; w < stride; w++) accepted[w] |= passed[w] | undecided[w];
      // Self traffic is always allowed, whatever a rule says.
      for (let j = 0; j < n; j++) {
        const o = endpoints[j];
        const c = direction === 'Ingress' ? isSelfTraffic(o, subject) : isSelfTraffic(subject, o);
        if (c) accepted[j >>> 5] |= 1 << (j & 31);
      }
      out.words.set(accepted, i * stride);
    }
    return out;
  }

  function matrix(endpoints: readonly Endpoint[], q: PortQuery): BitMatrix {
    const egress = directionMatrix(endpoints, q, 'Egress'); // [src][dst]
    const ingress = directionMatrix(endpoints, q, 'Ingress'); // [dst][src]
    const n = endpoints.length;
    const m = new BitMatrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (egress.get(i, j) && ingress.get(j, i)) m.set(i, j);
    return m;
  }

  return { name: input.name ?? 'antrea', decide, matrix, directionVerdict };
}
