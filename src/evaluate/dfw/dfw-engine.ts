// The DFW evaluator: NSX's distributed firewall over the DFW model, as Antrea enforces it for a cluster.
// Categories in order, policies by sequence number, rules in order, first match wins, default allow. A policy
// applies to the members of its scope (externals and hostNetwork pods never are); OUT rules are checked at the
// source, IN rules at the destination, IN_OUT at both; a connection passes when both pass. A mixed state adds the
// NetworkPolicies that were not converted after the DFW (Antrea enforces NSX's tiers before them).
import type { Cluster } from '../../k8s/cluster.ts';
import type { NetworkPolicy, PolicyType } from '../../k8s/network-policy.ts';
import { resolveNamedPort } from '../../k8s/pod.ts';
import type { DfwConfig, Origin } from '../../model/dfw-config.ts';
import { clusterControlPlanePath, DOMAIN_PATH } from '../../model/paths.ts';
import type { Rule } from '../../model/rule.ts';
import { CATEGORIES, type SecurityPolicy } from '../../model/security-policy.ts';
import { parsePortValue, type ServiceEntry } from '../../model/service-entry.ts';
import { BitMatrix } from '../bit-matrix.ts';
import { OTHER_PROTOCOLS, type Connection, type PortQuery } from '../connection.ts';
import type { ConnectionDecision, Decision, StageVerdict } from '../decision.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ReachabilityEngine } from '../engine.ts';
import { isSelectable } from '../kubernetes/endpoint-match.ts';
import { isSelfTraffic } from '../kubernetes/kubernetes-engine.ts';
import { classifyEndpoints, type EndpointClasses } from './endpoint-classes.ts';
import { parseAddressRange, type AddressRange } from '../../net/address-range.ts';
import { compileGroup, type CompiledGroup } from './group-membership.ts';
import { subtractCidrs } from '../../net/cidr.ts';

/** An evaluation stage for one direction of a connection: the reference engine over the unconverted policies. */
export interface RemainingStage {
  directionVerdict(connection: Connection, direction: PolicyType): { readonly verdict: StageVerdict; readonly decision: Decision };
  /** The NetworkPolicies the stage holds; when given, matrix() evaluates it per class instead of per endpoint. */
  readonly policies?: readonly NetworkPolicy[];
}

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

/** A rule's classes: sources and destinations (undefined = ANY) and the classes it applies to. */
interface RuleSets {
  readonly r: FlatRule;
  readonly src: Uint32Array | undefined;
  readonly dst: Uint32Array | undefined;
  readonly applied: Uint32Array;
}

/** Two different endpoints for a pair of classes (within one class, not a pod and itself). */
function pairDst(k: EndpointClasses, endpoints: readonly Endpoint[], S: number, D: number): Endpoint {
  return endpoints[S === D && k.members[S].length > 1 ? k.members[S][1] : k.representative[D]];
}

/** A rule flattened in evaluation order. */
interface FlatRule {
  readonly policy: SecurityPolicy;
  readonly rule: Rule;
  readonly allow: boolean;
  readonly inbound: boolean;
  readonly outbound: boolean;
  /** Group indexes, or undefined for ANY. */
  readonly sources?: readonly number[];
  readonly destinations?: readonly number[];
  /** Group indexes the rule applies to, or undefined for every pod of the cluster. */
  readonly appliedTo?: readonly number[];
  readonly services: readonly CompiledEntry[];
}

type CompiledEntry =
  | { readonly kind: 'ports'; readonly protocol: string; readonly ranges: readonly (readonly [number, number])[] }
  | { readonly kind: 'named'; readonly protocol: string; readonly name: string };

function compileEntry(e: ServiceEntry): CompiledEntry {
  if (e.resource_type === 'NamedPortServiceEntry') return { kind: 'named', protocol: e.l4_protocol, name: e.port_name };
  // A value that is no port or range matches no port (and still keeps the entry from meaning "every port").
  const ranges = e.destination_ports.map((v): [number, number] => {
    const r = parsePortValue(v);
    return r ? [r.first, r.last] : [1, 0];
  });
  return { kind: 'ports', protocol: e.l4_protocol, ranges };
}

/** Whether a rule's services match a protocol and port towards a destination (named ports resolve there). */
function servicesMatch(services: readonly CompiledEntry[], query: PortQuery, dst: Endpoint): boolean {
  if (services.length === 0) return true;
  for (const s of services) {
    if (s.protocol !== query.protocol) continue;
    if (s.kind === 'ports') {
      if (s.ranges.length === 0) return true;
      for (const [lo, hi] of s.ranges) if (query.port >= lo && query.port <= hi) return true;
    } else if (dst.kind === 'pod' && query.protocol !== OTHER_PROTOCOLS && resolveNamedPort(dst.pod, s.name, query.protocol) === query.port) {
      return true;
    }
  }
  return false;
}

