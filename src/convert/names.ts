import { truncateUtf8 } from './truncate-bytes.ts';

/** Seed 000: cluster name, namespace and policy name are each cut to 12 bytes in display names. */
export const NAME_PART_BYTES = 12;

/** What names a converted policy: its cluster, namespace, name and uid. */
export interface PolicyNameParts {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

function cut(part: string): string {
  return truncateUtf8(part, NAME_PART_BYTES);
}

/** `<cluster>-<namespace>-<name>-<uid>-allow` / `-drop` (seed 000). */
export function policyDisplayName(p: PolicyNameParts, kind: 'allow' | 'drop'): string {
  return `${cut(p.cluster)}-${cut(p.namespace)}-${cut(p.name)}-${p.uid}-${kind}`;
}

/** `<cluster>-<namespace>-<uid>`: the group in the Applied To of both policies (seed 000). */
export function appliedToGroupDisplayName(p: PolicyNameParts): string {
  return `${cut(p.cluster)}-${cut(p.namespace)}-${p.uid}`;
}

/**
 * `<cluster>-<namespace>-<uid>-rule[<i>]-from-<j>` (ingress) or `-to-<j>` (egress); without `-<j>` when the
 * rule has a single peer (seed 000). Ingress and egress rules are each counted from 0.
 */
export function peerGroupDisplayName(p: PolicyNameParts, direction: 'Ingress' | 'Egress', ruleIndex: number, peerIndex: number, peerCount: number): string {
  const word = direction === 'Ingress' ? 'from' : 'to';
  const suffix = peerCount === 1 ? '' : `-${peerIndex}`;
  return `${appliedToGroupDisplayName(p)}-rule[${ruleIndex}]-${word}${suffix}`;
}

/** Ids: made of the policy uid only, so that they are unique (uids are) and the same on every run. */
export const ids = {
  allowPolicy: (uid: string): string => `${uid}-allow`,
  dropPolicy: (uid: string): string => `${uid}-drop`,
  appliedToGroup: (uid: string): string => `${uid}`,
  peerGroup: (uid: string, direction: 'Ingress' | 'Egress', ruleIndex: number, peerIndex: number, peerCount: number): string =>
    `${uid}-rule-${ruleIndex}-${direction === 'Ingress' ? 'from' : 'to'}${peerCount === 1 ? '' : `-${peerIndex}`}`,
  rule: (direction: 'Ingress' | 'Egress', ruleIndex: number): string => `${direction === 'Ingress' ? 'ingress' : 'egress'}-rule-${ruleIndex}`,
  dropRule: 'default-drop',
};
