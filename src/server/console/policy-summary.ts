// A NetworkPolicy in a few readable lines: whom it selects, which directions it isolates, and each rule's
// peers and ports (the words `np2dfw explain` uses).
import { formatPolicyPort } from '../../evaluate/kubernetes/endpoint-match.ts';
import { formatSelector, selectsAll } from '../../k8s/labels.ts';
import type { NetworkPolicy, PolicyRule, PolicyType } from '../../k8s/network-policy.ts';
import { describePeer } from '../../k8s/peer-description.ts';

function ruleLine(policy: NetworkPolicy, dir: PolicyType, rule: PolicyRule, i: number): string {
  const word = dir === 'Ingress' ? 'from' : 'to';
  const peers = rule.peers === undefined ? `${word} anywhere` : rule.peers.length === 0 ? `${word} nothing`
    : `${word} ${rule.peers.map((p) => describePeer(p, policy)).join(' or ')}`;
  const ports = rule.ports === undefined ? 'on every port' : `on ${rule.ports.map(formatPolicyPort).join(', ')}`;
  return `spec.${dir === 'Ingress' ? 'ingress' : 'egress'}[${i}]: allows ${peers} ${ports}`;
}

/** The policy in lines of text. */
export function summarizePolicy(policy: NetworkPolicy): string[] {
  const who = selectsAll(policy.podSelector) ? `every pod of namespace ${policy.namespace}` : `pods ${formatSelector(policy.podSelector)} of namespace ${policy.namespace}`;
  const lines = [`selects ${who}; isolates ${policy.policyTypes.join(' and ') || 'nothing'}`];
  for (const dir of policy.policyTypes) {
    const rules = dir === 'Ingress' ? policy.ingress : policy.egress;
    if (rules.length === 0) lines.push(`${dir}: no rule (everything ${dir === 'Ingress' ? 'to' : 'from'} the selected pods is denied)`);
    rules.forEach((r, i) => lines.push(ruleLine(policy, dir, r, i)));
  }
  return lines;
}
