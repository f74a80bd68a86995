// The `contrail` target: the NetworkPolicies as Contrail (Tungsten Fabric) firewall objects, evaluated by the
// Contrail engine with the NetworkPolicies left beside them.
import { contrailBoundaries } from '../evaluate/contrail/contrail-boundaries.ts';
import { createContrailEngine } from '../evaluate/contrail/contrail-engine.ts';
import { createKubernetesEngine } from '../evaluate/kubernetes/kubernetes-engine.ts';
import type { Cluster } from '../k8s/cluster.ts';
import { InvalidInputError, type InputProblem } from '../k8s/invalid-input.ts';
import { structuredDocuments } from '../k8s/structured-documents.ts';
import { decodeContrailConfig } from '../realize/contrail/decode-contrail-config.ts';
import { realizeContrail, type ContrailOptions, type ContrailRealization } from '../realize/contrail/realize-contrail.ts';
import { contrailConfigToJson, contrailConfigToTable } from '../realize/contrail/serialize.ts';
import { builtFromInput } from './existing.ts';
import type { BuiltTarget, Emitter, ExistingBuilder, Target, TargetBuilder } from './target.ts';

/** The engine of a Contrail realization: its firewall objects, then the NetworkPolicies it left in the cluster. */
export function contrailTargetOf(cluster: Cluster, r: ContrailRealization, name = 'contrail'): BuiltTarget {
  const kubernetes = r.remaining.length ? createKubernetesEngine(cluster, { policies: r.remaining, name: `${name}:kubernetes` }) : undefined;
  return { engine: createContrailEngine({ cluster, config: r.config, ...(kubernetes ? { kubernetes } : {}), name }), refusals: r.refusals, boundaries: contrailBoundaries(r.config) };
}

/** Builds the Contrail target with explicit options (e.g. seed 002's deny-rule encoding of `except`). */
export function buildContrailTargetWith(cluster: Cluster, options: ContrailOptions): BuiltTarget {
  return contrailTargetOf(cluster, realizeContrail(cluster, options), options.exceptEncoding === 'deny-rules' ? 'contrail-deny-except' : 'contrail');
}

/** `--target contrail`: the NetworkPolicies as Contrail firewall objects. */
export const buildContrailTarget: TargetBuilder = (cluster, options) => buildContrailTargetWith(cluster, options);

/** `np2dfw convert --target contrail`: Contrail config API objects (`-o json`) or seed 002's rule tables (`-o table`). */
export const CONTRAIL_EMITTER: Emitter = {
  formats: ['json', 'table'],
  emit(cluster, options) {
    const r = realizeContrail(cluster, options);
    return { text: options.format === 'table' ? contrailConfigToTable(r.config) : contrailConfigToJson(r.config), refusals: r.refusals };
  },
};

/** `--against`: np2dfw's Contrail JSON (one input, one document). */
export const existingContrail: ExistingBuilder = (cluster, inputs) => {
  const problems: InputProblem[] = [];
  if (inputs.length !== 1) throw new InvalidInputError([{ path: [], message: `--against takes one Contrail configuration file, not ${inputs.length}` }]);
  const docs = structuredDocuments(inputs[0], problems);
  if (docs.length > 1) problems.push({ file: inputs[0].name, path: [], message: 'one JSON document expected' });
  const config = problems.length ? undefined : decodeContrailConfig(inputs[0].name, docs[0], cluster, problems);
  if (problems.length || !config) throw new InvalidInputError(problems);
  return { engine: builtFromInput(inputs, () => createContrailEngine({ cluster, config, name: 'contrail (existing)' })), boundaries: contrailBoundaries(config) };
};

/** The `contrail` target. */
export const CONTRAIL_TARGET: Target = { build: buildContrailTarget, emitter: CONTRAIL_EMITTER, existing: existingContrail };
