// The clusters the Antrea and Contrail tests run over: every example folder, and seeded synthetic clusters.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from '../../../src/k8s/cluster.ts';
import { loadClusterFromPaths, loadClusterFromTexts } from '../../../src/k8s/load-cluster.ts';
import { generateCluster } from '../../../testing/synthetic/generate-cluster.ts';

const EXAMPLES = new URL('../../../examples/', import.meta.url).pathname;

/** Every folder of examples/, loaded as kubectl would (name -> cluster). */
export function exampleClusters(): [string, Cluster][] {
  return readdirSync(EXAMPLES)
    .filter((d) => statSync(join(EXAMPLES, d)).isDirectory())
    .sort()
    .map((d): [string, Cluster] => [`examples/${d}`, loadClusterFromPaths([join(EXAMPLES, d)])]);
}

/** Seeded synthetic clusters: the random shape (every feature) and small cuts of Antrea's scale shapes. */
export function generatedClusters(randomSeeds = 24): [string, Cluster][] {
  const out: [string, Cluster][] = [];
  for (let seed = 1; seed <= randomSeeds; seed++) out.push([`random seed ${seed}`, generateCluster('random', { seed, scale: 1 })]);
  out.push(['small-namespaces mirror', generateCluster('small-namespaces', { seed: 3, scale: 0.0004, egress: 'mirror' })]);
  out.push(['one-namespace none', generateCluster('one-namespace', { seed: 5, scale: 0.004, egress: 'none' })]);
  return out;
}

/** A cluster from YAML text (namespaces, pods, NetworkPolicies), as `-f` reads it. */
export function clusterFromYaml(text: string, cluster = 'c1'): Cluster {
  return loadClusterFromTexts([{ name: 'test.yaml', text }], { cluster });
}
