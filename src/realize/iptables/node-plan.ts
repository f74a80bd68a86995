import type { Cluster } from '../../k8s/cluster.ts';
import { podId, type Pod } from '../../k8s/pod.ts';
import type { Protocol } from '../../k8s/protocol.ts';
import type { DfwConfig } from '../../model/dfw-config.ts';
import type { Group } from '../../model/group.ts';
import type { Rule, RuleAction } from '../../model/rule.ts';
import { CATEGORIES, type SecurityPolicy } from '../../model/security-policy.ts';
import { familyOf, type Family } from '../../net/ip-address.ts';
import { indexPods, resolveGroup, selectablePod, type ResolvedGroup } from './group-members.ts';

/**
 * The Linux dataplane of one node, independent of iptables or nftables syntax: the address sets, the per-policy
 * blocks of rules (shared between the pods they apply to), and for each protected pod of the node the blocks its
 * outgoing (OUT) and incoming (IN) traffic goes through, in DFW order. Both renderers (ipset + iptables, nftables)
 * print this plan; first match wins inside a pod's list, and a pod's list that matches nothing allows.
 */
export interface NodePlan {
  /** The node (spec.nodeName), or the name given to the single node of a cluster without node names. */
  readonly node: string;
  readonly sets: readonly AddressSet[];
  readonly blocks: readonly PolicyBlock[];
  /** The node's protected pods that some rule applies to, in pod order. */
  readonly pods: readonly ProtectedPod[];
}

/** The two checks of the DFW: OUT at a protected source, IN at a protected destination. */
export type Stage = 'OUT' | 'IN';

/**
 * A named set of addresses of one family: `ip` the addresses of a selector group's pods (ipset hash:ip, nft
 * plain set), `net` a peer's static CIDRs (hash:net, nft interval set), `ipport` address and port pairs of a
 * named port (hash:ip,port, nft concatenation `addr . inet_service`).
 */
export interface AddressSet {
  /** Short id, unique in the plan (`i4-0`, `n6-3`, `p4-1`); renderers derive the kernel's name from it. */
  readonly id: string;
  readonly kind: 'ip' | 'net' | 'ipport';
  readonly family: Family;
  /** For `ipport`: the protocol of the named port. */
  readonly protocol?: Protocol;
  /** Addresses (`ip`), canonical CIDRs (`net`), or `[address, port]` pairs (`ipport`) as `address port`. */
  readonly elements: readonly string[];
  /** What the set holds: the group path, or the rule and peer, or the named port. */
  readonly comment: string;
}

/** One side of a rule: any address, or the sets (OR) that hold its members, per family (empty: nothing). */
export type PeerMatch = 'any' | { readonly 4: readonly string[]; readonly 6: readonly string[] };

/** One service of a rule: a protocol with its destination ports (`"80"`, `"8080-8090"`; none: every port). */
export interface ServiceMatch {
  readonly protocol: Protocol;
  /** Destination ports; undefined: every port of the protocol. */
  readonly ports?: readonly string[];
  /** A named port: the ids, per family, of the `ipport` sets of every pod's number for it (matched on dst, dport). */
  readonly named?: { readonly name: string; readonly 4: string; readonly 6: string };
}

/** A DFW rule as the dataplane checks it. */
export interface PlanRule {
  readonly action: RuleAction;
  readonly src: PeerMatch;
  readonly dst: PeerMatch;
  /** `any`, or the services (OR) it matches. */
  readonly services: 'any' | readonly ServiceMatch[];
  /** The DFW rule's path (or id), for comments. */
  readonly path: string;
}

/** The rules of one security policy that apply to some pods in one stage, in rule order. */
export interface PolicyBlock {
  /** Short id, unique in the plan (`b0`, `b1`, ...). */
  readonly id: string;
  readonly stage: Stage;
  readonly policyPath: string;
  readonly rules: readonly PlanRule[];
}

/** A pod of the node that some rule applies to, with the blocks each of its stages goes through, in order. */
export interface ProtectedPod {
  /** `namespace/name` */
  readonly id: string;
  readonly ips: { readonly 4?: string; readonly 6?: string };
  /** Block ids for traffic the pod sends, in DFW order. */
  readonly out: readonly string[];
  /** Block ids for traffic the pod receives, in DFW order. */
  readonly in: readonly string[];
}

/** The node name given to pods without `spec.nodeName`. */
export const DEFAULT_NODE = 'node';

/** The node a pod runs on: its `spec.nodeName`, or the single default node. */
export function nodeOfPod(pod: Pod): string {
  return pod.nodeName ?? DEFAULT_NODE;
}

/** Every node of the cluster (of its live pods), sorted; the default node when no pod names one. */
export function nodesOf(cluster: Cluster): string[] {
  const nodes = new Set<string>();
  for (const p of cluster.pods) if (p.ips.length) nodes.add(nodeOfPod(p));
  if (nodes.size === 0) nodes.add(DEFAULT_NODE);
  return [...nodes].sort();
}

