import type { Cluster } from '../../k8s/cluster.ts';
import { dfwBoundaries } from '../../evaluate/dfw/dfw-boundaries.ts';
import { createDfwEngine, type DfwEngine } from '../../evaluate/dfw/dfw-engine.ts';
import { createKubernetesEngine, type KubernetesEngine } from '../../evaluate/kubernetes/kubernetes-engine.ts';
import { decidedBy, formatCounts } from '../../evaluate/verify/format-report.ts';
import { verifyEngines } from '../../evaluate/verify/verify-engines.ts';
import type { DfwConfig } from '../../model/dfw-config.ts';
import type { InventoryStore, PolicyLocation } from '../store/inventory-store.ts';
import type { PolicyStore, UndecodableObject } from '../store/policy-store.ts';
import { countOf } from '../../evaluate/counts.ts';
import { configForCluster, type GroupsByPath } from './cluster-config.ts';

/** One connection on which the cluster's state now differs from what Kubernetes enforced. */
export interface ServerCounterexample {
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly port: number;
  /** Kubernetes' verdict (all the cluster's NetworkPolicies, imported ones included) and what decided it. */
  readonly kubernetes: 'allowed' | 'denied';
  readonly kubernetes_decided_by: string;
  /** The verdict of the state now (DFW policies, then the NetworkPolicies not imported) and what decided it. */
  readonly dfw: 'allowed' | 'denied';
  readonly dfw_decided_by: string;
}

/** The verification of one cluster (np2dfw's extra field of the import response). */
export interface ClusterVerification {
  readonly cluster: string;
  /** Whether every connection has the verdict it had under Kubernetes alone. */
  readonly equivalent: boolean;
  /** How many connections differ. */
  readonly differences: number;
  /** What was checked, in words. */
  readonly summary: string;
  /** The first differing connections, with reasons. */
  readonly counterexamples: readonly ServerCounterexample[];
  /** Set when the verification itself could not run. */
  readonly error?: string;
}

/** A cluster in the two worlds verification compares: Kubernetes before any import, and the state. */
export interface ClusterWorlds {
  /** The cluster as Kubernetes enforced it before any import (imported NetworkPolicies included). */
  readonly reference: Cluster;
  /** Every NetworkPolicy of the reference, as Kubernetes decides. */
  readonly kubernetes: KubernetesEngine;
  /** The state: the DFW policies of `config` spanning the cluster, then the NetworkPolicies not imported. */
  readonly state: DfwEngine;
}

/**
 * Whether every NetworkPolicy imported from the cluster is still reported by it (queued for removal): then the
 * cluster as Kubernetes enforced it before any import is the cluster as reported.
 */
async function noneRemoved(inventory: InventoryStore, name: string): Promise<boolean> {
  return (await inventory.importedUids(name)).length === (await inventory.pendingRemovals(name)).length;
}

/** The two worlds of one cluster (`newlyImported` counts as imported; see verifyConfig). */
export async function clusterWorlds(inventory: InventoryStore, name: string, config: DfwConfig, newlyImported: readonly PolicyLocation[] = [],
  loaded?: Cluster): Promise<ClusterWorlds> {
  const reference: Cluster = loaded && (await noneRemoved(inventory, name)) ? loaded : await inventory.loadCluster(name, true);
  const imported = new Set([...(await inventory.importedUids(name)), ...newlyImported.filter((l) => l.cluster === name).map((l) => l.uid)]);
  const remaining = createKubernetesEngine(reference, { policies: reference.policies.filter((p) => !imported.has(p.uid)), name: 'kubernetes (not imported)' });
  return { reference, kubernetes: createKubernetesEngine(reference), state: createDfwEngine(config, reference, { remaining, name: 'dfw' }) };
}

/**
 * Verifies each cluster's state against Kubernetes: the reference is every NetworkPolicy the cluster had (imported
 * ones included, as they were when imported); the state is `config` (the DFW policies spanning the cluster), then
 * the NetworkPolicies not imported (`newlyImported` counts as imported), then default allow (how Antrea enforces a
 * mixed state). A CONTINUE import that skipped a policy, or an NSX-style placement across batches, shows up here.
 * Stored objects that could not be decoded (`undecodable`) make the verification fail, naming them; nothing here
 * throws.
 */
export async function verifyConfig(inventory: InventoryStore, clusters: readonly string[], config: DfwConfig,
  undecodable: readonly UndecodableObject[], newlyImported: readonly PolicyLocation[], maxCounterexamples = 20,
  loaded: ReadonlyMap<string, Cluster> = new Map(), groupsOf?: GroupsByPath): Promise<ClusterVerification[]> {
  const failed = (name: string, error: string): ClusterVerification =>
    ({ cluster: name, equivalent: false, differences: 0, summary: 'the verification could not run', counterexamples: [], error });
  if (undecodable.length) {
    const names = undecodable.slice(0, 5).map((u) => `${u.path} (${u.problem})`).join('; ');
    return clusters.map((name) => failed(name, `${countOf(undecodable.length, 'stored object')} cannot be evaluated: ${names}${undecodable.length > 5 ? '; ...' : ''}`));
  }
  const groupsByPath = groupsOf ?? (clusters.length > 1 ? new Map(config.groups.map((g) => [g.path, g])) : undefined);
  const out: ClusterVerification[] = [];
  for (const name of clusters) {
    try {
      // only what can apply in the cluster: the same verdicts, without evaluating every other cluster's objects
      const own = configForCluster(config, name, groupsByPath);
      const boundaries = dfwBoundaries(own);
      const w = await clusterWorlds(inventory, name, own, newlyImported, loaded.get(name));
      const report = verifyEngines(w.reference, w.kubernetes, w.state, { maxCounterexamples, boundaries });
      out.push({
        cluster: name,
        equivalent: report.equivalent,
        differences: report.differences,
        summary: formatCounts(report),
        counterexamples: report.counterexamples.map((x) => ({
          source: x.src, destination: x.dst, protocol: x.protocol, port: x.port,
          kubernetes: x.reference.allowed ? 'allowed' as const : 'denied' as const, kubernetes_decided_by: decidedBy(x.reference),
          dfw: x.other.allowed ? 'allowed' as const : 'denied' as const, dfw_decided_by: decidedBy(x.other),
        })),
      });
    } catch (e) {
      out.push(failed(name, `cluster ${name}: ${(e as Error).message}`));
    }
  }
  return out;
}

/** Verifies the clusters' state as stored now (see verifyConfig). */
export async function verifyClusters(ctx: { inventory: InventoryStore; policies: PolicyStore }, clusters: readonly string[], maxCounterexamples = 20): Promise<ClusterVerification[]> {
  if (clusters.length === 0) return [];
  const { config, undecodable, groupsByPath } = await ctx.policies.decodedConfig();
  return verifyConfig(ctx.inventory, clusters, config, undecodable, [], maxCounterexamples, new Map(), groupsByPath);
}
