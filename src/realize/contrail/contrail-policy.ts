// One NetworkPolicy as Contrail firewall rules: per isolated direction, a pass rule per peer endpoint, applied
// endpoint and service, and a deny-all rule per applied endpoint (which goes into the cluster's deny-all policy).
import type { Cluster } from '../../k8s/cluster.ts';
import type { LabelSelector } from '../../k8s/labels.ts';
import {
  effectiveRules, isolates, type NetworkPolicy, type PolicyRule, type PolicyPeer, type PolicyPort, type PolicyType,
} from '../../k8s/network-policy.ts';
import { resolveNamedPort } from '../../k8s/pod.ts';
import { subtractCidrs } from '../../net/cidr.ts';
import { anyService, service, type ContrailObjectsBuilder } from './contrail-builder.ts';
import type { FirewallRule, FirewallRuleEndpoint, FirewallService } from './contrail-objects.ts';
import { clusterTag, DerivedTagUse, hasTag, labelTag, lacksTag, namedPortTag, namespaceTag, notTag, type LabelSide } from './tagging.ts';

/** How an ipBlock with `except` is written. */
export type ExceptEncoding =
  /** np2dfw: one address group of the positive CIDRs (cidr minus every except). */
  | 'address-groups'
  /** Seed 002's system: a deny rule per except before the pass rule for the cidr (not equivalent). */
  | 'deny-rules';

/** What realizing a policy needs besides the policy. */
export interface PolicyContext {
  readonly cluster: Cluster;
  readonly encoding: ExceptEncoding;
  readonly objects: ContrailObjectsBuilder;
}

/** A policy's rules: its own (pass and except-deny) rules, and its deny-all rules. */
export interface PolicyRules {
  readonly own: FirewallRule[];
  readonly denies: FirewallRule[];
}

/**
 * The alternatives (OR) of tag sets (AND) a selector stands for: matchLabels and In as label tags (In with several
 * values multiplies the alternatives), NotIn, Exists and DoesNotExist as derived tags (recorded in `use`).
 */
function selectorAlternatives(s: LabelSelector, side: LabelSide, use: DerivedTagUse): string[][] {
  const base = Object.keys(s.matchLabels).sort().map((k) => labelTag(side, k, s.matchLabels[k]));
  let alts: string[][] = [base];
  for (const r of s.matchExpressions) {
    switch (r.operator) {
      case 'In':
        alts = alts.flatMap((a) => [...new Set(r.values)].map((v) => [...a, labelTag(side, r.key, v)]));
        break;
      case 'NotIn':
        for (const v of r.values) use.not[side].add(`${r.key}\0${v}`);
        alts = alts.map((a) => [...a, ...r.values.map((v) => notTag(side, r.key, v))]);
        break;
      case 'Exists':
        use.has[side].add(r.key);
        alts = alts.map((a) => [...a, hasTag(side, r.key)]);
        break;
      case 'DoesNotExist':
        use.lacks[side].add(r.key);
        alts = alts.map((a) => [...a, lacksTag(side, r.key)]);
        break;
    }
  }
  return alts.map((a) => [...new Set(a)]);
}

/** A service, and for a named port the tag the destination pod must carry (its number for that name). */
interface ServiceChoice {
  readonly service: FirewallService;
  readonly dstTag?: string;
}

/**
 * The services of a rule's ports. A named port becomes one service per number the cluster's pods give that name
 * (and protocol), each with the destination tag `port:<PROTO>/<name>=<number>`.
 */
function servicesOf(ports: readonly PolicyPort[] | undefined, cluster: Cluster, use: DerivedTagUse): ServiceChoice[] {
  if (!ports) return [{ service: anyService() }];
  return ports.flatMap((p): ServiceChoice[] => {
    const proto = p.protocol.toLowerCase() as 'tcp' | 'udp' | 'sctp';
    if (p.port === undefined) return [{ service: service(proto, 0, 65535) }];
    if (typeof p.port === 'number') return [{ service: service(proto, p.port, p.endPort ?? p.port) }];
    const name = p.port;
    use.namedPorts.add(`${p.protocol}/${name}`);
    const numbers = new Set<number>();
    for (const pod of cluster.pods) {
      if (pod.hostNetwork) continue;
      const n = resolveNamedPort(pod, name, p.protocol);
      if (n !== undefined) numbers.add(n);
    }
    return [...numbers].sort((a, b) => a - b).map((n) => ({ service: service(proto, n, n), dstTag: namedPortTag(p.protocol, name, n) }));
  });
}

/** One endpoint of a peer, with the action of its rules and its part of the rule name. */
interface PeerEndpoint {
  readonly endpoint: FirewallRuleEndpoint;
  readonly action: 'pass' | 'deny';
  readonly label: string;
}

interface PeerEndpoints {
  /** `podSelector`, `namespaceSelector`, `ipBlock`: for the rule name. */
  readonly kind: string;
  readonly endpoints: readonly PeerEndpoint[];
}

/** An ipBlock peer: one address group of its positive CIDRs, or (seed 002's system) deny rules for the excepts. */
function ipBlockEndpoints(ctx: PolicyContext, block: NonNullable<PolicyPeer['ipBlock']>, path: string, agName: string): PeerEndpoints {
  const { objects } = ctx;
  if (ctx.encoding === 'deny-rules' && block.except.length) {
    return {
      kind: 'ipBlock',
      endpoints: [
        ...block.except.map((e, k): PeerEndpoint => ({ endpoint: { address_group: objects.addressGroup(`${agName}-except-${k}`, [e], path) }, action: 'deny', label: `except${k}` })),
        { endpoint: { address_group: objects.addressGroup(`${agName}-cidr`, [block.cidr], path) }, action: 'pass', label: 'cidr' },
      ],
    };
  }
  return { kind: 'ipBlock', endpoints: [{ endpoint: { address_group: objects.addressGroup(agName, subtractCidrs(block.cidr, block.except), path) }, action: 'pass', label: '' }] };
}

