// The two Antrea realizations np2dfw offers, from a cluster: `antrea` (direct, no NSX limit) and `nsx-antrea`
// (the NSX conversion of seed 000, as the NSX adapter realizes it in the cluster; NSX's refusals apply).
import { convertCluster, convertOptionsFor } from '../../convert/convert-cluster.ts';
import type { Cluster } from '../../k8s/cluster.ts';
import type { NetworkPolicy } from '../../k8s/network-policy.ts';
import type { BatchOptions, Refusal } from '../../convert/batch-options.ts';
import { keptByBatch, selectBatch } from '../../model/batch-selection.ts';
import type { AntreaObjects } from './antrea-objects.ts';
import { DEFAULT_ANTREA_VERSION, type AntreaVersion } from './antrea-version.ts';
import { objectsForVersion } from './for-version.ts';
import { hostNetworkNamedPortCheck } from '../common/host-network-named-ports.ts';
import { realizeClusterDirect } from './realize-cluster.ts';
import { realizeDfwConfig } from './realize-dfw.ts';

/** A batch's options for Antrea: the batch, and the Antrea release written for (default DEFAULT_ANTREA_VERSION). */
export type AntreaBatchOptions = Partial<BatchOptions> & { readonly antreaVersion?: AntreaVersion };

/** A realization: the objects, what was refused, and the NetworkPolicies left in the cluster (a mixed state). */
export interface AntreaRealization {
  /** The Antrea objects. */
  readonly objects: AntreaObjects;
  /** The policies refused, with code, field and reason. */
  readonly refusals: readonly Refusal[];
  /** The NetworkPolicies that were not realized and stay in force. */
  readonly remaining: readonly NetworkPolicy[];
}

/**
 * `antrea`: the selected NetworkPolicies as ACNPs, natively. Refused: unknown uids, and policies whose egress named
 * port a hostNetwork pod declares (Antrea does not resolve named ports there). With `onError: 'abort'` (default) a
 * refusal leaves the whole batch unrealized, as the import API does. Written for `antreaVersion` (before 2.2:
 * no `except`, the positive CIDRs instead).
 */
export function realizeAntreaDirect(cluster: Cluster, options: Pick<AntreaBatchOptions, 'only' | 'onError' | 'antreaVersion'> = {}): AntreaRealization {
  const batch = selectBatch(cluster, options.only);
  const refusals: Refusal[] = [...batch.unknown];
  const hostCheck = hostNetworkNamedPortCheck(cluster);
  const policies = batch.policies.filter((p) => {
    const r = hostCheck(p);
    if (r) refusals.push(r);
    return !r;
  });
  const kept = keptByBatch(options.onError, refusals.length, policies);
  const done = new Set(kept.map((p) => p.uid));
  const objects = objectsForVersion(realizeClusterDirect(cluster, kept), options.antreaVersion ?? DEFAULT_ANTREA_VERSION);
  return { objects, refusals, remaining: cluster.policies.filter((p) => !done.has(p.uid)) };
}

/** `nsx-antrea`: the NSX conversion (profile nsx, with its placement and on_error), realized as the adapter does. */
export function realizeNsxAntrea(cluster: Cluster, options: AntreaBatchOptions = {}): AntreaRealization {
  const result = convertCluster(cluster, convertOptionsFor(options, 'nsx'));
  const done = new Set(result.convertedUids);
  const objects = objectsForVersion(realizeDfwConfig(result.config), options.antreaVersion ?? DEFAULT_ANTREA_VERSION);
  return { objects, refusals: result.refusals, remaining: cluster.policies.filter((p) => !done.has(p.uid)) };
}
