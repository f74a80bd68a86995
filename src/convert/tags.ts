import type { Tag } from '../model/tag.ts';
import type { PolicyNameParts } from './names.ts';

/** The tag scopes np2dfw puts on converted policies and groups. */
export const TAG_SCOPE = {
  cluster: 'k8s-cluster',
  namespace: 'k8s-namespace',
  policyName: 'k8s-network-policy',
  policyUid: 'k8s-network-policy-uid',
  /** `allow`, `drop`, `applied-to` or `peer`. */
  role: 'np2dfw-role',
} as const;

/** Tags naming the cluster, namespace, policy name and uid (seed 000), and the object's role. */
export function originTags(p: PolicyNameParts, role: 'allow' | 'drop' | 'applied-to' | 'peer'): Tag[] {
  return [
    { scope: TAG_SCOPE.cluster, tag: p.cluster },
    { scope: TAG_SCOPE.namespace, tag: p.namespace },
    { scope: TAG_SCOPE.policyName, tag: p.name },
    { scope: TAG_SCOPE.policyUid, tag: p.uid },
    { scope: TAG_SCOPE.role, tag: role },
  ];
}
