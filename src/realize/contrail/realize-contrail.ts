// NetworkPolicies -> Contrail (Tungsten Fabric) firewall objects: the structure CN2's kube-manager builds (tags,
// address groups, one firewall policy per NetworkPolicy, one application policy set per cluster, a deny-all
// policy after every allow, an allow-all tail), corrected where seed 002's system is wrong: `except` becomes
// address groups of the positive CIDRs (never deny rules, which shadow what another peer or policy allows), a port
// without protocol is TCP (the decoder's default), `endPort` is kept, and every rule name is unique.
import type { Cluster } from '../../k8s/cluster.ts';
import type { LabelSelector } from '../../k8s/labels.ts';
import { effectiveRules, isolates, type NetworkPolicy, type PolicyPeer, type PolicyPort, type PolicyType } from '../../k8s/network-policy.ts';
import { podId } from '../../k8s/pod.ts';
import { cidrRange, subtractCidrs } from '../../net/cidr.ts';
import { hostNetworkNamedPortCheck } from '../common/host-network-named-ports.ts';
import type { Refusal, TargetOptions } from '../../evaluate/target.ts';
import {
  POLICY_MANAGEMENT, sequenceOf, type AddressGroup, type ContrailConfig, type ContrailTag, type FirewallPolicy,
  type FirewallRule, type FirewallRuleEndpoint, type FirewallService, type SequencedRef,
} from './contrail-objects.ts';
import {
  clusterTag, DerivedTagUse, hasTag, inGroupTag, labelTag, lacksTag, namedPortTag, namespaceTag, notTag, podTags, splitTag, type LabelSide,
} from './tagging.ts';

/** Stable refusal codes of the Contrail target. */
export const CONTRAIL_REFUSAL = {
  /** Reserved: every NetworkPolicy has a Contrail form today (named ports and selector operators via derived tags). */
  UNSUPPORTED: 'CONTRAIL_UNSUPPORTED',
  /** A uid asked for that no NetworkPolicy has. */
  NOT_FOUND: 'NETWORK_POLICY_NOT_FOUND',
} as const;

/** How an ipBlock with `except` is written. */
export type ExceptEncoding =
  /** np2dfw: one address group of the positive CIDRs (cidr minus every except). */
  | 'address-groups'
  /** Seed 002's system: a deny rule per except before the pass rule for the cidr (not equivalent). */
  | 'deny-rules';

/** Options of the Contrail realization. */
export interface ContrailOptions extends Partial<TargetOptions> {
  /** Default `address-groups`; `deny-rules` reproduces seed 002's system (for showing that it is wrong). */
  readonly exceptEncoding?: ExceptEncoding;
}

/** A realization: the objects, the refused policies, and the NetworkPolicies left unconverted. */
export interface ContrailRealization {
  /** The objects. */
  readonly config: ContrailConfig;
  /** The policies refused, with code, field and reason. */
  readonly refusals: readonly Refusal[];
  /** The NetworkPolicies not realized, which stay in force. */
  readonly remaining: readonly NetworkPolicy[];
}

