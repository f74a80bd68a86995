import { formatSelector, selectsAll, type LabelSelector } from './labels.ts';
import type { NetworkPolicy, PolicyPeer } from './network-policy.ts';

function selectorText(s: LabelSelector, all: string): string {
  return selectsAll(s) ? `{} (${all})` : formatSelector(s);
}

/**
 * A NetworkPolicy peer in words, with what each selector means here:
 * `podSelector role=frontend (pods of namespace default)`, `namespaceSelector project=myproject`,
 * `namespaceSelector team=a and podSelector app=x`, `ipBlock 172.17.0.0/16 except 172.17.1.0/24`.
 */
export function describePeer(peer: PolicyPeer, policy: Pick<NetworkPolicy, 'namespace'>): string {
  if (peer.ipBlock) {
    const ex = peer.ipBlock.except.length ? ` except ${peer.ipBlock.except.join(', ')}` : '';
    return `ipBlock ${peer.ipBlock.cidr}${ex}`;
  }
  if (peer.namespaceSelector && peer.podSelector) {
    return `namespaceSelector ${selectorText(peer.namespaceSelector, 'every namespace')} and podSelector ${selectorText(peer.podSelector, 'every pod')}`;
  }
  if (peer.namespaceSelector) return `namespaceSelector ${selectorText(peer.namespaceSelector, 'every pod of every namespace')}`;
  if (peer.podSelector) {
    return `podSelector ${selectsAll(peer.podSelector) ? '{} (every pod' : `${formatSelector(peer.podSelector)} (pods`} of namespace ${policy.namespace})`;
  }
  return 'an empty peer (matches nothing)';
}
