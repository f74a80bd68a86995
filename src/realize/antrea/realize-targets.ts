// The two Antrea realizations np2dfw offers, from a cluster: `antrea` (direct, no NSX limit) and `nsx-antrea`
// (the NSX conversion of seed 000, as the NSX adapter realizes it in the cluster; NSX's refusals apply).
import { convertCluster, convertOptionsFor } from '../../convert/convert-cluster.ts';
import { REFUSAL } from '../../convert/refusal-codes.ts';
import type { Cluster } from '../../k8s/cluster.ts';
import type { NetworkPolicy } from '../../k8s/network-policy.ts';
import type { Refusal, TargetOptions } from '../../evaluate/target.ts';
import type { AntreaObjects } from './antrea-objects.ts';
import { DEFAULT_ANTREA_VERSION } from './antrea-version.ts';
import { objectsForVersion } from './for-version.ts';
import { hostNetworkNamedPortCheck } from '../common/host-network-named-ports.ts';
import { realizeClusterDirect } from './realize-cluster.ts';
import { realizeDfwConfig } from './realize-dfw.ts';

/** A realization: the objects, what was refused, and the NetworkPolicies left in the cluster (a mixed state). */
export interface AntreaRealization {
  /** The Antrea objects. */
  readonly objects: AntreaObjects;
  /** The policies refused, with code, field and reason. */
  readonly refusals: readonly Refusal[];
  /** The NetworkPolicies that were not realized and stay in force. */
  readonly remaining: readonly NetworkPolicy[];
}

/** The policies named by `only` (in that order; unknown uids refused), or every policy. */
function selected(cluster: Cluster, only: readonly string[] | undefined, refusals: Refusal[]): NetworkPolicy[] {
  if (!only) return [...cluster.policies];
  const byUid = new Map(cluster.policies.map((p) => [p.uid, p]));
  const out: NetworkPolicy[] = [];
  for (const uid of new Set(only)) {
    const p = byUid.get(uid);
    if (p) out.push(p);
    else refusals.push({ namespace: '', name: '', uid, code: REFUSAL.NOT_FOUND, path: 'metadata.uid', message: `no NetworkPolicy of cluster ${cluster.name} has uid ${uid}` });
  }
  return out;
}

/**
 * `antrea`: the selected NetworkPolicies as ACNPs, natively. Refused: unknown uids, and policies whose egress named
 * port a hostNetwork pod declares (Antrea does not resolve named ports there). With `onError: 'abort'` (default) a
 * refusal leaves the whole batch unrealized, as the import API does. Written for `antreaVersion` (before 2.2:
 * no `except`, the positive CIDRs instead).
 */
export function realizeAntreaDirect(cluster: Cluster, options: Partial<Pick<TargetOptions, 'only' | 'onError' | 'antreaVersion'>> = {}): AntreaRealization {
  const refusals: Refusal[] = [];
  const hostCheck = hostNetworkNamedPortCheck(cluster);
  const policies = selected(cluster, options.only, refusals).filter((p) => {
    const r = hostCheck(p);
    if (r) refusals.push(r);
    return !r;
  });
  const kept = (options.onError ?? 'abort') === 'abort' && refusals.length ? [] : policies;
  const done = new Set(kept.map((p) => p.uid));
  const objects = objectsForVersion(realizeClusterDirect(cluster, kept), options.antreaVersion ?? DEFAULT_ANTREA_VERSION);
  return { objects, refusals, remaining: cluster.policies.filter((p) => !done.has(p.uid)) };
}

/** `nsx-antrea`: the NSX conversion (profile nsx, with its placement and on_error), realized as the adapter does. */
export function realizeNsxAntrea(cluster: Cluster, options: Partial<TargetOptions> = {}): AntreaRealization {
  const result = convertCluster(cluster, convertOptionsFor(options, 'nsx'));
  const done = new Set(result.convertedUids);
  const objects = objectsForVersion(realizeDfwConfig(result.config), options.antreaVersion ?? DEFAULT_ANTREA_VERSION);
  return { objects, refusals: result.refusals, remaining: cluster.policies.filter((p) => !done.has(p.uid)) };
}
