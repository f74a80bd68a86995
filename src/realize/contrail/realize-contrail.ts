// NetworkPolicies -> Contrail (Tungsten Fabric) firewall objects: the structure CN2's kube-manager builds (tags,
// address groups, one firewall policy per NetworkPolicy, one application policy set per cluster, a deny-all
// policy after every allow, an allow-all tail), corrected where seed 002's system is wrong: `except` becomes
// address groups of the positive CIDRs (never deny rules, which shadow what another peer or policy allows), a port
// without protocol is TCP (the decoder's default), `endPort` is kept, and every rule name is unique.
import type { BatchOptions, Refusal } from '../../convert/batch-options.ts';
import type { Cluster } from '../../k8s/cluster.ts';
import type { NetworkPolicy } from '../../k8s/network-policy.ts';
import { podId } from '../../k8s/pod.ts';
import { batchAborts, POLICY_NOT_FOUND, selectBatch } from '../../model/batch-selection.ts';
import { hostNetworkNamedPortCheck } from '../common/host-network-named-ports.ts';
import { anyService, ContrailObjectsBuilder, policyAnnotations, refOf } from './contrail-builder.ts';
import { POLICY_MANAGEMENT, type ApplicationPolicySet, type ContrailConfig, type FirewallPolicy, type SequencedRef, type WorkloadTags } from './contrail-objects.ts';
import { policyPrefix, policyRules, type ExceptEncoding, type PolicyContext } from './contrail-policy.ts';
import { clusterTag, podTags } from './tagging.ts';

export type { ExceptEncoding } from './contrail-policy.ts';

/** Stable refusal codes of the Contrail target. */
export const CONTRAIL_REFUSAL = {
  /** Reserved: every NetworkPolicy has a Contrail form today (named ports and selector operators via derived tags). */
  UNSUPPORTED: 'CONTRAIL_UNSUPPORTED',
  /** A uid asked for that no NetworkPolicy has. */
  NOT_FOUND: POLICY_NOT_FOUND,
} as const;

/** Options of the Contrail realization. */
export interface ContrailOptions extends Partial<BatchOptions> {
  /** Default `address-groups`; `deny-rules` reproduces seed 002's system (for showing that it is wrong). */
  readonly exceptEncoding?: ExceptEncoding;
}

/** A realization: the objects, the refused policies, and the NetworkPolicies left unconverted. */
export interface ContrailRealization {
  /** The objects. */
  readonly config: ContrailConfig;
  /** The policies refused, with code, field and reason. */
  readonly refusals: readonly Refusal[];
  /** The NetworkPolicies not realized, which stay in force. */
  readonly remaining: readonly NetworkPolicy[];
}

/** What the policies of a batch became: a firewall policy each, and the refs of their deny-all rules, in order. */
interface RealizedPolicies {
  readonly firewallPolicies: FirewallPolicy[];
  readonly denyRefs: SequencedRef[];
  readonly converted: NetworkPolicy[];
}

/** The firewall policy of one NetworkPolicy: its own rules in order. */
function firewallPolicyOf(cluster: Cluster, policy: NetworkPolicy, rules: readonly { readonly fq_name: readonly string[] }[]): FirewallPolicy {
  const name = policyPrefix(cluster, policy);
  return {
    fq_name: [POLICY_MANAGEMENT, name], parent_type: 'policy-management', name,
    firewall_rule_refs: rules.map((r, i) => refOf(r.fq_name, i)),
    annotations: { key_value_pair: policyAnnotations(cluster.name, policy) },
  };
}

/**
 * Realizes the policies the batch took, in order. A policy is refused before anything of it is built (a named
 * egress port of a hostNetwork pod is the only reason today), so a refusal leaves nothing behind.
 */
