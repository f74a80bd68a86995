import type { Cluster } from '../k8s/cluster.ts';
import { keptByBatch, selectBatch } from '../model/batch-selection.ts';
import type { NetworkPolicy } from '../k8s/network-policy.ts';
import type { DfwConfig, Origin } from '../model/dfw-config.ts';
import type { Group } from '../model/group.ts';
import type { SecurityPolicy } from '../model/security-policy.ts';
import type { BatchOptions, OnError, Refusal } from './batch-options.ts';
import { convertPolicy, type PolicyDraft } from './convert-policy.ts';
import { ids } from './names.ts';
import { placeBatch, type Placement } from './placement.ts';
import type { ConversionProfile } from './profile.ts';
import { REFUSAL } from './refusal-codes.ts';

/** How a batch of NetworkPolicies is converted. */
export interface ConvertOptions {
  /** `nsx` (default): refuse what NSX cannot express; `extended`: np2dfw extensions instead. */
  readonly profile?: ConversionProfile;
  /** The import API's on_error: `abort` (default) converts nothing when a policy fails; `continue` skips it. */
  readonly onError?: OnError;
  /** Only these policy uids, in this order (the import request's network_policy_ids); default every policy. */
  readonly only?: readonly string[];
  /** The SecurityPolicies that exist already (earlier imports and others): placement goes after them. */
  readonly existing?: readonly SecurityPolicy[];
  /** `banded` (default) or `nsx`. */
  readonly placement?: Placement;
  readonly sequenceUpper?: number;
  readonly sequenceLower?: number;
}

/** The conversion options a target's `--on-error`, `--only`, `--placement` and sequence numbers ask for. */
export function convertOptionsFor(options: Partial<BatchOptions>, profile: ConversionProfile): ConvertOptions {
  return {
    profile,
    onError: options.onError ?? 'abort',
    only: options.only,
    placement: options.placement,
    sequenceUpper: options.sequenceUpper,
    sequenceLower: options.sequenceLower,
  };
}

/** A converted batch: the new DFW objects, the refused policies, and the uids converted. */
export interface ConversionResult {
  /** Only the objects this batch creates (not the existing ones). */
  readonly config: DfwConfig;
  readonly refusals: Refusal[];
  readonly convertedUids: string[];
}

function refusal(p: NetworkPolicy, code: string, path: string, message: string): Refusal {
  return { namespace: p.namespace, name: p.name, uid: p.uid, code, path, message };
}

/**
 * Converts a cluster's NetworkPolicies into DFW groups and security policies as seed 000 specifies: per policy an
 * allow policy (when it has rules for a direction it isolates) and a drop policy, placed so that every allow
 * policy of the batch precedes every drop policy. Policies that cannot be expressed are refused with a code, the
 * field path and the reason; with `onError: 'abort'` a single refusal leaves the whole batch unconverted.
 * Throws ConversionError for bad placement options.
 */
export function convertCluster(cluster: Cluster, options: ConvertOptions = {}): ConversionResult {
  const profile = options.profile ?? 'nsx';
  const onError = options.onError ?? 'abort';
  const existing = options.existing ?? [];
  const existingIds = new Set(existing.map((p) => p.id));
  const batch = selectBatch(cluster, options.only);
  const refusals: Refusal[] = [...batch.unknown];
  const drafts: PolicyDraft[] = [];
  for (const policy of batch.policies) {
    if (existingIds.has(ids.dropPolicy(policy.uid)) || existingIds.has(ids.allowPolicy(policy.uid))) {
      refusals.push(refusal(policy, REFUSAL.ALREADY_IMPORTED, 'metadata.uid', `policy ${policy.uid} has been imported already`));
      continue;
    }
    const r = convertPolicy(policy, cluster.name, profile);
    if (r.draft) drafts.push(r.draft);
    else for (const p of r.problems) refusals.push(refusal(policy, p.code, p.path, p.message));
  }
  const kept = keptByBatch(onError, refusals.length, drafts);
  const allowCount = kept.filter((d) => d.allow).length;
  const numbers = placeBatch(allowCount, kept.length, existing, {
    placement: options.placement ?? 'banded', sequenceUpper: options.sequenceUpper, sequenceLower: options.sequenceLower,
  });
  const groups: Group[] = [];
  const allows: SecurityPolicy[] = [];
  const drops: SecurityPolicy[] = [];
  const origins = new Map<string, Origin>();
  kept.forEach((d, i) => {
    groups.push(...d.groups);
    if (d.allow) allows.push({ ...d.allow, sequence_number: numbers.allow[allows.length] });
    drops.push({ ...d.drop, sequence_number: numbers.drop[i] });
    for (const [k, v] of d.origins) origins.set(k, v);
  });
  return { config: { groups, policies: [...allows, ...drops], origins }, refusals, convertedUids: kept.map((d) => d.uid) };
}

/** Several configs as one (e.g. the existing state plus a new batch); later objects replace earlier ones by path. */
export function mergeConfigs(...configs: readonly DfwConfig[]): DfwConfig {
  const groups = new Map<string, Group>();
  const policies = new Map<string, SecurityPolicy>();
  const origins = new Map<string, Origin>();
  for (const c of configs) {
    for (const g of c.groups) groups.set(g.path, g);
    for (const p of c.policies) policies.set(p.path, p);
    for (const [k, v] of c.origins) origins.set(k, v);
  }
  return { groups: [...groups.values()], policies: [...policies.values()], origins };
}