class Refused extends Error {
  readonly code: string;
  readonly path: string;
  constructor(code: string, path: string, message: string) {
    super(message);
    this.code = code;
    this.path = path;
  }
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

function service(protocol: 'any' | 'tcp' | 'udp' | 'sctp', start: number, end: number): FirewallService {
  return { protocol, src_ports: { start_port: 0, end_port: 65535 }, dst_ports: { start_port: start, end_port: end } };
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
  if (!ports) return [{ service: service('any', 0, 65535) }];
  return ports.flatMap((p): ServiceChoice[] => {
    const proto = p.protocol.toLowerCase() as 'tcp' | 'udp' | 'sctp';
    if (p.port === undefined) return [{ service: service(proto, 0, 65535) }];
    if (typeof p.port === 'number') return [{ service: service(proto, p.port, p.endPort ?? p.port) }];
    const name = p.port;
    use.namedPorts.add(`${p.protocol}/${name}`);
    const numbers = new Set<number>();
    for (const pod of cluster.pods) {
      if (pod.hostNetwork) continue;
      const first = pod.ports.find((c) => c.name === name && c.protocol === p.protocol);
      if (first) numbers.add(first.port);
    }
    return [...numbers].sort((a, b) => a - b).map((n) => ({ service: service(proto, n, n), dstTag: namedPortTag(p.protocol, name, n) }));
  });
}

interface PeerEndpoints {
  /** `podSelector`, `namespaceSelector`, `ipBlock`: for the rule name. */
  readonly kind: string;
  /** Each with the action of its rules. */
  readonly endpoints: readonly { readonly endpoint: FirewallRuleEndpoint; readonly action: 'pass' | 'deny'; readonly label: string }[];
}

/** Builds the objects of a cluster; policies a tag cannot express are refused one by one. */
export function realizeContrail(cluster: Cluster, options: ContrailOptions = {}): ContrailRealization {
  const encoding = options.exceptEncoding ?? 'address-groups';
  const refusals: Refusal[] = [];
  let policies: NetworkPolicy[] = [...cluster.policies];
  if (options.only) {
    const byUid = new Map(cluster.policies.map((p) => [p.uid, p]));
    policies = [];
    for (const uid of new Set(options.only)) {
      const p = byUid.get(uid);
      if (p) policies.push(p);
      else refusals.push({ namespace: '', name: '', uid, code: CONTRAIL_REFUSAL.NOT_FOUND, path: 'metadata.uid', message: `no NetworkPolicy of cluster ${cluster.name} has uid ${uid}` });
    }
  }
  const tags = new Map<string, ContrailTag>();
  /** What the policy being realized added (undone when it is refused). */
  const added = { tags: [] as string[], groups: [] as string[] };
  const useTag = (t: string) => {
    if (!tags.has(t)) {
      added.tags.push(t);
      const { type, value } = splitTag(t);
      tags.set(t, { fq_name: [t], name: t, tag_type_name: type, tag_value: value });
    }
    return t;
  };
  const addressGroups = new Map<string, AddressGroup>();
  const addressGroup = (name: string, cidrs: readonly string[], origin: string): string => {
    if (!addressGroups.has(name)) {
      added.groups.push(name);
      addressGroups.set(name, {
        fq_name: [POLICY_MANAGEMENT, name], parent_type: 'policy-management', name,
        address_group_prefix: { subnet: cidrs.map((c) => { const r = cidrRange(c); return { ip_prefix: c.slice(0, c.indexOf('/')), ip_prefix_len: r.prefix }; }) },
        annotations: { key_value_pair: [{ key: 'np2dfw.io/source', value: origin }] },
      });
    }
    return `${POLICY_MANAGEMENT}:${name}`;
  };
  const rules: FirewallRule[] = [];
  const ruleNames = new Set<string>();
  const makeRule = (base: string, action: 'pass' | 'deny', svc: FirewallService, ep1: FirewallRuleEndpoint, ep2: FirewallRuleEndpoint, dir: '<' | '>', policy?: NetworkPolicy): FirewallRule => {
    let name = base;
    for (let k = 2; ruleNames.has(name); k++) name = `${base}-${k}`;
    ruleNames.add(name);
    const r: FirewallRule = {
      fq_name: [POLICY_MANAGEMENT, name], parent_type: 'policy-management', name,
      action_list: { simple_action: action }, service: svc, endpoint_1: ep1, endpoint_2: ep2, direction: dir,
      match_tags: { tag_list: [] },
      annotations: { key_value_pair: policy ? [
        { key: 'cluster', value: cluster.name }, { key: 'namespace', value: policy.namespace },
        { key: 'name', value: policy.name }, { key: 'k8s_uuid', value: policy.uid },
      ] : [{ key: 'cluster', value: cluster.name }] },
    };
    rules.push(r);
    return r;
  };
  const refOf = (fq: readonly string[], seq: number): SequencedRef => ({ to: [...fq], attr: { sequence: sequenceOf(seq) } });

  const firewallPolicies: FirewallPolicy[] = [];
  const denyRefs: SequencedRef[] = [];
  const converted: NetworkPolicy[] = [];
  const prefix = (p: NetworkPolicy) => `${cluster.name}-${p.namespace}-${p.name}`;
  const use = new DerivedTagUse();
  const withTag = (ep: FirewallRuleEndpoint, tag: string | undefined, path: string): FirewallRuleEndpoint => {
    if (tag === undefined) return ep;
    if (ep.any) return { tags: [useTag(tag)] };
    if (ep.tags) return { tags: [...ep.tags, useTag(tag)] };
    // An endpoint takes an address group or tags, not both: the pods of the group carry a tag saying so.
    const group = ep.address_group!.slice(POLICY_MANAGEMENT.length + 1);
    use.addressGroups.set(group, addressGroups.get(group)!.address_group_prefix.subnet.map((x) => `${x.ip_prefix}/${x.ip_prefix_len}`));
    void path;
    return { tags: [useTag(inGroupTag(group)), useTag(tag)] };
  };
  const hostCheck = hostNetworkNamedPortCheck(cluster);
  for (const policy of policies) {
    const ruleStart = rules.length;
    added.tags.length = 0;
    added.groups.length = 0;
    try {
      const hostRefusal = hostCheck(policy);
      if (hostRefusal) throw new Refused(hostRefusal.code, hostRefusal.path, hostRefusal.message);
      const applied = selectorAlternatives(policy.podSelector, 'pod', use).map((a) => [namespaceTag(policy.namespace), ...a]);
      const appliedEndpoints: FirewallRuleEndpoint[] = applied.map((a) => ({ tags: a.map(useTag) }));
      const own: FirewallRule[] = [];
      const denies: FirewallRule[] = [];
      for (const direction of ['Ingress', 'Egress'] as PolicyType[]) {
        if (!isolates(policy, direction)) continue;
        const dir = direction === 'Ingress' ? 'ingress' : 'egress';
        const arrow = direction === 'Ingress' ? '<' : '>';
        effectiveRules(policy, direction).forEach((rule, ri) => {
          const path = `spec.${dir}[${ri}]`;
          const services = servicesOf(rule.ports, cluster, use);
          const field = direction === 'Ingress' ? 'from' : 'to';
          const peers: PeerEndpoints[] = rule.peers
            ? rule.peers.map((peer, pi) => peerEndpoints(peer, `${path}.${field}[${pi}]`, policy, `${prefix(policy)}-${dir}-${ri}-ipblock-${pi}`))
            : [{ kind: 'any', endpoints: [{ endpoint: { any: true }, action: 'pass', label: '' }] }];
          peers.forEach((peer, pi) => {
            peer.endpoints.forEach((pe, ei) => appliedEndpoints.forEach((ae, ai) => services.forEach((svc, si) => {
              // Unique by construction: namespace, direction, policy, rule index, peer kind and index, alternatives, service.
              const parts = [policy.namespace, dir, policy.name, String(ri), peer.kind, String(pi)];
              if (peer.endpoints.length > 1) parts.push(pe.label || `alt${ei}`);
              if (appliedEndpoints.length > 1) parts.push(`applied${ai}`);
              parts.push(String(si));
              const ep1 = direction === 'Ingress' ? withTag(ae, svc.dstTag, path) : ae;
              const ep2 = direction === 'Egress' ? withTag(pe.endpoint, svc.dstTag, `${path}.${field}[${pi}]`) : pe.endpoint;
              own.push(makeRule(parts.join('-'), pe.action, svc.service, ep1, ep2, arrow, policy));
            })));
          });
        });
        appliedEndpoints.forEach((ae, ai) => {
          denies.push(makeRule(`${policy.namespace}-${dir}-${policy.name}-default-deny-all${appliedEndpoints.length > 1 ? `-${ai}` : ''}`, 'deny', service('any', 0, 65535), ae, { any: true }, arrow, policy));
        });
      }
      firewallPolicies.push({
        fq_name: [POLICY_MANAGEMENT, prefix(policy)], parent_type: 'policy-management', name: prefix(policy),
        firewall_rule_refs: own.map((r, i) => refOf(r.fq_name, i)),
        annotations: { key_value_pair: [
          { key: 'cluster', value: cluster.name }, { key: 'namespace', value: policy.namespace },
          { key: 'name', value: policy.name }, { key: 'k8s_uuid', value: policy.uid },
        ] },
      });
      for (const d of denies) denyRefs.push(refOf(d.fq_name, denyRefs.length));
      converted.push(policy);
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      // Undo what the refused policy added.
      for (const r of rules.splice(ruleStart)) ruleNames.delete(r.name);
      for (const t of added.tags) tags.delete(t);
      for (const a of added.groups) addressGroups.delete(a);
      refusals.push({ namespace: policy.namespace, name: policy.name, uid: policy.uid, code: e.code, path: e.path, message: e.message });
    }
  }

  function peerEndpoints(peer: PolicyPeer, path: string, policy: NetworkPolicy, agName: string): PeerEndpoints {
    if (peer.ipBlock) {
      const b = peer.ipBlock;
      if (encoding === 'deny-rules' && b.except.length) {
        return {
          kind: 'ipBlock',
          endpoints: [
            ...b.except.map((e, k) => ({ endpoint: { address_group: addressGroup(`${agName}-except-${k}`, [e], path) }, action: 'deny' as const, label: `except${k}` })),
            { endpoint: { address_group: addressGroup(`${agName}-cidr`, [b.cidr], path) }, action: 'pass' as const, label: 'cidr' },
          ],
        };
      }
      return { kind: 'ipBlock', endpoints: [{ endpoint: { address_group: addressGroup(agName, subtractCidrs(b.cidr, b.except), path) }, action: 'pass', label: '' }] };
    }
    const nsAlts = peer.namespaceSelector ? selectorAlternatives(peer.namespaceSelector, 'ns', use) : [[namespaceTag(policy.namespace)]];
    const podAlts = peer.podSelector ? selectorAlternatives(peer.podSelector, 'pod', use) : [[]];
    const kind = peer.namespaceSelector && peer.podSelector ? 'namespacePodSelector' : peer.namespaceSelector ? 'namespaceSelector' : 'podSelector';
    const endpoints = nsAlts.flatMap((n) => podAlts.map((p) => {
      const all = [...n, ...p];
      return { tags: (all.length ? all : [clusterTag(cluster.name)]).map(useTag) };
    }));
    return { kind, endpoints: endpoints.map((endpoint, k) => ({ endpoint, action: 'pass' as const, label: endpoints.length > 1 ? `alt${k}` : '' })) };
  }

  // on_error abort: one refusal leaves the whole batch unconverted.
  if ((options.onError ?? 'abort') === 'abort' && refusals.length) {
    rules.length = 0;
    ruleNames.clear();
    tags.clear();
    addressGroups.clear();
    firewallPolicies.length = 0;
    denyRefs.length = 0;
    converted.length = 0;
  }
  // Every tag a workload carries exists, so that kube-manager can attach it.
  const workloads = cluster.pods.filter((p) => !p.hostNetwork).map((p) => ({ pod: podId(p), tags: podTags(cluster, p, use) }));
  for (const w of workloads) for (const t of w.tags) useTag(t);
  // The deny-all policy after every NetworkPolicy's, then kube-manager's allow-all tail.
  useTag(clusterTag(cluster.name));
  const denyAll: FirewallPolicy = {
    fq_name: [POLICY_MANAGEMENT, `${cluster.name}-denyall`], parent_type: 'policy-management', name: `${cluster.name}-denyall`,
    firewall_rule_refs: denyRefs,
  };
  const allowAllRule = makeRule(`${cluster.name}-allowall`, 'pass', service('any', 0, 65535), { any: true }, { any: true }, '>');
  const allowAllRuleBack = makeRule(`${cluster.name}-allowall-in`, 'pass', service('any', 0, 65535), { any: true }, { any: true }, '<');
  const allowAll: FirewallPolicy = {
    fq_name: [POLICY_MANAGEMENT, `${cluster.name}-allowall`], parent_type: 'policy-management', name: `${cluster.name}-allowall`,
    firewall_rule_refs: [refOf(allowAllRule.fq_name, 0), refOf(allowAllRuleBack.fq_name, 1)],
    annotations: { key_value_pair: [{ key: 'tail', value: 'True' }] },
  };
  const ordered = [...firewallPolicies, denyAll, allowAll];
  const aps = {
    fq_name: [POLICY_MANAGEMENT, cluster.name] as const, parent_type: 'policy-management' as const, name: cluster.name,
    firewall_policy_refs: ordered.map((p, i) => refOf(p.fq_name, i)),
    tag_refs: [{ to: [clusterTag(cluster.name)] }],
  };
  const done = new Set(converted.map((p) => p.uid));
  return {
    config: {
      tags: [...tags.values()],
      addressGroups: [...addressGroups.values()],
      rules,
      policies: ordered,
      applicationPolicySet: aps,
      workloads,
    },
    refusals,
    remaining: cluster.policies.filter((p) => !done.has(p.uid)),
  };
}
