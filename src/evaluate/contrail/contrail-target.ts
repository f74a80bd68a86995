import type { Cluster } from '../../k8s/cluster.ts';
import { realizeContrail, type ContrailOptions, type ContrailRealization } from '../../realize/contrail/realize-contrail.ts';
import { createKubernetesEngine } from '../kubernetes/kubernetes-engine.ts';
import type { BuiltTarget, TargetBuilder } from '../target.ts';
import { contrailBoundaries } from './contrail-boundaries.ts';
import { createContrailEngine } from './contrail-engine.ts';

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
