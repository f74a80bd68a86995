// The DFW evaluator: NSX's distributed firewall over the DFW model, as Antrea enforces it for a cluster.
// Categories in order, policies by sequence number, rules in order, first match wins, default allow. A policy
// applies to the members of its scope (externals and hostNetwork pods never are); OUT rules are checked at the
// source, IN rules at the destination, IN_OUT at both; a connection passes when both pass. A mixed state adds the
// NetworkPolicies that were not converted after the DFW (Antrea enforces NSX's tiers before them).
// The form on the evaluator core (src/evaluate/core): its memberships are the groups, its stages the DFW rules
// and the NetworkPolicies left.
import type { Cluster } from '../../k8s/cluster.ts';
import type { PolicyType } from '../../k8s/network-policy.ts';
import type { DfwConfig } from '../../model/dfw-config.ts';
import { emptyBitset, setBit, type Bitset } from '../bit-matrix.ts';
import { classSetOf, intersectIds, unionIds, type ClassSet } from '../core/class-set.ts';
import type { Connection, PortQuery } from '../connection.ts';
import type { ConnectionDecision, Decision } from '../decision.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ReachabilityEngine } from '../engine.ts';
import { createClassEvaluator, type FirewallForm, type FormPipelines } from '../core/class-evaluator.ts';
import type { EndpointPartition, Memberships } from '../core/endpoint-partition.ts';
import { labelKey } from '../core/endpoint-keys.ts';
import { activeRemaining, remainingAddressSets, remainingStage, type RemainingPolicies } from '../core/kubernetes-stage.ts';
import { isSelfTraffic, selfDecision } from '../core/self-traffic.ts';
import type { ClassRule, DirectionTrail, PortMatch, Stage } from '../core/stage-pipeline.ts';
import { isSelectable } from '../kubernetes/endpoint-match.ts';
import { flattenRules, formatOrigin, servicesMatch, type FlatRule } from './dfw-rules.ts';
import { compileGroup, subjectOf, type CompiledGroup, type Subject } from './group-membership.ts';

export { formatOrigin } from './dfw-rules.ts';

/** The NetworkPolicies not converted, evaluated after the DFW (a KubernetesEngine over them). */
export type RemainingStage = RemainingPolicies;

/** How to build a DFW engine. */
export interface DfwEngineOptions {
  /** The NetworkPolicies that were not converted, evaluated after the DFW (a mixed state). */
  readonly remaining?: RemainingStage;
  /** Default `nsx`. */
  readonly name?: string;
}

/** The DFW engine: a ReachabilityEngine over a DfwConfig. */
export interface DfwEngine extends ReachabilityEngine {
  readonly config: DfwConfig;
}

/** Where each group's membership lives in a partition: a key, address or endpoint membership. */
type GroupSlot = { readonly kind: 'byKey' | 'byAddress' | 'byEndpoint'; readonly index: number } | undefined;

/** The groups (and the remaining policies' ipBlocks) as the core's memberships. */
function dfwMemberships(groups: readonly CompiledGroup[], cluster: Cluster, withPorts: boolean, remaining: RemainingStage | undefined) {
  const m = { byKey: [] as Memberships<Subject>['byKey'][number][], byAddress: remainingAddressSets(remaining), byEndpoint: [] as ((e: Endpoint) => boolean)[] };
  const slots: GroupSlot[] = groups.map((g) => {
    if (g.kind === 'labels') return { kind: 'byKey', index: m.byKey.push({ test: (s: Subject) => g.hasSubject(s), ...(g.namespaces ? { namespaces: g.namespaces } : {}) }) - 1 };
    if (g.kind === 'addresses') return { kind: 'byAddress', index: m.byAddress.push([...g.ranges]) - 1 };
    return { kind: 'byEndpoint', index: m.byEndpoint.push((e: Endpoint) => g.has(e)) - 1 };
  });
  const memberships: Memberships<Subject> = {
    key: (e) => labelKey(e, withPorts),
    subject: (e) => subjectOf(e, cluster.namespaces),
    namespaceOf: (e) => (e.kind === 'pod' && isSelectable(e) ? e.pod.namespace : undefined),
    ...m,
    idsOnly: true,
  };
  return { memberships, slots };
}

/** The DFW rules of one direction over a partition's classes (groups as class ids: most are small). */
function directionRules(rules: readonly FlatRule[], p: EndpointPartition, slots: readonly GroupSlot[], endpoints: readonly Endpoint[], direction: PolicyType): ClassRule<FlatRule>[] {
  const ids = new Map<string, Int32Array>();
  const union = (list: readonly number[]): Int32Array => {
    const key = list.join(',');
    let s = ids.get(key);
    if (!s) ids.set(key, (s = unionIds(list.flatMap((g) => { const slot = slots[g]; return slot ? [p.ids[slot.kind][slot.index]] : []; }))));
    return s;
  };
  const sets = new Map<Int32Array, ClassSet>();
  const setOf = (members: Int32Array): ClassSet => {
    let s = sets.get(members);
    if (!s) sets.set(members, (s = classSetOf(members, p.size)));
    return s;
  };
  const selectable = Int32Array.from(p.representative.flatMap((e, c) => (isSelectable(endpoints[e]) ? [c] : [])));
  const out: ClassRule<FlatRule>[] = [];
  for (const r of rules) {
    if (direction === 'Egress' ? !r.outbound : !r.inbound) continue;
    const subjectGroups = direction === 'Egress' ? r.sources : r.destinations;
    const peerGroups = direction === 'Egress' ? r.destinations : r.sources;
    let subjects = r.appliedTo ? intersectIds(union(r.appliedTo), selectable) : selectable;
    if (subjectGroups) subjects = intersectIds(subjects, union(subjectGroups));
    out.push({ rule: r, action: r.allow ? 'Accept' : 'Deny', subjects: setOf(subjects), peers: peerGroups ? setOf(union(peerGroups)) : undefined });
  }
  return out;
}

