import { NAMESPACE_NAME_LABEL } from './labels.ts';
import type { Namespace } from './namespace.ts';
import type { NetworkPolicy } from './network-policy.ts';
import type { Pod } from './pod.ts';

/** Everything np2dfw knows of one cluster: its namespaces, pods and NetworkPolicies. */
export interface Cluster {
  /** The cluster's name (`--cluster`), used in converted names and deterministic uids. */
  readonly name: string;
  /** Every namespace, declared or implied by a pod or a policy; sorted by name. */
  readonly namespaces: ReadonlyMap<string, Namespace>;
  /** Every pod, sorted by namespace/name. */
  readonly pods: readonly Pod[];
  /** Every NetworkPolicy, sorted by namespace/name. */
  readonly policies: readonly NetworkPolicy[];
}

/** The cluster name used when none is given. */
export const DEFAULT_CLUSTER_NAME = 'cluster';

/**
 * Assembles a cluster: adds the namespaces that pods and policies use without declaring them, gives every
 * namespace its `kubernetes.io/metadata.name` label, and sorts everything so that output is reproducible.
 */
export function buildCluster(
  name: string,
  parts: { namespaces?: readonly Namespace[]; pods?: readonly Pod[]; policies?: readonly NetworkPolicy[] },
): Cluster {
  const namespaces = new Map<string, Namespace>();
  for (const ns of parts.namespaces ?? []) {
    namespaces.set(ns.name, { ...ns, labels: { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name } });
  }
  const pods = [...(parts.pods ?? [])];
  const policies = [...(parts.policies ?? [])];
  for (const used of [...pods.map((p) => p.namespace), ...policies.map((p) => p.namespace)]) {
    if (!namespaces.has(used)) namespaces.set(used, { name: used, labels: { [NAMESPACE_NAME_LABEL]: used }, declared: false });
  }
  const byName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
    a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  // A Pod and a workload of the same name (and workloads of different kinds) are ordered by kind, Pod first.
  pods.sort((a, b) => byName(a, b) || ((a.workload ?? '') < (b.workload ?? '') ? -1 : (a.workload ?? '') > (b.workload ?? '') ? 1 : 0));
  policies.sort(byName);
  const sortedNs = new Map([...namespaces.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { name, namespaces: sortedNs, pods, policies };
}
