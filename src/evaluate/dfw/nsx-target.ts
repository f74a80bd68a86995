// The `nsx` target: the cluster's NetworkPolicies converted to the DFW (seed 000), evaluated with the DFW engine;
// the policies not converted (refused under `continue`, or left out by `only`) stay NetworkPolicies after it.
import { convertCluster, convertOptionsFor, type ConversionResult, type ConvertOptions } from '../../convert/convert-cluster.ts';
import type { Cluster } from '../../k8s/cluster.ts';
import { createKubernetesEngine } from '../kubernetes/kubernetes-engine.ts';
import type { BuiltTarget, TargetBuilder, TargetOptions } from '../target.ts';
import { dfwBoundaries } from './dfw-boundaries.ts';
import { createDfwEngine, type DfwEngine } from './dfw-engine.ts';

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
export const buildNsxTarget: TargetBuilder = (cluster: Cluster, options: TargetOptions): BuiltTarget => {
  const state = buildNsxState(cluster, convertOptionsFor(options, 'nsx'));
  return { engine: state.engine, refusals: state.conversion.refusals, boundaries: dfwBoundaries(state.conversion.config) };
};
