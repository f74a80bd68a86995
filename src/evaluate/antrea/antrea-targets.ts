import type { Cluster } from '../../k8s/cluster.ts';
import { formatProblem, type InputProblem } from '../../k8s/invalid-input.ts';
import type { AntreaObjects } from '../../realize/antrea/antrea-objects.ts';
import { DEFAULT_ANTREA_VERSION, formatAntreaVersion, type AntreaVersion } from '../../realize/antrea/antrea-version.ts';
import { antreaInputsOf, decodeAntreaObjects } from '../../realize/antrea/decode/decode-antrea-objects.ts';
import type { AntreaRealization } from '../../realize/antrea/realize-targets.ts';
import { realizeAntreaDirect, realizeNsxAntrea } from '../../realize/antrea/realize-targets.ts';
import { createKubernetesEngine } from '../kubernetes/kubernetes-engine.ts';
import type { BuiltTarget, TargetBuilder } from '../target.ts';
import { createAntreaEngine } from './antrea-engine.ts';
import { AntreaModelError } from './antrea-membership.ts';

/**
 * What the release's API server keeps of objects np2dfw applies: pruned with its CRD schemas, then read back.
 * np2dfw writes only what the release takes, so nothing may be pruned or refused; if something were, that is
 * np2dfw's own bug and the engine is not built on it.
 */
export function keptByApiServer(objects: AntreaObjects, version: AntreaVersion): AntreaObjects {
  const problems: InputProblem[] = [];
  const kept = decodeAntreaObjects(antreaInputsOf(objects), version, problems);
  const all = [...kept.pruned, ...problems];
  if (all.length) {
    throw new AntreaModelError(`the objects written for Antrea ${formatAntreaVersion(version)} are not kept as written:\n${all.slice(0, 20).map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  }
  return kept.objects;
}

/** The engine of a realization: its Antrea objects as the release keeps them, then the NetworkPolicies it left. */
export function antreaTargetOf(cluster: Cluster, r: AntreaRealization, name: string, version: AntreaVersion = DEFAULT_ANTREA_VERSION): BuiltTarget {
  const kubernetes = r.remaining.length ? createKubernetesEngine(cluster, { policies: r.remaining, name: `${name}:kubernetes` }) : undefined;
  const objects = keptByApiServer(r.objects, version);
  return { engine: createAntreaEngine({ cluster, objects, ...(kubernetes ? { kubernetes } : {}), name }), refusals: r.refusals };
}

/** `--target antrea`: the NetworkPolicies realized directly as Antrea ClusterNetworkPolicies. */
export const buildAntreaTarget: TargetBuilder = (cluster, options) => antreaTargetOf(cluster, realizeAntreaDirect(cluster, options), 'antrea', options.antreaVersion);

/** `--target nsx-antrea`: the NSX conversion as the NSX adapter realizes it in the cluster. */
export const buildNsxAntreaTarget: TargetBuilder = (cluster, options) => antreaTargetOf(cluster, realizeNsxAntrea(cluster, options), 'nsx-antrea', options.antreaVersion);
