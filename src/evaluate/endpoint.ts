import { podId, type Pod } from '../k8s/pod.ts';
import type { Family } from '../net/ip-address.ts';

/**
 * One end of a connection: a pod at one of its addresses, or an address outside the cluster.
 * A hostNetwork pod is a `pod` endpoint whose address is its node's: policies never select it.
 */
export type Endpoint =
  | { readonly kind: 'pod'; readonly id: string; readonly pod: Pod; readonly ip: string; readonly family: Family }
  | { readonly kind: 'external'; readonly id: string; readonly ip: string; readonly family: Family };

/** A pod at one of its addresses, under the pod's id (`podId`). */
export function podEndpoint(pod: Pod, ip: string, family: Family): Endpoint {
  return { kind: 'pod', id: podId(pod), pod, ip, family };
}

/**
 * Whether an endpoint can be selected by label selectors (a policy's spec.podSelector, a peer's podSelector or
 * namespaceSelector): only pods that do not use the host network. hostNetwork pods and external addresses are
 * matched by ipBlock peers only, and are never isolated.
 */
export function isSelectable(e: Endpoint): boolean {
  return e.kind === 'pod' && !e.pod.hostNetwork;
}