/** Policies in DFW order: categories in order, then sequence number (stable on ties). */
export function orderedPolicies(config: DfwConfig): SecurityPolicy[] {
  return config.policies
    .map((p, i) => ({ p, i }))
    .sort((a, b) =>
      CATEGORIES.indexOf(a.p.category) - CATEGORIES.indexOf(b.p.category) ||
      a.p.sequence_number - b.p.sequence_number ||
      a.i - b.i)
    .map((x) => x.p);
}

/** A policy's rules in order: by sequence number, stable on ties; disabled rules are left out. */
export function orderedRules(policy: SecurityPolicy): Rule[] {
  return policy.rules
    .map((r, i) => ({ r, i }))
    .filter((x) => !x.r.disabled)
    .sort((a, b) => a.r.sequence_number - b.r.sequence_number || a.i - b.i)
    .map((x) => x.r);
}

function stagesOf(rule: Rule): Stage[] {
  return rule.direction === 'IN_OUT' ? ['OUT', 'IN'] : [rule.direction];
}

function ipsOf(pod: Pod): { 4?: string; 6?: string } {
  const out: { 4?: string; 6?: string } = {};
  for (const ip of pod.ips) {
    const f = familyOf(ip);
    if (f && out[f] === undefined) out[f] = ip;
  }
  return out;
}

/**
 * Compiles the DFW config into the plan of one node: which pods are protected there (the node's selectable pods
 * that an applied-to group holds), the sets, and the blocks. Named ports are resolved through the inventory:
 * every pod's number for the name becomes an (address, port) element.
 */