/** Whether the services depend on the destination (named ports) rather than on the query alone. */
function servicesNeedDestination(services: readonly CompiledEntry[]): boolean {
  return services.some((s) => s.kind === 'named');
}

const isGroupPath = (p: string) => p.startsWith(`${DOMAIN_PATH}/groups/`);
const isClusterPath = (p: string) => p.includes('/cluster-control-planes/');

/** The Kubernetes rule a DFW policy or rule came from, as one phrase. */
export function formatOrigin(o: Origin | undefined): string {
  if (!o) return '';
  const where = o.direction !== undefined ? ` spec.${o.direction === 'Ingress' ? 'ingress' : 'egress'}[${o.ruleIndex}]` : ' (its default deny)';
  return ` (from NetworkPolicy ${o.namespace}/${o.policyName}${where})`;
}

/**
 * Builds the DFW engine of a config for one cluster: only policies spanning this cluster (its
 * cluster-control-plane path in scope, or no cluster path) take part. `options.remaining` evaluates the
 * NetworkPolicies that were not converted, after the DFW.
 */
export function createDfwEngine(config: DfwConfig, cluster: Cluster, options: DfwEngineOptions = {}): DfwEngine {
  const byPath = new Map(config.groups.map((g) => [g.path, g]));
  const groups: CompiledGroup[] = config.groups.map((g) => compileGroup(g, cluster.namespaces, (p) => byPath.get(p)));
  const groupIndex = new Map(config.groups.map((g, i) => [g.path, i]));
  const indexes = (paths: readonly string[]): number[] | undefined =>
    paths.length === 1 && paths[0] === 'ANY' ? undefined : paths.map((p) => groupIndex.get(p) ?? -1).filter((i) => i >= 0);
  const clusterPath = clusterControlPlanePath(cluster.name);
  const order = config.policies
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => {
      const clusters = p.scope.filter(isClusterPath);
      return clusters.length === 0 || clusters.includes(clusterPath);
    })
    .sort((a, b) => (CATEGORIES.indexOf(a.p.category) - CATEGORIES.indexOf(b.p.category)) || (a.p.sequence_number - b.p.sequence_number) || (a.i - b.i))
    .map(({ p }) => p);
  const rules: FlatRule[] = [];
  for (const policy of order) {
    const policyGroups = policy.scope.filter(isGroupPath);
    const sorted = policy.rules.map((r, i) => ({ r, i })).sort((a, b) => (a.r.sequence_number - b.r.sequence_number) || (a.i - b.i));
    for (const { r } of sorted) {
      if (r.disabled) continue;
      const ruleGroups = r.scope.filter(isGroupPath);
      // policy-level Applied To overrides rule-level (as NSX does for Antrea)
      const applied = policyGroups.length ? policyGroups : ruleGroups;
      rules.push({
        policy,
        rule: r,
        allow: r.action === 'ALLOW',
        inbound: r.direction === 'IN' || r.direction === 'IN_OUT',
        outbound: r.direction === 'OUT' || r.direction === 'IN_OUT',
        sources: indexes(r.source_groups),
        destinations: indexes(r.destination_groups),
        appliedTo: applied.length ? indexes(applied) : undefined,
        services: r.service_entries.map(compileEntry),
      });
    }
  }
  const remaining = options.remaining;
  const namedPorts = rules.some((r) => servicesNeedDestination(r.services));
  const remainingRanges: AddressRange[][] = [];
  for (const p of remaining?.policies ?? []) {
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const peer of rule.peers ?? []) if (peer.ipBlock) remainingRanges.push(subtractCidrs(peer.ipBlock.cidr, peer.ipBlock.except).map((c) => parseAddressRange(c)!));
    }
  }

  const inGroups = (list: readonly number[] | undefined, e: Endpoint): boolean => list === undefined || list.some((g) => groups[g].has(e));
  const appliesTo = (r: FlatRule, e: Endpoint): boolean => isSelectable(e) && (r.appliedTo === undefined || r.appliedTo.some((g) => groups[g].has(e)));

  /** The first DFW rule that matches one direction of a connection, if any. */
  function firstMatch(c: Connection, direction: PolicyType): FlatRule | undefined {
    const subject = direction === 'Egress' ? c.src : c.dst;
    if (!isSelectable(subject)) return undefined;
    for (const r of rules) {
      if (direction === 'Egress' ? !r.outbound : !r.inbound) continue;
      if (!appliesTo(r, subject)) continue;
      if (!inGroups(r.sources, c.src) || !inGroups(r.destinations, c.dst)) continue;
      if (!servicesMatch(r.services, c, c.dst)) continue;
      return r;
    }
    return undefined;
  }

  /** Which source and destination groups of the deciding rule held the connection's ends. */
  function matchedGroupNotes(r: FlatRule, c: Connection): string[] {
    const notes: string[] = [];
    const first = (list: readonly number[] | undefined, e: Endpoint) => (list === undefined ? undefined : list.find((g) => groups[g].has(e)));
    const s = first(r.sources, c.src);
    const d = first(r.destinations, c.dst);
    if (s !== undefined) notes.push(`source ${c.src.id} is in group ${groups[s].group.display_name}`);
    if (d !== undefined) notes.push(`destination ${c.dst.id} is in group ${groups[d].group.display_name}`);
    return notes;
  }

  function decideDirection(c: Connection, direction: PolicyType): Decision {
    const dir = direction === 'Ingress' ? 'ingress' : 'egress';
    const r = firstMatch(c, direction);
    if (r) {
      const origin = config.origins.get(r.rule.path ?? '') ?? config.origins.get(r.policy.path);
      return {
        allowed: r.allow,
        by: `${r.allow ? 'allowed' : 'denied'} by DFW policy ${r.policy.display_name} rule ${r.rule.display_name} (${r.rule.action} ${r.rule.direction}, ${r.policy.category} #${r.policy.sequence_number})${formatOrigin(origin)}`,
        notes: matchedGroupNotes(r, c),
      };
    }
    if (remaining) {
      const a = remaining.directionVerdict(c, direction);
      if (a.verdict !== 'Next') return { ...a.decision, notes: [`no DFW rule matched ${dir}; the NetworkPolicies not converted decided`, ...a.decision.notes] };
    }
    return { allowed: true, by: `no DFW rule matched ${dir}: the default rule allows`, notes: [] };
  }

  function isSelf(src: Endpoint, dst: Endpoint): boolean {
    return isSelfTraffic(src, dst);
  }

  function decide(c: Connection): ConnectionDecision {
    if (isSelf(c.src, c.dst)) {
      const self: Decision = { allowed: true, by: "a pod's traffic to itself is always allowed", notes: [] };
      return { allowed: true, egress: self, ingress: self };
    }
    const egress = decideDirection(c, 'Egress');
    const ingress = decideDirection(c, 'Ingress');
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  }

  const classCache = new WeakMap<readonly Endpoint[], EndpointClasses>();
  function classesOf(endpoints: readonly Endpoint[]): EndpointClasses {
    let k = classCache.get(endpoints);
    if (!k) {
      k = classifyEndpoints(endpoints, groups, cluster.namespaces, {
        withPorts: namedPorts || remaining !== undefined,
        extraRanges: remainingRanges,
        individual: remaining !== undefined && remaining.policies === undefined,
      });
      classCache.set(endpoints, k);
    }
    return k;
  }

  /** Per rule, its source, destination and applied-to classes: the same for every port, so cached per partition. */
  const ruleSetsCache = new WeakMap<EndpointClasses, { selectable: Uint32Array; rules: RuleSets[] }>();
  function ruleSetsOf(k: EndpointClasses): { selectable: Uint32Array; rules: RuleSets[] } {
    let cached = ruleSetsCache.get(k);
    if (cached) return cached;
    const W = k.words;
    const C = k.representative.length;
    const union = (list: readonly number[] | undefined): Uint32Array | undefined => {
      if (list === undefined) return undefined;
      const s = new Uint32Array(W);
      for (const g of list) { const gs = k.groupClasses[g]; for (let w = 0; w < W; w++) s[w] |= gs[w]; }
      return s;
    };
    const selectable = new Uint32Array(W);
    for (let c = 0; c < C; c++) if (k.selectable[c]) selectable[c >>> 5] |= 1 << (c & 31);
    const memo = new Map<string, Uint32Array | undefined>();
    const memoUnion = (list: readonly number[] | undefined) => {
      if (list === undefined) return undefined;
      const key = list.join(',');
      if (!memo.has(key)) memo.set(key, union(list));
      return memo.get(key);
    };
    cached = {
      selectable,
      rules: rules.map((r) => ({ r, src: memoUnion(r.sources), dst: memoUnion(r.destinations), applied: memoUnion(r.appliedTo) ?? selectable })),
    };
    ruleSetsCache.set(k, cached);
    return cached;
  }

  function matrix(endpoints: readonly Endpoint[], query: PortQuery): BitMatrix {
    const n = endpoints.length;
    const m = new BitMatrix(n, n);
    if (n === 0) return m;
    const k = classesOf(endpoints);
    const C = k.representative.length;
    const W = k.words;
    const rep = (c: number) => endpoints[k.representative[c]];
    const sets = ruleSetsOf(k);
    const selectable = sets.selectable;
    const has = (s: Uint32Array | undefined, c: number) => s === undefined || (s[c >>> 5] & (1 << (c & 31))) !== 0;
    // per rule: the classes the service matches as destination (a constant unless named ports are involved)
    const compiled: (RuleSets & { svc: Uint32Array | true })[] = [];
    for (const x of sets.rules) {
      let svc: Uint32Array | true;
      if (servicesNeedDestination(x.r.services)) {
        svc = new Uint32Array(W);
        for (let c = 0; c < C; c++) if (servicesMatch(x.r.services, query, rep(c))) svc[c >>> 5] |= 1 << (c & 31);
      } else if (servicesMatch(x.r.services, query, rep(0))) {
        svc = true;
      } else {
        continue;
      }
      compiled.push({ ...x, svc });
    }
    // egress[S] / ingress[D]: bitsets over the other end's classes, allowed and decided
    const egressAllow = Array.from({ length: C }, () => new Uint32Array(W));
    const egressDecided = Array.from({ length: C }, () => new Uint32Array(W));
    const ingressAllow = Array.from({ length: C }, () => new Uint32Array(W));
    const ingressDecided = Array.from({ length: C }, () => new Uint32Array(W));
    const full = new Uint32Array(W).fill(0xffffffff);
    for (const x of compiled) {
      for (let aw = 0; aw < W; aw++) {
        let word = (x.applied[aw] & selectable[aw]) >>> 0;
        while (word !== 0) {
          const low = word & -word;
          const c = aw * 32 + (31 - Math.clz32(low));
          word = (word ^ low) >>> 0;
          if (x.r.outbound && has(x.src, c)) {
            // S = c: destinations (and, with named ports, destinations where the service matches)
            const dst = x.dst ?? full;
            const allow = egressAllow[c];
            const decided = egressDecided[c];
            for (let w = 0; w < W; w++) {
              let bits = dst[w] & ~decided[w];
              if (x.svc !== true) bits &= x.svc[w];
              if (bits === 0) continue;
              decided[w] |= bits;
              if (x.r.allow) allow[w] |= bits;
            }
          }
          if (x.r.inbound && has(x.dst, c) && (x.svc === true || has(x.svc, c))) {
            const src = x.src ?? full;
            const allow = ingressAllow[c];
            const decided = ingressDecided[c];
            for (let w = 0; w < W; w++) {
              const bits = src[w] & ~decided[w];
              if (bits === 0) continue;
              decided[w] |= bits;
              if (x.r.allow) allow[w] |= bits;
            }
          }
        }
      }
    }
    // class pair verdicts, then the matrix row by row
    const pair = new Uint8Array(C);
    for (let S = 0; S < C; S++) {
      for (let D = 0; D < C; D++) {
        const w = D >>> 5;
        const bit = 1 << (D & 31);
        let egress: boolean;
        if (egressDecided[S][w] & bit) egress = (egressAllow[S][w] & bit) !== 0;
        else egress = remaining ? remaining.directionVerdict({ src: rep(S), dst: pairDst(k, endpoints, S, D), ...query }, 'Egress').verdict !== 'Deny' : true;
        let ingress = true;
        if (egress) {
          const sw = S >>> 5;
          const sbit = 1 << (S & 31);
          if (ingressDecided[D][sw] & sbit) ingress = (ingressAllow[D][sw] & sbit) !== 0;
          else ingress = remaining ? remaining.directionVerdict({ src: rep(S), dst: pairDst(k, endpoints, S, D), ...query }, 'Ingress').verdict !== 'Deny' : true;
        }
        pair[D] = egress && ingress ? 1 : 0;
      }
      const members = k.members[S];
      const first = members[0];
      const base = first * m.stride;
      for (let j = 0; j < n; j++) if (pair[k.classOf[j]]) m.words[base + (j >>> 5)] |= 1 << (j & 31);
      for (let t = 1; t < members.length; t++) m.words.copyWithin(members[t] * m.stride, base, base + m.stride);
    }
    // a pod's traffic to itself
    for (let i = 0; i < n; i++) if (endpoints[i].kind === 'pod') m.set(i, i);
    return m;
  }

  return { name: options.name ?? 'nsx', config, matrix, decide };
}