/** Where a rule's services match a query: everywhere or nowhere, or (named ports) at these destination classes. */
function dfwPortsOf(p: EndpointPartition, endpoints: readonly Endpoint[]) {
  let last: PortQuery | undefined;
  let named = new Map<FlatRule, Bitset>();
  return (r: ClassRule<FlatRule>, q: PortQuery): PortMatch => {
    if (!r.rule.namedPorts) return servicesMatch(r.rule.services, q, undefined);
    if (last !== q) {
      last = q;
      named = new Map();
    }
    let s = named.get(r.rule);
    if (!s) {
      s = emptyBitset(p.size);
      for (let c = 0; c < p.size; c++) if (servicesMatch(r.rule.services, q, endpoints[p.representative[c]])) setBit(s, c);
      named.set(r.rule, s);
    }
    return s;
  };
}

/** The decision text of one direction as the core traced it. */
function describeDirection(config: DfwConfig, groups: readonly CompiledGroup[], t: DirectionTrail<FlatRule>, c: Connection, direction: PolicyType, remaining: RemainingStage | undefined): Decision {
  const dir = direction === 'Ingress' ? 'ingress' : 'egress';
  if (t.rule) {
    const r = t.rule.rule;
    const origin = config.origins.get(r.rule.path ?? '') ?? config.origins.get(r.policy.path);
    return {
      allowed: r.allow,
      by: `${r.allow ? 'allowed' : 'denied'} by DFW policy ${r.policy.display_name} rule ${r.rule.display_name} (${r.rule.action} ${r.rule.direction}, ${r.policy.category} #${r.policy.sequence_number})${formatOrigin(origin)}`,
      notes: matchedGroupNotes(groups, r, c),
    };
  }
  if (t.stage !== undefined && remaining) {
    const a = remaining.directionVerdict(c, direction);
    return { ...a.decision, notes: [`no DFW rule matched ${dir}; the NetworkPolicies not converted decided`, ...a.decision.notes] };
  }
  return { allowed: true, by: `no DFW rule matched ${dir}: the default rule allows`, notes: [] };
}

/** Which source and destination groups of the deciding rule held the connection's ends. */
function matchedGroupNotes(groups: readonly CompiledGroup[], r: FlatRule, c: Connection): string[] {
  const notes: string[] = [];
  const first = (list: readonly number[] | undefined, e: Endpoint) => (list === undefined ? undefined : list.find((g) => groups[g].has(e)));
  const s = first(r.sources, c.src);
  const d = first(r.destinations, c.dst);
  if (s !== undefined) notes.push(`source ${c.src.id} is in group ${groups[s].group.display_name}`);
  if (d !== undefined) notes.push(`destination ${c.dst.id} is in group ${groups[d].group.display_name}`);
  return notes;
}

/**
 * Builds the DFW engine of a config for one cluster: only policies spanning this cluster (its
 * cluster-control-plane path in scope, or no cluster path) take part. `options.remaining` evaluates the
 * NetworkPolicies that were not converted, after the DFW.
 */
export function createDfwEngine(config: DfwConfig, cluster: Cluster, options: DfwEngineOptions = {}): DfwEngine {
  const byPath = new Map(config.groups.map((g) => [g.path, g]));
  const groups = config.groups.map((g) => compileGroup(g, cluster.namespaces, (p) => byPath.get(p)));
  const rules = flattenRules(config, cluster);
  const remaining = activeRemaining(options.remaining);
  const withPorts = remaining !== undefined || rules.some((r) => r.namedPorts);
  const { memberships, slots } = dfwMemberships(groups, cluster, withPorts, remaining);
  const form: FirewallForm<FlatRule, Subject> = {
    memberships,
    pipelines(p, endpoints): FormPipelines<FlatRule> {
      const stages = (direction: PolicyType): Stage<FlatRule>[] => [
        { kind: 'rules', rules: directionRules(rules, p, slots, endpoints, direction) },
        ...(remaining ? [remainingStage(remaining, p, endpoints, direction)] : []),
      ];
      return { egress: { direction: 'Egress', stages: stages('Egress') }, ingress: { direction: 'Ingress', stages: stages('Ingress') }, portsOf: dfwPortsOf(p, endpoints), queryStages: remaining !== undefined };
    },
  };
  const core = createClassEvaluator(form);

  function decide(c: Connection): ConnectionDecision {
    if (isSelfTraffic(c.src, c.dst)) {
      const self = selfDecision();
      return { allowed: true, egress: self, ingress: self };
    }
    const t = core.trace(c);
    const egress = describeDirection(config, groups, t.egress, c, 'Egress', remaining);
    const ingress = describeDirection(config, groups, t.ingress, c, 'Ingress', remaining);
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  }

  return { name: options.name ?? 'nsx', config, matrix: core.matrix, classMatrix: core.classMatrix, decide };
}