/** A peer's endpoints: selectors as tag sets (the policy's namespace when no namespaceSelector), ipBlocks as groups. */
function peerEndpoints(ctx: PolicyContext, peer: PolicyPeer, path: string, policy: NetworkPolicy, agName: string): PeerEndpoints {
  if (peer.ipBlock) return ipBlockEndpoints(ctx, peer.ipBlock, path, agName);
  const { objects } = ctx;
  const nsAlts = peer.namespaceSelector ? selectorAlternatives(peer.namespaceSelector, 'ns', objects.use) : [[namespaceTag(policy.namespace)]];
  const podAlts = peer.podSelector ? selectorAlternatives(peer.podSelector, 'pod', objects.use) : [[]];
  const kind = peer.namespaceSelector && peer.podSelector ? 'namespacePodSelector' : peer.namespaceSelector ? 'namespaceSelector' : 'podSelector';
  const endpoints = nsAlts.flatMap((n) => podAlts.map((p) => {
    const all = [...n, ...p];
    return { tags: (all.length ? all : [clusterTag(ctx.cluster.name)]).map((t) => objects.useTag(t)) };
  }));
  return { kind, endpoints: endpoints.map((endpoint, k) => ({ endpoint, action: 'pass' as const, label: endpoints.length > 1 ? `alt${k}` : '' })) };
}

/** Where one rule of one direction of a policy sits. */
interface RuleSite {
  readonly policy: NetworkPolicy;
  readonly direction: PolicyType;
  /** `ingress` or `egress`. */
  readonly dir: string;
  readonly index: number;
  /** The endpoints of the policy's pods (one per alternative of its podSelector). */
  readonly applied: readonly FirewallRuleEndpoint[];
}

/** The policy's object-name prefix: `<cluster>-<namespace>-<name>`. */
export function policyPrefix(cluster: Cluster, policy: NetworkPolicy): string {
  return `${cluster.name}-${policy.namespace}-${policy.name}`;
}

/** The rules of one NetworkPolicy rule: every peer endpoint x applied endpoint x service. */
function ruleRules(ctx: PolicyContext, site: RuleSite, rule: PolicyRule, out: FirewallRule[]): void {
  const { policy, direction, dir, index: ri, applied } = site;
  const path = `spec.${dir}[${ri}]`;
  const services = servicesOf(rule.ports, ctx.cluster, ctx.objects.use);
  const field = direction === 'Ingress' ? 'from' : 'to';
  const peers: PeerEndpoints[] = rule.peers
    ? rule.peers.map((peer, pi) => peerEndpoints(ctx, peer, `${path}.${field}[${pi}]`, policy, `${policyPrefix(ctx.cluster, policy)}-${dir}-${ri}-ipblock-${pi}`))
    : [{ kind: 'any', endpoints: [{ endpoint: { any: true }, action: 'pass', label: '' }] }];
  peers.forEach((peer, pi) => {
    peer.endpoints.forEach((pe, ei) => applied.forEach((ae, ai) => services.forEach((svc, si) => {
      // Unique by construction: namespace, direction, policy, rule index, peer kind and index, alternatives, service.
      const parts = [policy.namespace, dir, policy.name, String(ri), peer.kind, String(pi)];
      if (peer.endpoints.length > 1) parts.push(pe.label || `alt${ei}`);
      if (applied.length > 1) parts.push(`applied${ai}`);
      parts.push(String(si));
      const endpoint1 = direction === 'Ingress' ? ctx.objects.withTag(ae, svc.dstTag) : ae;
      const endpoint2 = direction === 'Egress' ? ctx.objects.withTag(pe.endpoint, svc.dstTag) : pe.endpoint;
      out.push(ctx.objects.rule(parts.join('-'), {
        action: pe.action, service: svc.service, endpoint1, endpoint2, direction: direction === 'Ingress' ? '<' : '>', policy,
      }));
    })));
  });
}

/** The rules of a policy that the caller has checked can be realized. */
export function policyRules(ctx: PolicyContext, policy: NetworkPolicy): PolicyRules {
  const { objects } = ctx;
  const applied: FirewallRuleEndpoint[] = selectorAlternatives(policy.podSelector, 'pod', objects.use)
    .map((a) => ({ tags: [namespaceTag(policy.namespace), ...a].map((t) => objects.useTag(t)) }));
  const result: PolicyRules = { own: [], denies: [] };
  for (const direction of ['Ingress', 'Egress'] as PolicyType[]) {
    if (!isolates(policy, direction)) continue;
    const dir = direction === 'Ingress' ? 'ingress' : 'egress';
    effectiveRules(policy, direction).forEach((rule, index) => ruleRules(ctx, { policy, direction, dir, index, applied }, rule, result.own));
    applied.forEach((endpoint1, ai) => {
      const name = `${policy.namespace}-${dir}-${policy.name}-default-deny-all${applied.length > 1 ? `-${ai}` : ''}`;
      result.denies.push(objects.rule(name, {
        action: 'deny', service: anyService(), endpoint1, endpoint2: { any: true }, direction: direction === 'Ingress' ? '<' : '>', policy,
      }));
    });
  }
  return result;
}
