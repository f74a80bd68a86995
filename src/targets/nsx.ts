// The `nsx` target: the cluster's NetworkPolicies converted to the DFW (seed 000), evaluated with the DFW engine;
// the policies not converted (refused under `continue`, or left out by `only`) stay NetworkPolicies after it.
import { stringify } from 'yaml';
import { convertCluster, convertOptionsFor, type ConversionResult, type ConvertOptions } from '../convert/convert-cluster.ts';
import { hierarchicalBody } from '../convert/nsx-api-body.ts';
import { formatRuleTables } from '../convert/nsx-rule-table.ts';
import { dfwBoundaries } from '../evaluate/dfw/dfw-boundaries.ts';
import { createDfwEngine, type DfwEngine } from '../evaluate/dfw/dfw-engine.ts';
import { createKubernetesEngine } from '../evaluate/kubernetes/kubernetes-engine.ts';
import type { Cluster } from '../k8s/cluster.ts';
import { formatProblem, InvalidInputError, type InputProblem } from '../k8s/invalid-input.ts';
import { structuredDocuments } from '../k8s/structured-documents.ts';
import { decodeNsxConfig } from '../model/decode/decode-nsx-config.ts';
import { clusterControlPlanePath, idOfPath } from '../model/paths.ts';
import { builtFromInput } from './existing.ts';
import type { Emitter, ExistingBuilder, Target, TargetBuilder } from './target.ts';

/** The state a conversion leaves: the DFW engine (with the unconverted policies after it) and the conversion. */
export interface NsxState {
  readonly engine: DfwEngine;
  readonly conversion: ConversionResult;
}

/**
 * Converts a batch and builds the engine of the state it leaves. With `onError: 'abort'` and a refusal nothing
 * is converted, so the engine is the cluster unchanged (every NetworkPolicy still Kubernetes'); callers report
 * the refusals instead of using it.
 */
export function buildNsxState(cluster: Cluster, options: ConvertOptions): NsxState {
  const conversion = convertCluster(cluster, options);
  const converted = new Set(conversion.convertedUids);
  const remaining = createKubernetesEngine(cluster, { policies: cluster.policies.filter((p) => !converted.has(p.uid)), name: 'kubernetes (not converted)' });
  return { engine: createDfwEngine(conversion.config, cluster, { remaining }), conversion };
}

/** The `nsx` TargetBuilder: honours onError, only, placement and the sequence numbers. */
export const buildNsxTarget: TargetBuilder = (cluster, options) => {
  const state = buildNsxState(cluster, convertOptionsFor(options, 'nsx'));
  return { engine: state.engine, refusals: state.conversion.refusals, boundaries: dfwBoundaries(state.conversion.config) };
};

/**
 * `np2dfw convert --target nsx`: `-o table` (seed 000's rule tables), `-o json` (the body of
 * `PATCH /policy/api/v1/infra`), `-o yaml` (the same body as YAML). Always the `nsx` profile: no np2dfw
 * extension ever reaches NSX.
 */
export const NSX_EMITTER: Emitter = {
  formats: ['table', 'json', 'yaml'],
  emit(cluster, options) {
    const result = convertCluster(cluster, convertOptionsFor(options, 'nsx'));
    const body = hierarchicalBody(result.config);
    const text = options.format === 'json' ? `${JSON.stringify(body, null, 2)}\n`
      : options.format === 'yaml' ? stringify(body)
      : formatRuleTables(result.config);
    return { text, refusals: result.refusals };
  },
};

/** `--against`: every input's groups, security policies, rules and services together, evaluated by the DFW engine. */
export const existingNsx: ExistingBuilder = (cluster, inputs, options) => {
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
  return { engine: builtFromInput(inputs, () => createDfwEngine(decoded.config, cluster, { name: 'nsx (existing)' })), boundaries: dfwBoundaries(decoded.config) };
};

/** The `nsx` target. */
export const NSX_TARGET: Target = { build: buildNsxTarget, emitter: NSX_EMITTER, existing: existingNsx };
