import type { Group } from './group.ts';
import type { SecurityPolicy } from './security-policy.ts';

/** Where a DFW object came from: the Kubernetes policy, and for a rule its direction, index and peers. */
export interface Origin {
  readonly cluster: string;
  readonly namespace: string;
  readonly policyName: string;
  readonly policyUid: string;
  /** For an allow rule: which Kubernetes rule it converts. */
  readonly direction?: 'Ingress' | 'Egress';
  readonly ruleIndex?: number;
}

/**
 * A set of DFW objects: the groups and security policies of one or more clusters, as NSX would hold them.
 * `origins` maps policy and rule paths to the Kubernetes rule they came from (np2dfw's own bookkeeping, not
 * part of what is sent to NSX).
 */
export interface DfwConfig {
  readonly groups: readonly Group[];
  readonly policies: readonly SecurityPolicy[];
  readonly origins: ReadonlyMap<string, Origin>;
}
