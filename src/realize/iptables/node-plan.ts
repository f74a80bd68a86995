import type { Cluster } from '../../k8s/cluster.ts';
import { podId, type Pod } from '../../k8s/pod.ts';
import type { Protocol } from '../../k8s/protocol.ts';
import type { DfwConfig } from '../../model/dfw-config.ts';
import type { Rule, RuleAction } from '../../model/rule.ts';
import { CATEGORIES, type SecurityPolicy } from '../../model/security-policy.ts';
import type { Family } from '../../net/ip-address.ts';
import { selectablePod } from './group-members.ts';
import { podAddresses, PlanGroups } from './plan-groups.ts';
import { PlanRules, PlanSets } from './plan-rules.ts';

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

/** A policy's rules of one stage, with their place in the policy's ordered rules (blocks are keyed by it). */
interface StageRule {
  readonly rule: Rule;
  readonly index: number;
}

/** What building the blocks of one node needs. */
interface BlockContext {
  readonly groups: PlanGroups;
  readonly rules: PlanRules;
  /** The node's selectable pods, in inventory order. */
  readonly nodePods: readonly Pod[];
  readonly nodeIndex: ReadonlyMap<Pod, number>;
  /** The applied-to members on this node, by member lists (many policies share an applied-to). */
  readonly onNodeCache: Map<string, Pod[]>;
}

/** The applied-to members on this node, in node order. */
function onNode(ctx: BlockContext, paths: readonly string[]): Pod[] {
  const key = paths.map((p) => ctx.groups.memberListId(ctx.groups.get(p).pods)).join(',');
  let pods = ctx.onNodeCache.get(key);
  if (!pods) {
    pods = [...new Set(paths.flatMap((s) => ctx.groups.get(s).pods))].filter((p) => ctx.nodeIndex.has(p)).sort((a, b) => ctx.nodeIndex.get(a)! - ctx.nodeIndex.get(b)!);
    ctx.onNodeCache.set(key, pods);
  }
  return pods;
}

/** The plan's blocks, and per pod of the node the block ids of each stage in DFW order. */
class NodeBlocks {
  readonly blocks: PolicyBlock[] = [];
  readonly perPod: Map<Pod, { out: string[]; in: string[] }>;
  readonly #ids = new Map<string, string>();

  constructor(nodePods: readonly Pod[]) {
    this.perPod = new Map(nodePods.map((p) => [p, { out: [], in: [] }]));
  }

  /** Adds the block of these rules of the policy's stage (made once per policy, stage and rule list) to a pod. */
  attach(ctx: BlockContext, policy: SecurityPolicy, stage: Stage, mine: readonly StageRule[], pod: Pod): void {
    const key = `${policy.path} ${stage} ${mine.map((x) => x.index).join(',')}`;
    let id = this.#ids.get(key);
    if (!id) {
      id = `b${this.blocks.length}`;
      this.blocks.push({ id, stage, policyPath: policy.path, rules: mine.map((x) => ctx.rules.of(policy, x.rule)) });
      this.#ids.set(key, id);
    }
    this.perPod.get(pod)![stage === 'OUT' ? 'out' : 'in'].push(id);
  }
}

/**
 * Attaches one stage of one policy to the pods it applies to. Policy-level applied-to overrides rule-level;
 * rule-level applies when the policy names no group.
 */
function attachStage(ctx: BlockContext, out: NodeBlocks, policy: SecurityPolicy, stage: Stage, stageRules: readonly StageRule[]): void {
  const policyGroups = policy.scope.filter((s) => ctx.groups.has(s));
  const candidates = policyGroups.length ? onNode(ctx, policyGroups) : ctx.nodePods;
  for (const pod of candidates) {
    const applies = (rule: Rule): boolean => {
      if (policyGroups.length) return true;
      const scope = rule.scope.filter((s) => s !== 'ANY');
      return scope.length === 0 || scope.some((s) => ctx.groups.members(s).has(pod));
    };
    const mine = stageRules.filter((x) => applies(x.rule));
    if (mine.length) out.attach(ctx, policy, stage, mine, pod);
  }
}

/**
 * Compiles the DFW config into the plan of one node: which pods are protected there (the node's selectable pods
 * that an applied-to group holds), the sets, and the blocks. Named ports are resolved through the inventory:
 * every pod's number for the name becomes an (address, port) element.
 */
export function planNode(config: DfwConfig, cluster: Cluster, node: string): NodePlan {
  const groups = new PlanGroups(cluster, config.groups);
  const sets = new PlanSets();
  const nodePods = cluster.pods.filter((p) => selectablePod(p) && nodeOfPod(p) === node);
  const ctx: BlockContext = {
    groups, rules: new PlanRules(cluster, groups, sets), nodePods,
    nodeIndex: new Map(nodePods.map((p, i) => [p, i])), onNodeCache: new Map(),
  };
  const out = new NodeBlocks(nodePods);
  for (const policy of orderedPolicies(config)) {
    const rules = orderedRules(policy).map((rule, index): StageRule => ({ rule, index }));
    for (const stage of ['OUT', 'IN'] as const) {
      const stageRules = rules.filter((x) => stagesOf(x.rule).includes(stage));
      if (stageRules.length) attachStage(ctx, out, policy, stage, stageRules);
    }
  }
  const pods: ProtectedPod[] = [];
  for (const [pod, b] of out.perPod) {
    if (b.out.length || b.in.length) pods.push({ id: podId(pod), ips: podAddresses(pod), out: b.out, in: b.in });
  }
  return { node, sets: sets.sets, blocks: out.blocks, pods };
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
