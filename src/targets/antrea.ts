// The `antrea` and `nsx-antrea` targets: the NetworkPolicies realized as Antrea ClusterNetworkPolicies (directly,
// or through the NSX conversion as the NSX adapter realizes it), evaluated by the Antrea engine as the release's
// API server keeps the objects, with the NetworkPolicies left beside them. `convert` checks what it would print
// against the release's CRD schemas and Antrea's admission rules first, and prints nothing Antrea would reject.
import { AntreaModelError } from '../evaluate/antrea/antrea-membership.ts';
import { antreaBoundaries } from '../evaluate/antrea/antrea-boundaries.ts';
import { createAntreaEngine } from '../evaluate/antrea/antrea-engine.ts';
import { createKubernetesEngine } from '../evaluate/kubernetes/kubernetes-engine.ts';
import type { Cluster } from '../k8s/cluster.ts';
import { formatFieldPath } from '../k8s/field-path.ts';
import { formatProblem, InvalidInputError, type InputProblem } from '../k8s/invalid-input.ts';
import { decodeObjects } from '../k8s/load-cluster.ts';
import { parseDocuments, type RawObject } from '../k8s/parse-documents.ts';
import type { AntreaObjects } from '../realize/antrea/antrea-objects.ts';
import { crdSchemaDir, DEFAULT_ANTREA_VERSION, formatAntreaVersion, type AntreaVersion } from '../realize/antrea/antrea-version.ts';
import { antreaInputsOf, decodeAntreaObjects } from '../realize/antrea/decode/decode-antrea-objects.ts';
import { CrdSchemaValidator, isAntreaKind, type SchemaProblem } from '../realize/antrea/validate/crd-schemas.ts';
import { pruneObject } from '../realize/antrea/validate/prune.ts';
import { validateAntreaObjects } from '../realize/antrea/validate/validate-objects.ts';
import { realizeAntreaDirect, realizeNsxAntrea, type AntreaRealization } from '../realize/antrea/realize-targets.ts';
import { antreaObjectsToJson, antreaObjectsToYaml } from '../realize/antrea/serialize.ts';
import { builtFromInput } from './existing.ts';
import type { BuiltTarget, Emitter, ExistingBuilder, Target, TargetBuilder, TargetOptions } from './target.ts';

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

/** Objects np2dfw was about to print that the Antrea release would reject: a defect of np2dfw, never printed. */
export class AntreaRejectsError extends Error {
  override readonly name = 'AntreaRejectsError';
  readonly problems: readonly SchemaProblem[];
  constructor(version: AntreaVersion, problems: readonly SchemaProblem[]) {
    const shown = problems.slice(0, 20).map((p) => `  ${p.object} ${p.path}: ${p.message}`);
    if (problems.length > shown.length) shown.push(`  ... (${problems.length - shown.length} more)`);
    super(`np2dfw would write objects that Antrea ${formatAntreaVersion(version)} rejects (its CRD schemas, unknown fields counted, ` +
      `or its admission webhook), so nothing was written; this is a defect of np2dfw, please report it with the input:\n${shown.join('\n')}`);
    this.problems = problems;
  }
}

const validators = new Map<string, CrdSchemaValidator>();

/** What the release's API server and admission webhook would reject of objects applied together (empty: nothing). */
export function antreaRejections(objects: AntreaObjects, version: AntreaVersion): SchemaProblem[] {
  const key = formatAntreaVersion(version);
  let validator = validators.get(key);
  if (!validator) validators.set(key, (validator = new CrdSchemaValidator(crdSchemaDir(version))));
  return validateAntreaObjects(objects, validator);
}

/**
 * `convert --target antrea|nsx-antrea`: the realization's objects as `-o yaml` (default) or `-o json`, once the
 * release's CRD schemas and admission rules take every one of them (AntreaRejectsError otherwise).
 */
export function antreaEmitter(realize: (cluster: Cluster, options: TargetOptions) => AntreaRealization): Emitter {
  return {
    formats: ['yaml', 'json'],
    emit(cluster, options) {
      const r = realize(cluster, options);
      const version = options.antreaVersion ?? DEFAULT_ANTREA_VERSION;
      const problems = antreaRejections(r.objects, version);
      if (problems.length) throw new AntreaRejectsError(version, problems);
      const text = options.format === 'json' ? antreaObjectsToJson(r.objects) : antreaObjectsToYaml(r.objects);
      return { text, refusals: r.refusals };
    },
  };
}

/**
 * `--against`: Tiers, ClusterGroups and ClusterNetworkPolicies as the release keeps them, then the Kubernetes
 * NetworkPolicies of the same stream (those still in the cluster), then baseline, as the Antrea agent enforces.
 */
function existingAntrea(name: string): ExistingBuilder {
  return (cluster, inputs, options) => {
    const problems: InputProblem[] = [];
    const antrea: RawObject[] = [];
    const networkPolicies: RawObject[] = [];
    for (const input of inputs) {
      for (const raw of parseDocuments(input, problems)) (raw.kind === 'NetworkPolicy' && raw.apiVersion === 'networking.k8s.io/v1' ? networkPolicies : antrea).push(raw);
    }
    const decoded = decodeAntreaObjects(antrea, options.antreaVersion ?? DEFAULT_ANTREA_VERSION, problems);
    const remaining = decodeObjects(networkPolicies, problems, { cluster: cluster.name }).policies;
    if (problems.length) throw new InvalidInputError(problems);
    for (const w of decoded.pruned) options.onWarning?.(formatProblem(w));
    const kubernetes = remaining.length ? createKubernetesEngine(cluster, { policies: remaining, name: `${name}:kubernetes` }) : undefined;
    return { engine: builtFromInput(inputs, () => createAntreaEngine({ cluster, objects: decoded.objects, ...(kubernetes ? { kubernetes } : {}), name })), boundaries: antreaBoundaries(decoded.objects) };
  };
}

/** `antrea`: ClusterNetworkPolicies straight from the NetworkPolicies. */
export const ANTREA_TARGET: Target = { build: buildAntreaTarget, emitter: antreaEmitter(realizeAntreaDirect), existing: existingAntrea('antrea (existing)') };

/** `nsx-antrea`: what the NSX adapter creates in the cluster for the NSX conversion. */
export const NSX_ANTREA_TARGET: Target = { build: buildNsxAntreaTarget, emitter: antreaEmitter(realizeNsxAntrea), existing: existingAntrea('nsx-antrea (existing)') };
