import type { Cluster } from '../../k8s/cluster.ts';
import { effectiveRules, type NetworkPolicy } from '../../k8s/network-policy.ts';
import { podIsLive, resolveNamedPort } from '../../k8s/pod.ts';
import type { Refusal } from '../../evaluate/target.ts';

/** The refusal code of a named egress port that a hostNetwork pod of the inventory declares. */
export const NAMED_PORT_ON_HOST_NETWORK_POD = 'NAMED_PORT_ON_HOST_NETWORK_POD';

/**
 * Kubernetes resolves an egress rule's named port at any destination pod, hostNetwork pods included; Antrea (and
 * Contrail) resolve it only at the pods they manage, which hostNetwork pods are not. When a live hostNetwork pod of
 * the inventory declares such a port, the policy cannot be realized faithfully: the refusal names the port.
 */
export function hostNetworkNamedPortRefusal(cluster: Cluster, policy: NetworkPolicy): Refusal | undefined {
  return hostNetworkNamedPortCheck(cluster)(policy);
}

/** The same check, with the cluster's hostNetwork pods found once (for many policies). */
export function hostNetworkNamedPortCheck(cluster: Cluster): (policy: NetworkPolicy) => Refusal | undefined {
  const hostPods = cluster.pods.filter((p) => p.hostNetwork && podIsLive(p));
  return (policy) => (hostPods.length === 0 ? undefined : check(hostPods, policy));
}

function check(hostPods: readonly Cluster['pods'][number][], policy: NetworkPolicy): Refusal | undefined {
  const rules = effectiveRules(policy, 'Egress');
  for (let i = 0; i < rules.length; i++) {
    const ports = rules[i].ports ?? [];
    for (let j = 0; j < ports.length; j++) {
      const port = ports[j];
      if (typeof port.port !== 'string') continue;
      const name = port.port;
      const pod = hostPods.find((h) => resolveNamedPort(h, name, port.protocol) !== undefined);
      if (pod) {
        return {
          namespace: policy.namespace, name: policy.name, uid: policy.uid, code: NAMED_PORT_ON_HOST_NETWORK_POD,
          path: `spec.egress[${i}].ports[${j}].port`,
          message: `named port "${name}" is declared by hostNetwork pod ${pod.namespace}/${pod.name}, which the target's dataplane does not resolve named ports at`,
        };
      }
    }
  }
  return undefined;
}