function realizePolicies(ctx: PolicyContext, policies: readonly NetworkPolicy[], refusals: Refusal[]): RealizedPolicies {
  const out: RealizedPolicies = { firewallPolicies: [], denyRefs: [], converted: [] };
  const hostCheck = hostNetworkNamedPortCheck(ctx.cluster);
  for (const policy of policies) {
    const refusal = hostCheck(policy);
    if (refusal) {
      refusals.push(refusal);
      continue;
    }
    const { own, denies } = policyRules(ctx, policy);
    out.firewallPolicies.push(firewallPolicyOf(ctx.cluster, policy, own));
    for (const d of denies) out.denyRefs.push(refOf(d.fq_name, out.denyRefs.length));
    out.converted.push(policy);
  }
  return out;
}

/** The deny-all policy after every NetworkPolicy's, and kube-manager's allow-all tail. */
function clusterPolicies(objects: ContrailObjectsBuilder, denyRefs: readonly SequencedRef[]): [FirewallPolicy, FirewallPolicy] {
  const cluster = objects.cluster;
  const denyAll: FirewallPolicy = {
    fq_name: [POLICY_MANAGEMENT, `${cluster}-denyall`], parent_type: 'policy-management', name: `${cluster}-denyall`,
    firewall_rule_refs: [...denyRefs],
  };
  const out = objects.rule(`${cluster}-allowall`, { action: 'pass', service: anyService(), endpoint1: { any: true }, endpoint2: { any: true }, direction: '>' });
  const back = objects.rule(`${cluster}-allowall-in`, { action: 'pass', service: anyService(), endpoint1: { any: true }, endpoint2: { any: true }, direction: '<' });
  const allowAll: FirewallPolicy = {
    fq_name: [POLICY_MANAGEMENT, `${cluster}-allowall`], parent_type: 'policy-management', name: `${cluster}-allowall`,
    firewall_rule_refs: [refOf(out.fq_name, 0), refOf(back.fq_name, 1)],
    annotations: { key_value_pair: [{ key: 'tail', value: 'True' }] },
  };
  return [denyAll, allowAll];
}

/** The cluster's application policy set: every firewall policy in order, tagged with the cluster. */
function applicationPolicySet(cluster: string, ordered: readonly FirewallPolicy[]): ApplicationPolicySet {
  return {
    fq_name: [POLICY_MANAGEMENT, cluster], parent_type: 'policy-management', name: cluster,
    firewall_policy_refs: ordered.map((p, i) => refOf(p.fq_name, i)),
    tag_refs: [{ to: [clusterTag(cluster)] }],
  };
}

/** Builds the objects of a cluster; policies a tag cannot express are refused one by one. */
export function realizeContrail(cluster: Cluster, options: ContrailOptions = {}): ContrailRealization {
  const batch = selectBatch(cluster, options.only);
  const refusals: Refusal[] = [...batch.unknown];
  const objects = new ContrailObjectsBuilder(cluster.name);
  const ctx: PolicyContext = { cluster, encoding: options.exceptEncoding ?? 'address-groups', objects };
  let realized = realizePolicies(ctx, batch.policies, refusals);
  if (batchAborts(options.onError, refusals.length)) {
    objects.clear();
    realized = { firewallPolicies: [], denyRefs: [], converted: [] };
  }
  const { firewallPolicies, denyRefs, converted } = realized;
  // Every tag a workload carries exists, so that kube-manager can attach it.
  const workloads: WorkloadTags[] = cluster.pods.filter((p) => !p.hostNetwork).map((p) => ({ pod: podId(p), tags: podTags(cluster, p, objects.use) }));
  for (const w of workloads) for (const t of w.tags) objects.useTag(t);
  objects.useTag(clusterTag(cluster.name));
  const ordered = [...firewallPolicies, ...clusterPolicies(objects, denyRefs)];
  const done = new Set(converted.map((p) => p.uid));
  return {
    config: {
      tags: [...objects.tags.values()],
      addressGroups: [...objects.addressGroups.values()],
      rules: objects.rules,
      policies: ordered,
      applicationPolicySet: applicationPolicySet(cluster.name, ordered),
      workloads,
    },
    refusals,
    remaining: cluster.policies.filter((p) => !done.has(p.uid)),
  };
}
