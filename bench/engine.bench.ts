// The reference engine on Antrea's controller scale-test shapes, at full size: load (build the cluster objects
// in memory) + compile, then the full reachability of 80/TCP over every endpoint (counted per class, never
// materialised: 100k x 100k cells would be 1.25 GB), and for the one-namespace shape the whole 10k x 10k matrix.
// Without arguments it runs each (shape, egress variant) in its own child process, so that peak memory is per
// case; `node bench/engine.bench.ts SHAPE VARIANT` runs one case.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { endpointsOf } from '../src/evaluate/endpoints.ts';
import { createKubernetesEngine } from '../src/evaluate/kubernetes/kubernetes-engine.ts';
import { generateCluster, type ClusterShape, type EgressVariant } from '../testing/synthetic/generate-cluster.ts';
import { measure as measureWall, type Measurement } from './measure.ts';

/** measure(), plus a row with the CPU time of the step (all threads, GC included): steadier than wall time
 * when other processes share the machine's two cores. */
function measure<T>(label: string, fn: () => T): { result: T; m: Measurement } {
  const before = process.cpuUsage();
  const out = measureWall(label, fn);
  const cpu = process.cpuUsage(before);
  process.stdout.write(`| (CPU time of the step above) | ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms | |\n`);
  return out;
}

const CASES: [ClusterShape, EgressVariant, string][] = [
  ['small-namespaces', 'deny', '(a) 25k namespaces x 4 pods, 75k policies; egress denied as in Antrea'],
  ['small-namespaces', 'mirror', '(a) same, each allow policy also allowing egress to its peers'],
  ['large-namespaces', 'deny', '(b) 100 namespaces x 1000 pods, 10.1k policies; egress denied as in Antrea'],
  ['large-namespaces', 'none', '(b) same, policyTypes [Ingress] only'],
  ['one-namespace', 'deny', '(c) 1 namespace, 10k pods, 10k policies; egress denied as in Antrea'],
  ['one-namespace', 'mirror', '(c) same, egress allowed to the same pods'],
];

const [shape, variant] = process.argv.slice(2) as [ClusterShape | undefined, EgressVariant | undefined];
if (!shape) {
  let failed = 0;
  for (const [s, v, title] of CASES) {
    process.stdout.write(`\n### ${title}\n\n| step | wall time | peak memory |\n| --- | --- | --- |\n`);
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), s, v], { stdio: 'inherit' });
    if (r.status !== 0) failed++;
  }
  process.exit(failed ? 1 : 0);
} else {
  const egress = variant ?? 'deny';
  const { result: cluster, m: load } = measure('load: generate the cluster objects', () => generateCluster(shape, { egress, seed: 1 }));
  const { result: engine, m: compile } = measure('compile: endpoint classes and class sets', () => {
    const e = createKubernetesEngine(cluster);
    e.compiled();
    return e;
  });
  const query = { protocol: 'TCP' as const, port: 80 };
  const { result: pairs, m: reach } = measure('full reachability of 80/TCP (countAllowed over all endpoints)', () => engine.countAllowed(endpointsOf(cluster, 4), query));
  const endpointCount = endpointsOf(cluster, 4).length;
  if (endpointCount <= 20_000) {
    const { result: m } = measure('whole matrix of 80/TCP (BitMatrix)', () => engine.matrix(endpointsOf(cluster, 4), query));
    if (m.count() !== pairs) throw new Error(`matrix has ${m.count()} cells, countAllowed said ${pairs}`);
  }
  process.stdout.write(`| total wall time: load + compile + reachability | ${(load.ms + compile.ms + reach.ms).toFixed(0)} ms | |\n`);
  process.stdout.write(`| machine load average (1 min) at the end | ${loadavg()[0].toFixed(1)} | |\n`);
  process.stdout.write(`\n${cluster.namespaces.size} namespaces, ${cluster.pods.length} pods, ${cluster.policies.length} policies, ` +
    `${engine.compiled().classCount} endpoint classes; ${pairs} of ${endpointCount}x${endpointCount} pairs allowed on 80/TCP.\n`);
}
