// verify at scale (issue 15), each case in its own process so that peak memory is the case's:
//   ports-and-blocks  the issue's 5,000-pod cluster (about 1,000 policies, 100+ TCP port classes, many ipBlocks):
//                     verify --target nsx, antrea, nsx-antrea, contrail, each within 10 s;
//   ratios            one-namespace x1 (10,000 pods, 10,000 policies): every target's verify (build + compare) as
//                     a ratio to nsx's, measured in one process on the same cluster (target <= 2x);
//   shape-a           Antrea's scale shape (a) (100,000 pods, 75,000 policies): verify --target nsx (target < 15 s,
//                     < 2 GiB) and its ratio to reach on the same cluster (the reference engine's class-level
//                     count of every port class, what `reach` computes before it writes).
// `node bench/verify.bench.ts [CASE...]` runs some of them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { endpointsOf } from '../src/evaluate/endpoints.ts';
import { createKubernetesEngine } from '../src/evaluate/kubernetes/kubernetes-engine.ts';
import { TARGETS } from '../src/targets/registry.ts';
import { verificationAtoms } from '../src/evaluate/verify/address-atoms.ts';
import { portClasses } from '../src/evaluate/verify/port-classes.ts';
import { verifyEngines, type VerifyReport } from '../src/evaluate/verify/verify-engines.ts';
import type { Cluster } from '../src/k8s/cluster.ts';
import { generateCluster } from '../testing/synthetic/generate-cluster.ts';
import { portsAndBlocks } from './verify-clusters.ts';

const CASES = ['ports-and-blocks', 'ratios', 'shape-a'] as const;
/** How long shape (a) may take before the bench reports it as not reached. */
const SHAPE_A_BUDGET_MS = 300_000;
type Case = (typeof CASES)[number];

const mib = () => process.resourceUsage().maxRSS / 1024;
const row = (cells: readonly string[]) => process.stdout.write(`| ${cells.join(' | ')} |\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function describe(cluster: Cluster, r: VerifyReport): string {
  const c = r.counts;
  return `${cluster.pods.length} pods, ${cluster.policies.length} policies; TCP port classes ${c.portClasses.TCP}, ${c.externalEndpoints} external atoms; ${r.equivalent ? 'equivalent' : `DIFFERENT (${r.differences})`}`;
}

/** Builds a target and verifies it; the reference engine is compiled beforehand (shared by every target). */
function timeTarget(cluster: Cluster, k8s: ReturnType<typeof createKubernetesEngine>, target: string): { ms: number; report: VerifyReport; buildMs: number } {
  const t0 = performance.now();
  const built = TARGETS.get(target)!.build(cluster, { onError: 'continue' });
  const t1 = performance.now();
  const report = verifyEngines(cluster, k8s, built.engine, { boundaries: built.boundaries });
  const t2 = performance.now();
  if (!report.equivalent) throw new Error(`${target}: not equivalent (${report.differences} differences)`);
  return { ms: t2 - t0, buildMs: t1 - t0, report };
}

function portsAndBlocksCase(): void {
  const cluster = portsAndBlocks();
  const k8s = createKubernetesEngine(cluster);
  k8s.compiled();
  row(['case', 'target', 'build (convert/realize + engine)', 'verify total', 'peak RSS', 'what']);
  row(['---', '---', '---', '---', '---', '---']);
  for (const target of ['nsx', 'antrea', 'nsx-antrea', 'contrail']) {
    const t = timeTarget(cluster, k8s, target);
    row(['ports-and-blocks', target, seconds(t.buildMs), seconds(t.ms), `${mib().toFixed(0)} MiB`, describe(cluster, t.report)]);
  }
}

function ratiosCase(): void {
  const cluster = generateCluster('one-namespace', { seed: 1, scale: 1, egress: 'mirror' });
  const k8s = createKubernetesEngine(cluster);
  k8s.compiled();
  row(['case', 'target', 'build', 'verify total', 'ratio to nsx', 'peak RSS', 'what']);
  row(['---', '---', '---', '---', '---', '---', '---']);
  let nsx = 0;
  for (const target of ['nsx', 'antrea', 'nsx-antrea', 'contrail']) {
    const t = timeTarget(cluster, k8s, target);
    if (target === 'nsx') nsx = t.ms;
    row(['ratios', target, seconds(t.buildMs), seconds(t.ms), `${(t.ms / nsx).toFixed(2)}x`, `${mib().toFixed(0)} MiB`, describe(cluster, t.report)]);
  }
}

function shapeACase(): void {
  const cluster = generateCluster('small-namespaces', { seed: 1, scale: 1 });
  const k8s = createKubernetesEngine(cluster);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const built = TARGETS.get('nsx')!.build(cluster, { onError: 'continue' });
  const buildMs = performance.now() - t0;
  const report = verifyEngines(cluster, k8s, built.engine, { boundaries: built.boundaries });
  const verifyMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const verifyRss = mib();
  // reach on the same cluster: the reference engine's pair count of every port class (compiled once)
  const t1 = performance.now();
  const reachK8s = createKubernetesEngine(cluster);
  const endpoints = endpointsOf(cluster, 4, verificationAtoms(cluster, 4).flatMap((a) => (a.representative ? [a.representative] : [])));
  for (const pc of portClasses(cluster)) reachK8s.countAllowed(endpoints, { protocol: pc.protocol, port: pc.first });
  const reachMs = performance.now() - t1;
  row(['case', 'build (convert + engine)', 'verify --target nsx (build included)', 'CPU (user + system)', 'peak RSS', 'reach (engine, every port class)', 'ratio verify / reach', 'what']);
  row(['---', '---', '---', '---', '---', '---', '---', '---']);
  row(['shape-a', seconds(buildMs), seconds(verifyMs), seconds((cpu.user + cpu.system) / 1000), `${verifyRss.toFixed(0)} MiB`, seconds(reachMs), `${(verifyMs / reachMs).toFixed(1)}x`, describe(cluster, report)]);
}

const RUN: Record<Case, () => void> = { 'ports-and-blocks': portsAndBlocksCase, ratios: ratiosCase, 'shape-a': shapeACase };

const asked = process.argv.slice(2).filter((a): a is Case => (CASES as readonly string[]).includes(a));
if (asked.length === 1) {
  RUN[asked[0]]();
} else {
  // each case in its own process: its own peak memory
  let failed = 0;
  for (const c of asked.length ? asked : CASES) {
    process.stdout.write(`\n### verify: ${c}\n\n`);
    // shape (a) gets a time budget: a regression that makes it quadratic again reports "not reached"
    const timeout = c === 'shape-a' ? SHAPE_A_BUDGET_MS : undefined;
    const r = spawnSync(process.execPath, ['--max-old-space-size=16384', fileURLToPath(import.meta.url), c], { stdio: 'inherit', ...(timeout ? { timeout } : {}) });
    if (r.error && timeout) process.stdout.write(`| ${c} | not reached within ${timeout / 1000} s | | | | |\n`);
    else if (r.status !== 0) failed++;
  }
  process.exitCode = failed ? 1 : 0;
}
