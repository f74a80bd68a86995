// Which NetworkPolicies one batch (an import, a `convert`/`verify --only`) takes, and what it keeps when some are
// refused: the import API's `network_policy_ids` and `on_error`, decided once for every target.
import type { Cluster } from '../k8s/cluster.ts';
import type { NetworkPolicy } from '../k8s/network-policy.ts';

/** How a batch treats a policy that a target cannot express (the import API's `on_error`). */
export type BatchOnError = 'abort' | 'continue';

/** The refusal code of a uid asked for that no NetworkPolicy of the cluster has. */
export const POLICY_NOT_FOUND = 'NETWORK_POLICY_NOT_FOUND';

/** The refusal of a uid that names no policy (no namespace or name to give: only the uid). */
export interface UnknownPolicyRefusal {
  readonly namespace: '';
  readonly name: '';
  readonly uid: string;
  readonly code: typeof POLICY_NOT_FOUND;
  readonly path: 'metadata.uid';
  readonly message: string;
}

/** The policies a batch takes and the uids it refuses because no policy has them. */
export interface BatchSelection {
  /** In request order (each uid once), or every policy of the cluster in inventory order when none was asked for. */
  readonly policies: NetworkPolicy[];
  readonly unknown: UnknownPolicyRefusal[];
}

/** The policies named by `only` (in that order, duplicates once; unknown uids refused), or every policy. */
export function selectBatch(cluster: Cluster, only: readonly string[] | undefined): BatchSelection {
  if (!only) return { policies: [...cluster.policies], unknown: [] };
  const byUid = new Map(cluster.policies.map((p) => [p.uid, p]));
  const policies: NetworkPolicy[] = [];
  const unknown: UnknownPolicyRefusal[] = [];
  for (const uid of new Set(only)) {
    const p = byUid.get(uid);
    if (p) policies.push(p);
    else unknown.push({ namespace: '', name: '', uid, code: POLICY_NOT_FOUND, path: 'metadata.uid', message: `no NetworkPolicy of cluster ${cluster.name} has uid ${uid}` });
  }
  return { policies, unknown };
}

/** Whether the batch is aborted: with `abort` (the default) one refused policy leaves the whole batch unconverted. */
export function batchAborts(onError: BatchOnError | undefined, refusedCount: number): boolean {
  return (onError ?? 'abort') === 'abort' && refusedCount > 0;
}

/** What a batch keeps of what it converted: nothing when it aborts (see `batchAborts`), else everything. */
export function keptByBatch<T>(onError: BatchOnError | undefined, refusedCount: number, converted: readonly T[]): T[] {
  return batchAborts(onError, refusedCount) ? [] : [...converted];
}
