// `--against FILE`: a target's configuration as it already exists (an NSX export or API dump, Antrea objects from
// `kubectl get -o yaml`, a Contrail config), evaluated in place of np2dfw's conversion. The file is hostile input:
// it is decoded and validated into the target's model; whatever cannot be evaluated is an InvalidInputError
// naming the object and the field (the CLI exits 2), never left out.
import type { Cluster } from '../k8s/cluster.ts';
import { formatProblem, InvalidInputError, type InputProblem } from '../k8s/invalid-input.ts';
import { decodeObjects } from '../k8s/load-cluster.ts';
import { parseDocuments, type RawObject } from '../k8s/parse-documents.ts';
import type { InputText } from '../k8s/read-inputs.ts';
import { structuredDocuments } from '../k8s/structured-documents.ts';
import { decodeNsxConfig } from '../model/decode/decode-nsx-config.ts';
import { GroupExpressionError } from '../model/group-expression.ts';
import { clusterControlPlanePath, idOfPath } from '../model/paths.ts';
import { DEFAULT_ANTREA_VERSION, type AntreaVersion } from '../realize/antrea/antrea-version.ts';
import { decodeAntreaObjects } from '../realize/antrea/decode/decode-antrea-objects.ts';
import { decodeContrailConfig } from '../realize/contrail/decode-contrail-config.ts';
import { createAntreaEngine } from './antrea/antrea-engine.ts';
import { AntreaModelError } from './antrea/antrea-membership.ts';
import { ContrailModelError, createContrailEngine } from './contrail/contrail-engine.ts';
import { createDfwEngine } from './dfw/dfw-engine.ts';
import type { ReachabilityEngine } from './engine.ts';
import type { TargetBoundaries } from './target.ts';
import { antreaBoundaries } from './antrea/antrea-boundaries.ts';
import { contrailBoundaries } from './contrail/contrail-boundaries.ts';
import { dfwBoundaries } from './dfw/dfw-boundaries.ts';
import { createKubernetesEngine } from './kubernetes/kubernetes-engine.ts';

/** How to read an existing configuration. */
export interface ExistingOptions {
  /** The Antrea release whose API server holds the objects (antrea, nsx-antrea); default DEFAULT_ANTREA_VERSION. */
  readonly antreaVersion?: AntreaVersion;
  /** Told each warning (a field the API server prunes, a policy that takes no part), as one line. */
  readonly onWarning?: (line: string) => void;
}

/** An existing configuration's engine, and what its objects name (verify cuts its classes there too). */
export interface ExistingTarget {
  readonly engine: ReachabilityEngine;
  readonly boundaries: TargetBoundaries;
}

/** Builds the engine of an existing configuration given as input texts, against the cluster's pods. */
export type ExistingBuilder = (cluster: Cluster, inputs: readonly InputText[], options: ExistingOptions) => ExistingTarget;

/** Builds an engine, turning a model error (a reference the decoders did not catch) into invalid input. */
function built(inputs: readonly InputText[], make: () => ReachabilityEngine): ReachabilityEngine {
  try {
    return make();
  } catch (e) {
    if (e instanceof AntreaModelError || e instanceof ContrailModelError || e instanceof GroupExpressionError) {
      throw new InvalidInputError([{ file: inputs.map((i) => i.name).join(', '), path: [], message: e.message }]);
    }
    throw e;
  }
}

/** NSX: every input's groups, security policies, rules and services together, evaluated by the DFW engine. */
const existingNsx: ExistingBuilder = (cluster, inputs, options) => {
  const problems: InputProblem[] = [];
  const docs = inputs.flatMap((input) => structuredDocuments(input, problems).map((value) => ({ file: input.name, value })));
  const decoded = decodeNsxConfig(docs, problems);
  if (problems.length) throw new InvalidInputError(problems);
  for (const w of decoded.warnings) options.onWarning?.(formatProblem(w));
  // The DFW engine evaluates the policies spanning this cluster: say which ones span only others.
  const here = clusterControlPlanePath(cluster.name);
  for (const p of decoded.config.policies) {
    const spans = p.scope.filter((s) => s.includes('/cluster-control-planes/'));
    if (spans.length && !spans.includes(here)) options.onWarning?.(`SecurityPolicy ${p.path}: spans ${spans.map(idOfPath).join(', ')}, not this cluster (--cluster ${cluster.name}): it takes no part here`);
  }
  return { engine: built(inputs, () => createDfwEngine(decoded.config, cluster, { name: 'nsx (existing)' })), boundaries: dfwBoundaries(decoded.config) };
};

/**
 * Antrea: Tiers, ClusterGroups and ClusterNetworkPolicies as the release keeps them, then the Kubernetes
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
    return { engine: built(inputs, () => createAntreaEngine({ cluster, objects: decoded.objects, ...(kubernetes ? { kubernetes } : {}), name })), boundaries: antreaBoundaries(decoded.objects) };
  };
}

/** Contrail: np2dfw's Contrail JSON (one input, one document). */
const existingContrail: ExistingBuilder = (cluster, inputs) => {
  const problems: InputProblem[] = [];
  if (inputs.length !== 1) throw new InvalidInputError([{ path: [], message: `--against takes one Contrail configuration file, not ${inputs.length}` }]);
  const docs = structuredDocuments(inputs[0], problems);
  if (docs.length > 1) problems.push({ file: inputs[0].name, path: [], message: 'one JSON document expected' });
  const config = problems.length ? undefined : decodeContrailConfig(inputs[0].name, docs[0], cluster, problems);
  if (problems.length || !config) throw new InvalidInputError(problems);
  return { engine: built(inputs, () => createContrailEngine({ cluster, config, name: 'contrail (existing)' })), boundaries: contrailBoundaries(config) };
};

/** Every target `--against` can read, by `--target` / `--via` name. */
export const EXISTING_TARGETS: ReadonlyMap<string, ExistingBuilder> = new Map<string, ExistingBuilder>([
  ['nsx', existingNsx],
  ['antrea', existingAntrea('antrea (existing)')],
  ['nsx-antrea', existingAntrea('nsx-antrea (existing)')],
  ['contrail', existingContrail],
]);
