// How one NetworkPolicy peer, port and pod selector match endpoints: the per-connection semantics that the
// reference engine's slow path applies literally, and its fast path is checked against.
import { NAMESPACE_NAME_LABEL, selectorMatches, type Labels } from '../../k8s/labels.ts';
import type { Namespace } from '../../k8s/namespace.ts';
import type { IPBlock, NetworkPolicy, PolicyPeer, PolicyPort } from '../../k8s/network-policy.ts';
import { resolveNamedPort } from '../../k8s/pod.ts';
import { rangeHolds } from '../../net/cidr.ts';
import { ipBlockHoldsAddress, parsedIpBlock } from '../../net/ip-block.ts';
import { addressValue } from '../../net/ip-address.ts';
import type { PortQuery } from '../connection.ts';
import { isSelectable, type Endpoint } from '../endpoint.ts';

export { isSelectable } from '../endpoint.ts';

/** The labels of a namespace; a namespace absent from the inventory still carries its name label. */
export function namespaceLabels(namespaces: ReadonlyMap<string, Namespace>, name: string): Labels {
  return namespaces.get(name)?.labels ?? { [NAMESPACE_NAME_LABEL]: name };
}

/** Whether a policy's spec.podSelector selects the endpoint (a non-hostNetwork pod of the policy's namespace). */
export function policySelects(policy: NetworkPolicy, e: Endpoint): boolean {
  return e.kind === 'pod' && !e.pod.hostNetwork && e.pod.namespace === policy.namespace && selectorMatches(policy.podSelector, e.pod.labels);
}

/** Whether an ipBlock matches the endpoint's address: in `cidr`, of its family, in no `except`. */
export function ipBlockMatches(block: IPBlock, e: Endpoint): boolean {
  return ipBlockHoldsAddress(block, e.family, addressValue(e.ip, e.family));
}

/**
 * The `except` of an ipBlock that takes the endpoint's address out of its `cidr`, when the cidr holds the address
 * but an except removes it (the first such except, as written); undefined otherwise.
 */
export function exceptExcluding(block: IPBlock, e: Endpoint): string | undefined {
  const p = parsedIpBlock(block);
  if (p.family !== e.family) return undefined;
  const a = addressValue(e.ip, e.family);
  if (!rangeHolds(p.cidr, a)) return undefined;
  const i = p.except.findIndex((x) => x.family === e.family && rangeHolds(x, a));
  return i < 0 ? undefined : block.except[i];
}

/**
 * Whether a peer of a rule of `policy` matches the endpoint at the other end of the connection.
 * ipBlock: by address (pod addresses included). Selectors: only selectable pods; podSelector alone = pods of
 * the policy's namespace; namespaceSelector alone = every pod of the matching namespaces; both = AND.
 * A peer with neither (which validation refuses) matches nothing.
 */
export function peerMatches(
  peer: PolicyPeer,
  policy: NetworkPolicy,
  e: Endpoint,
  namespaces: ReadonlyMap<string, Namespace>,
): boolean {
  if (peer.ipBlock) return ipBlockMatches(peer.ipBlock, e);
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  if (e.kind !== 'pod' || e.pod.hostNetwork) return false;
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, namespaceLabels(namespaces, e.pod.namespace))) return false;
  } else if (e.pod.namespace !== policy.namespace) {
    return false;
  }
  return !peer.podSelector || selectorMatches(peer.podSelector, e.pod.labels);
}

/**
 * Whether a NetworkPolicyPort matches the connection's protocol and destination port. A named port is the
 * destination pod's container port of that name and protocol (hostNetwork pods included); it never matches an
 * external destination.
 */
export function portMatches(port: PolicyPort, query: PortQuery, dst: Endpoint): boolean {
  if (port.protocol !== query.protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'number') {
    const last = port.endPort ?? port.port;
    return query.port >= port.port && query.port <= last;
  }
  if (dst.kind !== 'pod') return false;
  return resolveNamedPort(dst.pod, port.port, port.protocol) === query.port;
}

/** A NetworkPolicyPort as people write it: `80/TCP`, `8000-8080/TCP`, `http/TCP`, `all TCP`. */
export function formatPolicyPort(port: PolicyPort): string {
  if (port.port === undefined) return `all ${port.protocol}`;
  if (port.endPort !== undefined) return `${port.port}-${port.endPort}/${port.protocol}`;
  return `${port.port}/${port.protocol}`;
}
