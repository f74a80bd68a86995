// Shared by the realizations whose dataplane resolves named ports only at the pods it manages (Antrea, Contrail).
import type { Cluster } from '../../k8s/cluster.ts';
import { selectorMatches } from '../../k8s/labels.ts';
import { effectiveRules, type NetworkPolicy } from '../../k8s/network-policy.ts';
import { podId, podIsLive, resolveNamedPort, type Pod } from '../../k8s/pod.ts';
import { ipBlockHoldsIp } from '../../net/ip-block.ts';
import type { Refusal } from '../../convert/batch-options.ts';

/** The refusal code of a named egress port that a hostNetwork pod of the inventory declares. */
export const NAMED_PORT_ON_HOST_NETWORK_POD = 'NAMED_PORT_ON_HOST_NETWORK_POD';

/**
 * Kubernetes resolves an egress rule's named port at any destination pod, hostNetwork pods included; Antrea (and
 * Contrail) resolve it only at the pods they manage, which hostNetwork pods are not. When a live hostNetwork pod of
 * the inventory declares such a port, the rule can reach it (no peers, or an ipBlock holding its address), no numeric
 * port of the rule covers its number, and the policy selects a live pod, the policy cannot be realized faithfully:
 * the refusal names the port.
 */
export function hostNetworkNamedPortRefusal(cluster: Cluster, policy: NetworkPolicy): Refusal | undefined {
  return hostNetworkNamedPortCheck(cluster)(policy);
}

/** The same check, with the cluster's hostNetwork pods found once (for many policies). */
export function hostNetworkNamedPortCheck(cluster: Cluster): (policy: NetworkPolicy) => Refusal | undefined {
  const hostPods = cluster.pods.filter((p) => p.hostNetwork && podIsLive(p));
  // Only a policy that selects a live pod can send anything to a hostNetwork pod.
  const selectsAny = (policy: NetworkPolicy) => cluster.pods.some((p) =>
    p.namespace === policy.namespace && !p.hostNetwork && podIsLive(p) && selectorMatches(policy.podSelector, p.labels));
  return (policy) => (hostPods.length === 0 || !selectsAny(policy) ? undefined : check(hostPods, policy));
}

function check(hostPods: readonly Cluster['pods'][number][], policy: NetworkPolicy): Refusal | undefined {
  const rules = effectiveRules(policy, 'Egress');
  for (let i = 0; i < rules.length; i++) {
    const ports = rules[i].ports ?? [];
    for (let j = 0; j < ports.length; j++) {
      const port = ports[j];
      if (typeof port.port !== 'string') continue;
      const name = port.port;
      const peers = rules[i].peers;
      // Selectors never match a hostNetwork pod: only "every peer" and ipBlocks holding its address reach it.
      const reachable = (h: Pod) => !peers || peers.some((peer) => peer.ipBlock !== undefined && h.ips.some((ip) => ipBlockHoldsIp(peer.ipBlock!, ip)));
      // A numeric port of the same rule that covers the number already allows what the name would.
      const covered = (n: number) => ports.some((o) => o.protocol === port.protocol && (o.port === undefined || (typeof o.port === 'number' && n >= o.port && n <= (o.endPort ?? o.port))));
      const pod = hostPods.find((h) => {
        const n = resolveNamedPort(h, name, port.protocol);
        return n !== undefined && !covered(n) && reachable(h);
      });
      if (pod) {
        return {
          namespace: policy.namespace, name: policy.name, uid: policy.uid, code: NAMED_PORT_ON_HOST_NETWORK_POD,
          path: `spec.egress[${i}].ports[${j}].port`,
          message: `named port "${name}" is declared by hostNetwork pod ${podId(pod)}, which the target's dataplane does not resolve named ports at`,
        };
      }
    }
  }
  return undefined;
}