export function planNode(config: DfwConfig, cluster: Cluster, node: string): NodePlan {
  const groups = new Map<string, Group>(config.groups.map((g) => [g.path, g]));
  const index = indexPods(cluster);
  const resolved = new Map<string, ResolvedGroup>();
  // Groups with the same expression have the same members: resolve each expression once.
  const byExpression = new Map<string, ResolvedGroup>();
  const group = (path: string): ResolvedGroup => {
    let r = resolved.get(path);
    if (!r) {
      const g = groups.get(path);
      if (!g) throw new Error(`group ${path} is referenced but not defined`);
      const key = JSON.stringify(g.expression);
      const same = byExpression.get(key);
      r = same ? { ...same, path } : resolveGroup(g, cluster, index, (p) => groups.get(p));
      byExpression.set(key, r);
      resolved.set(path, r);
    }
    return r;
  };
  const listIds = new Map<readonly Pod[], number>();
  const memberListId = (pods: readonly Pod[]): number => {
    let id = listIds.get(pods);
    if (id === undefined) listIds.set(pods, (id = listIds.size));
    return id;
  };
  const addressCache = new Map<string, string[]>();
  /** The group's pod addresses of a family, sorted and unique (cached per member list). */
  const podAddresses = (g: ResolvedGroup, family: Family): string[] => {
    const key = `${family} ${memberListId(g.pods)}`;
    let ips = addressCache.get(key);
    if (!ips) {
      ips = [...new Set(g.pods.map((p) => ipsOf(p)[family]).filter((x): x is string => x !== undefined))].sort();
      addressCache.set(key, ips);
    }
    return ips;
  };
  const memberSets = new Map<string, Set<Pod>>();
  const members = (path: string): Set<Pod> => {
    let m = memberSets.get(path);
    if (!m) memberSets.set(path, (m = new Set(group(path).pods)));
    return m;
  };
  const nodePods = cluster.pods.filter((p) => selectablePod(p) && nodeOfPod(p) === node);
  const nodeIndex = new Map<Pod, number>(nodePods.map((p, i) => [p, i]));

  const sets: AddressSet[] = [];
  const setIds = new Map<string, string>();
  const counters = { ip: 0, net: 0, ipport: 0 };
  const addSet = (key: string, make: () => Omit<AddressSet, 'id'>): string => {
    const known = setIds.get(key);
    if (known) return known;
    const s = make();
    const id = `${s.kind === 'ip' ? 'i' : s.kind === 'net' ? 'n' : 'p'}${s.family}-${counters[s.kind]++}`;
    sets.push({ id, ...s });
    setIds.set(key, id);
    return id;
  };

  const peer = (paths: readonly string[], rulePath: string, side: string): PeerMatch => {
    if (paths.length === 0 || paths.includes('ANY')) return 'any';
    const out: { 4: string[]; 6: string[] } = { 4: [], 6: [] };
    for (const path of paths) {
      const g = group(path);
      for (const family of [4, 6] as const) {
        const ips = podAddresses(g, family);
        // Groups with the same expression (so the same members) share one set.
        if (ips.length) out[family].push(addSet(`ip ${family} #${memberListId(g.pods)}`, () => ({ kind: 'ip', family, elements: ips, comment: path })));
        const cidrs = g.cidrs[family];
        // Address sets belong to one peer of one rule and are never shared (seed 004).
        if (cidrs.length) out[family].push(addSet(`net ${family} ${rulePath} ${side} ${path}`, () => ({ kind: 'net', family, elements: cidrs, comment: `${rulePath} ${side} ${path}` })));
      }
    }
    return out;
  };

  const services = (rule: Rule): 'any' | ServiceMatch[] => {
    if (!rule.service_entries || rule.service_entries.length === 0) return 'any';
    const out: ServiceMatch[] = [];
    for (const e of rule.service_entries) {
      if (e.resource_type === 'L4PortSetServiceEntry') {
        out.push(e.destination_ports.length ? { protocol: e.l4_protocol, ports: e.destination_ports } : { protocol: e.l4_protocol });
      } else {
        const protocol = e.l4_protocol;
        const name = e.port_name;
        const ids = {} as { 4: string; 6: string };
        for (const family of [4, 6] as const) {
          ids[family] = addSet(`ipport ${family} ${protocol} ${name}`, () => {
            const elements: string[] = [];
            for (const p of cluster.pods) {
              if (!selectablePod(p)) continue;
              const ip = ipsOf(p)[family];
              const port = p.ports.find((cp) => cp.name === name && cp.protocol === protocol)?.port;
              if (ip !== undefined && port !== undefined) elements.push(`${ip} ${port}`);
            }
            return { kind: 'ipport', family, protocol, elements: [...new Set(elements)].sort(), comment: `named port ${name}/${protocol}` };
          });
        }
        out.push({ protocol, named: { name, ...ids } });
      }
    }
    return out;
  };

  const planRules = new Map<Rule, PlanRule>();
  const planRule = (policy: SecurityPolicy, rule: Rule): PlanRule => {
    let r = planRules.get(rule);
    if (!r) {
      const path = rule.path ?? `${policy.path}/rules/${rule.id}`;
      r = {
        action: rule.action,
        src: peer(rule.source_groups, path, 'src'),
        dst: peer(rule.destination_groups, path, 'dst'),
        services: services(rule),
        path,
      };
      planRules.set(rule, r);
    }
    return r;
  };

  // The applied-to members on this node, in node order; cached, since many policies share an applied-to.
  const onNodeCache = new Map<string, Pod[]>();
  const onNode = (paths: readonly string[]): Pod[] => {
    const key = paths.map((p) => memberListId(group(p).pods)).join(',');
    let pods = onNodeCache.get(key);
    if (!pods) {
      pods = [...new Set(paths.flatMap((s) => group(s).pods))].filter((p) => nodeIndex.has(p)).sort((a, b) => nodeIndex.get(a)! - nodeIndex.get(b)!);
      onNodeCache.set(key, pods);
    }
    return pods;
  };
  const blocks: PolicyBlock[] = [];
  const blockIds = new Map<string, string>();
  const perPod = new Map<Pod, { out: string[]; in: string[] }>(nodePods.map((p) => [p, { out: [], in: [] }]));
  for (const policy of orderedPolicies(config)) {
    const policyGroups = policy.scope.filter((s) => groups.has(s));
    const rules = orderedRules(policy);
    for (const stage of ['OUT', 'IN'] as const) {
      const stageRules = rules.map((r, i) => ({ r, i })).filter((x) => stagesOf(x.r).includes(stage));
      if (stageRules.length === 0) continue;
      // Policy-level applied-to overrides rule-level; rule-level applies when the policy names no group.
      const candidates = policyGroups.length ? onNode(policyGroups) : nodePods;
      for (const pod of candidates) {
        const applies = (rule: Rule): boolean => {
          if (policyGroups.length) return true;
          const scope = rule.scope.filter((s) => s !== 'ANY');
          return scope.length === 0 || scope.some((s) => members(s).has(pod));
        };
        const mine = stageRules.filter((x) => applies(x.r));
        if (mine.length === 0) continue;
        const key = `${policy.path} ${stage} ${mine.map((x) => x.i).join(',')}`;
        let id = blockIds.get(key);
        if (!id) {
          id = `b${blocks.length}`;
          blocks.push({ id, stage, policyPath: policy.path, rules: mine.map((x) => planRule(policy, x.r)) });
          blockIds.set(key, id);
        }
        perPod.get(pod)![stage === 'OUT' ? 'out' : 'in'].push(id);
      }
    }
  }
  const pods: ProtectedPod[] = [];
  for (const [pod, b] of perPod) {
    if (b.out.length || b.in.length) pods.push({ id: podId(pod), ips: ipsOf(pod), out: b.out, in: b.in });
  }
  return { node, sets, blocks, pods };
}

/** The plan's size: what the benchmark and `apply` report. */
export function planSize(plan: NodePlan): { sets: number; elements: number; blocks: number; rules: number; pods: number } {
  return {
    sets: plan.sets.length,
    elements: plan.sets.reduce((n, s) => n + s.elements.length, 0),
    blocks: plan.blocks.length,
    rules: plan.blocks.reduce((n, b) => n + b.rules.length, 0),
    pods: plan.pods.length,
  };
}
