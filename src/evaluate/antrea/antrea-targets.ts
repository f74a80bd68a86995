import type { Cluster } from '../../k8s/cluster.ts';
import type { AntreaRealization } from '../../realize/antrea/realize-targets.ts';
import { realizeAntreaDirect, realizeNsxAntrea } from '../../realize/antrea/realize-targets.ts';
import { createKubernetesEngine } from '../kubernetes/kubernetes-engine.ts';
import type { BuiltTarget, TargetBuilder } from '../target.ts';
import { antreaBoundaries } from './antrea-boundaries.ts';
import { createAntreaEngine } from './antrea-engine.ts';

/** The engine of a realization: its Antrea objects, then the NetworkPolicies it left in the cluster. */
export function antreaTargetOf(cluster: Cluster, r: AntreaRealization, name: string): BuiltTarget {
  const kubernetes = r.remaining.length ? createKubernetesEngine(cluster, { policies: r.remaining, name: `${name}:kubernetes` }) : undefined;
  return { engine: createAntreaEngine({ cluster, objects: r.objects, ...(kubernetes ? { kubernetes } : {}), name }), refusals: r.refusals, boundaries: antreaBoundaries(r.objects) };
}

/** `--target antrea`: the NetworkPolicies realized directly as Antrea ClusterNetworkPolicies. */
export const buildAntreaTarget: TargetBuilder = (cluster, options) => antreaTargetOf(cluster, realizeAntreaDirect(cluster, options), 'antrea');

/** `--target nsx-antrea`: the NSX conversion as the NSX adapter realizes it in the cluster. */
export const buildNsxAntreaTarget: TargetBuilder = (cluster, options) => antreaTargetOf(cluster, realizeNsxAntrea(cluster, options), 'nsx-antrea');
