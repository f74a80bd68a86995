import type { Cluster } from '../../k8s/cluster.ts';
import { effectiveRules, isolates, type NetworkPolicy, type PolicyPeer, type PolicyRule, type PolicyType } from '../../k8s/network-policy.ts';
import {
  ANTREA_API_VERSION, type AntreaAppliedTo, type AntreaObjects, type AntreaPeer, type AntreaPort, type AntreaRule,
  type ClusterNetworkPolicy,
} from './antrea-objects.ts';
import { kubeNameOf } from './kube-name.ts';
import { managedMetadata } from './managed-metadata.ts';
import { priorityOfRank } from './priority.ts';
import { antreaSelectorOf, namespaceNameSelector } from './selectors.ts';
import { DEFAULT_TIER } from './tiers.ts';

/** A NetworkPolicy peer as an ACNP peer: a podSelector alone is confined to the policy's namespace explicitly. */
function peerOf(peer: PolicyPeer, namespace: string): AntreaPeer {
  if (peer.ipBlock) {
    return peer.ipBlock.except.length ? { ipBlock: { cidr: peer.ipBlock.cidr, except: [...peer.ipBlock.except] } } : { ipBlock: { cidr: peer.ipBlock.cidr } };
  }
  const out: { podSelector?: AntreaPeer['podSelector']; namespaceSelector?: AntreaPeer['namespaceSelector'] } = {};
  if (peer.podSelector) out.podSelector = antreaSelectorOf(peer.podSelector);
  out.namespaceSelector = peer.namespaceSelector ? antreaSelectorOf(peer.namespaceSelector) : namespaceNameSelector(namespace);
  return out;
}

function portsOf(rule: PolicyRule): AntreaPort[] | undefined {
  if (!rule.ports) return undefined;
  return rule.ports.map((p) => {
    const out: { protocol: AntreaPort['protocol']; port?: number | string; endPort?: number } = { protocol: p.protocol };
    if (p.port !== undefined) out.port = p.port;
    if (p.endPort !== undefined) out.endPort = p.endPort;
    return out;
  });
}

/** The names of a policy's two ACNPs: `<namespace>.<name>.allow|drop` (namespaces have no dots: never ambiguous). */
export function directPolicyNames(policy: NetworkPolicy): { allow: string; drop: string } {
  return { allow: kubeNameOf(`${policy.namespace}.${policy.name}.allow`), drop: kubeNameOf(`${policy.namespace}.${policy.name}.drop`) };
}

/**
 * The direct Antrea realization of a cluster's NetworkPolicies (np2dfw's `antrea` target), without NSX's limits:
 * named ports, SCTP, every selector operator and `ipBlock.except` are written natively. Each policy becomes an
 * allow ACNP (its rules of the directions it isolates, action Allow) and a drop ACNP (Drop everything in those
 * directions), both in Antrea's `application` tier with appliedTo = the policy's pods on every rule; every allow
 * ACNP has a lower priority number than every drop ACNP, so the allows of all policies add up before any drop, as
 * in Kubernetes. Nothing is refused.
 */
export function realizeClusterDirect(cluster: Cluster, policies: readonly NetworkPolicy[] = cluster.policies): AntreaObjects {
  const out: ClusterNetworkPolicy[] = [];
  const total = policies.length * 2;
  const drops: ClusterNetworkPolicy[] = [];
  policies.forEach((policy, i) => {
    const origin = { cluster: cluster.name, namespace: policy.namespace, policyName: policy.name, policyUid: policy.uid };
    const appliedTo: AntreaAppliedTo[] = [{ podSelector: antreaSelectorOf(policy.podSelector), namespaceSelector: namespaceNameSelector(policy.namespace) }];
    const names = directPolicyNames(policy);
    const rulesOf = (direction: PolicyType): AntreaRule[] =>
      effectiveRules(policy, direction).map((rule, k) => {
        const r: { name: string; action: 'Allow'; appliedTo: AntreaAppliedTo[]; from?: AntreaPeer[]; to?: AntreaPeer[]; ports?: AntreaPort[] } =
          { name: `${direction.toLowerCase()}-${k}`, action: 'Allow', appliedTo };
        if (rule.peers) r[direction === 'Ingress' ? 'from' : 'to'] = rule.peers.map((p) => peerOf(p, policy.namespace));
        const ports = portsOf(rule);
        if (ports) r.ports = ports;
        return r;
      });
    const ingress = rulesOf('Ingress');
    const egress = rulesOf('Egress');
    const allowSpec: { tier: string; priority: number; appliedTo?: AntreaAppliedTo[]; ingress?: AntreaRule[]; egress?: AntreaRule[] } =
      { tier: DEFAULT_TIER, priority: priorityOfRank(i, total) };
    if (ingress.length) allowSpec.ingress = ingress;
    if (egress.length) allowSpec.egress = egress;
    if (ingress.length || egress.length) {
      out.push({
        apiVersion: ANTREA_API_VERSION,
        kind: 'ClusterNetworkPolicy',
        metadata: managedMetadata(names.allow, origin, { 'np2dfw.io/role': 'allow' }),
        spec: allowSpec,
      });
    }
    const dropSpec: { tier: string; priority: number; ingress?: AntreaRule[]; egress?: AntreaRule[] } =
      { tier: DEFAULT_TIER, priority: priorityOfRank(policies.length + i, total) };
    if (isolates(policy, 'Ingress')) dropSpec.ingress = [{ name: 'default-deny-ingress', action: 'Drop', appliedTo }];
    if (isolates(policy, 'Egress')) dropSpec.egress = [{ name: 'default-deny-egress', action: 'Drop', appliedTo }];
    drops.push({
      apiVersion: ANTREA_API_VERSION,
      kind: 'ClusterNetworkPolicy',
      metadata: managedMetadata(names.drop, origin, { 'np2dfw.io/role': 'drop' }),
      spec: dropSpec,
    });
  });
  return { tiers: [], clusterGroups: [], policies: [...out, ...drops] };
}
