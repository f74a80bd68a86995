// The Kubernetes NetworkPolicies a conversion left (a mixed state) as a class-level stage of another form's
// pipeline, and what the form's classes must tell apart for it.
import type { NetworkPolicy, PolicyType } from '../../k8s/network-policy.ts';
import type { AddressRange } from '../../net/address-range.ts';
import type { Connection } from '../connection.ts';
import type { Decision, StageVerdict } from '../decision.ts';
import type { Endpoint } from '../endpoint.ts';
import { classStageOf } from './class-evaluator.ts';
import type { EndpointPartition } from './endpoint-partition.ts';
import { ipBlockRanges } from './endpoint-keys.ts';
import type { ClassStage } from './stage-pipeline.ts';

/** The NetworkPolicies left, as another form composes them (a KubernetesEngine over those policies). */
export interface RemainingPolicies {
  readonly policies: readonly NetworkPolicy[];
  /** The verdict alone, on the engine's compiled classes (fast). */
  stageVerdict(connection: Connection, direction: PolicyType): StageVerdict;
  /** The verdict with its reasons (for explain). */
  directionVerdict(connection: Connection, direction: PolicyType): { readonly verdict: StageVerdict; readonly decision: Decision };
}

/** The remaining policies when there are any: with none left, the stage is left out altogether. */
export function activeRemaining<R extends RemainingPolicies>(r: R | undefined): R | undefined {
  return r && r.policies.length > 0 ? r : undefined;
}

/** Every ipBlock of the policies, as address memberships the form's classes must tell apart. */
export function remainingAddressSets(r: RemainingPolicies | undefined): AddressRange[][] {
  const out: AddressRange[][] = [];
  for (const p of r?.policies ?? []) {
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const peer of rule.peers ?? []) if (peer.ipBlock) out.push(ipBlockRanges(peer.ipBlock.cidr, peer.ipBlock.except));
    }
  }
  return out;
}

/**
 * The stage over a partition whose classes refine the policies' (same namespace, labels, container ports and
 * ipBlock memberships: see `labelKey` and `remainingAddressSets`).
 */
export function remainingStage(r: RemainingPolicies, p: EndpointPartition, endpoints: readonly Endpoint[], direction: PolicyType): ClassStage {
  return { kind: 'classes', verdict: classStageOf(p, endpoints, direction, (c, d) => r.stageVerdict(c, d)) };
}
