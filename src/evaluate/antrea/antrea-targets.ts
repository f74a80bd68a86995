import type { Cluster } from '../../k8s/cluster.ts';
import { formatFieldPath } from '../../k8s/field-path.ts';
import type { AntreaObjects } from '../../realize/antrea/antrea-objects.ts';
import { DEFAULT_ANTREA_VERSION, formatAntreaVersion, type AntreaVersion } from '../../realize/antrea/antrea-version.ts';
import { antreaInputsOf } from '../../realize/antrea/decode/decode-antrea-objects.ts';
import { isAntreaKind } from '../../realize/antrea/validate/crd-schemas.ts';
import { pruneObject } from '../../realize/antrea/validate/prune.ts';
import type { AntreaRealization } from '../../realize/antrea/realize-targets.ts';
import { realizeAntreaDirect, realizeNsxAntrea } from '../../realize/antrea/realize-targets.ts';
import { createKubernetesEngine } from '../kubernetes/kubernetes-engine.ts';
import type { BuiltTarget, TargetBuilder } from '../target.ts';
import { antreaBoundaries } from './antrea-boundaries.ts';
import { createAntreaEngine } from './antrea-engine.ts';
import { AntreaModelError } from './antrea-membership.ts';

/**
 * What the release's API server keeps of objects np2dfw applies: each is pruned with the release's CRD schemas, as
 * the API server prunes unknown fields. np2dfw writes only what the release takes (tests validate its objects
 * against each release's schemas and Antrea's admission rules), so nothing may be pruned: if something were, the
 * stored object would not mean what np2dfw wrote, and the engine is not built on it.
 */
export function keptByApiServer(objects: AntreaObjects, version: AntreaVersion): AntreaObjects {
  const pruned: string[] = [];
  for (const input of antreaInputsOf(objects)) {
    if (!isAntreaKind(input.kind)) continue;
    for (const path of pruneObject(input.kind, input.body, version).pruned) pruned.push(`${input.kind}/${String(objectName(input.body))}: ${formatFieldPath(path)}`);
  }
  if (pruned.length) {
    throw new AntreaModelError(`the objects written for Antrea ${formatAntreaVersion(version)} are not kept as written: its API server prunes\n${pruned.slice(0, 20).map((p) => `  ${p}`).join('\n')}`);
  }
  return objects;
}

function objectName(body: Record<string, unknown>): unknown {
  const m = body.metadata;
  return m !== null && typeof m === 'object' && 'name' in m ? m.name : undefined;
}

/** The engine of a realization: its Antrea objects as the release keeps them, then the NetworkPolicies it left. */
export function antreaTargetOf(cluster: Cluster, r: AntreaRealization, name: string, version: AntreaVersion = DEFAULT_ANTREA_VERSION): BuiltTarget {
  const kubernetes = r.remaining.length ? createKubernetesEngine(cluster, { policies: r.remaining, name: `${name}:kubernetes` }) : undefined;
  const objects = keptByApiServer(r.objects, version);
  return { engine: createAntreaEngine({ cluster, objects, ...(kubernetes ? { kubernetes } : {}), name }), refusals: r.refusals, boundaries: antreaBoundaries(objects) };
}

/** `--target antrea`: the NetworkPolicies realized directly as Antrea ClusterNetworkPolicies. */
export const buildAntreaTarget: TargetBuilder = (cluster, options) => antreaTargetOf(cluster, realizeAntreaDirect(cluster, options), 'antrea', options.antreaVersion);

/** `--target nsx-antrea`: the NSX conversion as the NSX adapter realizes it in the cluster. */
export const buildNsxAntreaTarget: TargetBuilder = (cluster, options) => antreaTargetOf(cluster, realizeNsxAntrea(cluster, options), 'nsx-antrea', options.antreaVersion);
