import type { Cluster } from '../../k8s/cluster.ts';
import { dfwBoundaries } from '../../evaluate/dfw/dfw-boundaries.ts';
import { createDfwEngine } from '../../evaluate/dfw/dfw-engine.ts';
import { createKubernetesEngine } from '../../evaluate/kubernetes/kubernetes-engine.ts';
import { decidedBy, formatCounts } from '../../evaluate/verify/format-report.ts';
import { verifyEngines } from '../../evaluate/verify/verify-engines.ts';
import type { DfwConfig } from '../../model/dfw-config.ts';
import type { Group } from '../../model/group.ts';
import type { SecurityPolicy } from '../../model/security-policy.ts';
import type { ServerContext } from '../server-context.ts';

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

/** The DFW as stored, as a DfwConfig (every group and security policy with its rules). */
export function storedDfwConfig(ctx: ServerContext): DfwConfig {
  const groups: Group[] = [];
  let page = { after: '', size: 1000 };
  for (;;) {
    const r = ctx.policies.listGroups(page);
    groups.push(...(r.results as unknown as Group[]));
    if (!r.cursor) break;
    page = { after: String(r.results[r.results.length - 1].id), size: 1000 };
  }
  return { groups, policies: ctx.policies.allPolicies() as unknown as SecurityPolicy[], origins: new Map() };
}

/**
 * Verifies each cluster's state as the server holds it against Kubernetes: the reference is every NetworkPolicy
 * the cluster had (imported ones included, as they were when imported); the state is the stored DFW policies
 * spanning the cluster, then the NetworkPolicies not imported, then default allow (how Antrea enforces a mixed
 * state). A CONTINUE import that skipped a policy, or an NSX-style placement across batches, shows up here.
 */
export function verifyClusters(ctx: ServerContext, clusters: readonly string[], maxCounterexamples = 20): ClusterVerification[] {
  if (clusters.length === 0) return [];
  let config: DfwConfig;
  try {
    config = storedDfwConfig(ctx);
  } catch (e) {
    // the import is committed already: report that the verification could not run rather than fail the answer
    return clusters.map((name) => ({ cluster: name, equivalent: false, differences: 0, summary: 'the verification failed', counterexamples: [], error: (e as Error).message }));
  }
  return clusters.map((name) => {
    try {
      const boundaries = dfwBoundaries(config);
      const reference: Cluster = ctx.inventory.loadCluster(name, true);
      const imported = new Set(ctx.inventory.importedUids(name));
      const remaining = createKubernetesEngine(reference, { policies: reference.policies.filter((p) => !imported.has(p.uid)), name: 'kubernetes (not imported)' });
      const state = createDfwEngine(config, reference, { remaining, name: 'dfw' });
      const report = verifyEngines(reference, createKubernetesEngine(reference), state, { maxCounterexamples, boundaries });
      return {
        cluster: name,
        equivalent: report.equivalent,
        differences: report.differences,
        summary: formatCounts(report),
        counterexamples: report.counterexamples.map((x) => ({
          source: x.src, destination: x.dst, protocol: x.protocol, port: x.port,
          kubernetes: x.reference.allowed ? 'allowed' as const : 'denied' as const, kubernetes_decided_by: decidedBy(x.reference),
          dfw: x.other.allowed ? 'allowed' as const : 'denied' as const, dfw_decided_by: decidedBy(x.other),
        })),
      };
    } catch (e) {
      return { cluster: name, equivalent: false, differences: 0, summary: 'the verification failed', counterexamples: [], error: (e as Error).message };
    }
  });
}
