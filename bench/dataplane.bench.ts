// The Linux dataplane: ruleset size and load time for the synthetic clusters, and new TCP connections per second
// through a node (in the kernel, inside lab namespaces) with no policy, 1k and 10k policies, for nftables,
// ipset + iptables, and plain iptables without sets. Needs root; prints a notice and exits 0 otherwise.
// `npm run bench -- dataplane` (NP2DFW_BENCH_QUICK=1: smaller clusters, shorter runs).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { convertCluster } from '../src/convert/convert-cluster.ts';
import { buildCluster, type Cluster } from '../src/k8s/cluster.ts';
import type { Namespace } from '../src/k8s/namespace.ts';
import type { NetworkPolicy } from '../src/k8s/network-policy.ts';
import type { Pod } from '../src/k8s/pod.ts';
import { generateCluster, type ClusterShape } from '../testing/synthetic/generate-cluster.ts';
import { labUnavailableReason, startAgent, writeAgentScript } from '../src/lab/run-lab.ts';
import { buildTopology, deleteNamespaces, liveNamespaces, setSysctls } from '../src/lab/topology.ts';
import { applyIptables } from '../src/realize/iptables/apply-iptables.ts';
import { mustRun, runCommand } from '../src/realize/iptables/host-command.ts';
import { nodeOfPod, planNode, planSize, type NodePlan } from '../src/realize/iptables/node-plan.ts';
import { renderIptablesRuleset } from '../src/realize/iptables/render-iptables.ts';
import { applyNftables } from '../src/realize/nftables/apply-nftables.ts';
import { renderNftables } from '../src/realize/nftables/render-nftables.ts';
import { measure } from './measure.ts';

const quick = process.env.NP2DFW_BENCH_QUICK === '1';
const why = await labUnavailableReason('iptables') ?? await labUnavailableReason('nftables');
if (why) {
  process.stdout.write(`NOTICE: dataplane benchmark skipped: ${why}\n`);
  process.exit(0);
}

const prefix = `np2dfw-${process.pid}-bench`;
const cleanup = async () => {
  await deleteNamespaces([...liveNamespaces]);
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    void cleanup().then(() => process.exit(130));
  });
}

/** The node with the most live pods, and the pods per node. */
function busiestNode(cluster: Cluster): string {
  const count = new Map<string, number>();
  for (const p of cluster.pods) if (p.ips.length) count.set(nodeOfPod(p), (count.get(nodeOfPod(p)) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1])[0][0];
}

/** Loads a ruleset into a fresh namespace and returns the time it took, in ms. */
async function loadTime(plan: NodePlan, target: 'nftables' | 'iptables'): Promise<number> {
  const ns = `${prefix}-load`;
  await runCommand(['ip', 'netns', 'delete', ns]);
  await mustRun(['ip', 'netns', 'add', ns]);
  liveNamespaces.add(ns);
  try {
    const t0 = performance.now();
    if (target === 'nftables') await applyNftables(plan, { netns: ns });
    else await applyIptables(plan, { netns: ns });
    return performance.now() - t0;
  } finally {
    await deleteNamespaces([ns]);
  }
}

// ---- 1. Ruleset size and load time for the synthetic clusters ----
const IPTABLES_LOAD_LIMIT = 100_000;
process.stdout.write('\n### Ruleset size and load time (the busiest node of each synthetic cluster)\n\n');
process.stdout.write('| cluster | node pods protected | policy chains | rules (nft / iptables v4) | sets | elements | nft -f | ipset + iptables-restore |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n');
const shapes: { shape: ClusterShape; scale: number; label: string }[] = quick
  ? [{ shape: 'small-namespaces', scale: 0.01, label: '(a) 250 ns x 4 pods' }, { shape: 'one-namespace', scale: 0.01, label: '(c) 100 pods, 100 policies' }]
  : [
    { shape: 'small-namespaces', scale: 0.04, label: '(a) 1000 ns x 4 pods, 3000 policies' },
    { shape: 'large-namespaces', scale: 0.05, label: '(b) 5 ns x 1000 pods, 505 policies' },
    { shape: 'one-namespace', scale: 0.1, label: '(c) 1000 pods, 1000 policies' },
    { shape: 'one-namespace', scale: 1, label: '(c) 10k pods, 10k policies' },
  ];
for (const { shape, scale, label } of shapes) {
  const cluster = generateCluster(shape, { scale });
  const { result: conversion } = measure(`convert ${label}`, () => convertCluster(cluster, { profile: 'extended' }));
  const node = busiestNode(cluster);
  const { result: plan } = measure(`plan node ${node}`, () => planNode(conversion.config, cluster, node));
  const size = planSize(plan);
  const nft = renderNftables(plan);
  const ipt = renderIptablesRuleset(plan);
  const tNft = await loadTime(plan, 'nftables');
  // iptables-restore (nf_tables backend) takes minutes beyond ~100k rules: those are sized, not loaded.
  const tIpt = ipt.ruleCount[4] + ipt.ruleCount[6] <= IPTABLES_LOAD_LIMIT ? `${(await loadTime(plan, 'iptables')).toFixed(0)} ms` : `not loaded (> ${IPTABLES_LOAD_LIMIT} rules)`;
  process.stdout.write(`| ${label} | ${size.pods} | ${size.blocks} | ${nft.rules} / ${ipt.ruleCount[4]} | ${size.sets} | ${size.elements} | ${tNft.toFixed(0)} ms | ${tIpt} |\n`);
}

// ---- 2. New TCP connections per second through a node ----
/**
 * One node holding `client` and `server` (namespace bench) and, for K policies, K-2 filler namespaces of one
 * pod each with a policy that allows ingress from its own namespace (Antrea's small-namespaces shape). The
 * server's policy allows 8080/TCP from every `role=client` pod of the cluster: the client and 4999 more pods on
 * other nodes, so its peer set has 5000 addresses (the client's last). The client's egress policy allows
 * 8080/TCP to the server. K = 0: no policy at all.
 */
function rateCluster(k: number): Cluster {
  const namespaces: Namespace[] = [];
  const pods: Pod[] = [];
  const policies: NetworkPolicy[] = [];
  const sel = (labels: Record<string, string>) => ({ matchLabels: labels, matchExpressions: [] });
  const pod = (ns: string, name: string, ip: string, labels: Record<string, string>, node: string): Pod =>
    ({ namespace: ns, name, labels, ips: [ip], hostNetwork: false, phase: 'Running', nodeName: node, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] });
  pods.push(pod('bench', 'client', '10.250.0.1', { role: 'client' }, 'bench-node'));
  pods.push(pod('bench', 'server', '10.250.0.2', { app: 'server' }, 'bench-node'));
  for (let j = 0; j < 4999; j++) pods.push(pod('clients', `c-${j}`, `10.200.${j >> 8}.${j & 255}`, { role: 'client' }, 'other-node'));
  if (k > 0) {
    policies.push({
      namespace: 'bench', name: 'server', uid: '00000000-0000-4000-8000-00000000000a', podSelector: sel({ app: 'server' }), policyTypes: ['Ingress'],
      ingress: [{ peers: [{ namespaceSelector: sel({}), podSelector: sel({ role: 'client' }) }], ports: [{ protocol: 'TCP', port: 8080 }] }], egress: [],
    });
    policies.push({
      namespace: 'bench', name: 'client', uid: '00000000-0000-4000-8000-00000000000b', podSelector: sel({ role: 'client' }), policyTypes: ['Egress'],
      ingress: [], egress: [{ peers: [{ podSelector: sel({ app: 'server' }) }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
  }
  for (let i = 0; i < k - 2; i++) {
    const ns = `f-${i}`;
    namespaces.push({ name: ns, labels: {}, declared: true });
    pods.push(pod(ns, 'web', `10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, { app: 'web' }, 'bench-node'));
    policies.push({
      namespace: ns, name: 'same-ns', uid: `00000000-0000-4000-8000-${(i + 16).toString(16).padStart(12, '0')}`, podSelector: sel({}), policyTypes: ['Ingress'],
      ingress: [{ peers: [{ podSelector: sel({}) }] }], egress: [],
    });
  }
  return buildCluster('bench', { namespaces, pods, policies });
}

const rateScript = writeAgentScript('connection-rate');
const agentScript = writeAgentScript('agent');
/**
 * Measured rounds (after a warm-up run of each lab that is not counted), and the length of each run. Many short runs,
 * interleaved, rather than a few long ones: the machine's own drift (other load, the hypervisor) then falls on
 * every lab alike, and each lab's run is compared with the no-policy run of the same round.
 */
const ROUNDS = quick ? 6 : 30;
const TRIAL_MS = quick ? 150 : 200;
/** The longest wait for the machine to go idle before the warm-up. */
const SETTLE_MS = 60_000;
/** The warm-up run of each lab's client and server, before the rounds. */
const WARMUP_MS = quick ? 300 : 1000;
const MAX_PER_TRIAL = 20_000;
const CONCURRENCY = 8;
/**
 * With two CPUs or more, the client is pinned to CPU 0 and the server to CPU 1 (`taskset`), so that they do not
 * take turns on one CPU and every run of every lab sees the same placement. The SYN's trip through the node's
 * forward hook runs in softirq on the sending CPU, i.e. the client's.
 */
const CPUS = availableParallelism();
const PIN = CPUS >= 2 && (await runCommand(['sh', '-c', 'command -v taskset'])).code === 0;
const CLIENT_CPU = '0';
const SERVER_CPU = '1';

/** The share of CPU time spent busy (not idle or waiting for I/O) over `ms`, from /proc/stat. */
async function busyShare(ms: number): Promise<number> {
  const read = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { total: f.reduce((a, b) => a + b, 0), idle: f[3] + f[4] };
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return b.total === a.total ? 0 : 1 - (b.idle - a.idle) / (b.total - a.total);
}

/**
 * Waits (at most `maxMs`) until the machine is idle: after loading and deleting big rulesets the kernel goes on
 * freeing namespaces in the background for seconds, which would slow the first rounds.
 */
async function settle(maxMs: number): Promise<{ waitedMs: number; busy: number }> {
  const t0 = performance.now();
  let busy = 1;
  while (performance.now() - t0 < maxMs) {
    busy = await busyShare(500);
    if (busy < 0.05) break;
  }
  return { waitedMs: performance.now() - t0, busy };
}

/** A connection-rate client that stays up in a lab's client namespace and makes one run per request. */
interface RateClient {
  run(ms: number): Promise<{ connections: number; failed: number; ms: number }>;
  close(): void;
}

function startRateClient(ns: string): RateClient {
  const command = ['ip', 'netns', 'exec', ns, process.execPath, rateScript.path, '10.250.0.2', '8080', 'serve'];
  const argv = PIN ? ['taskset', '-c', CLIENT_CPU, ...command] : command;
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  return {
    run(ms) {
      return new Promise((resolve, reject) => {
        const killer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error('rate client did not answer'));
        }, ms + 10_000);
        waiting.push((line) => {
          clearTimeout(killer);
          resolve(JSON.parse(line) as { connections: number; failed: number; ms: number });
        });
        child.stdin!.write(`${ms} ${MAX_PER_TRIAL} ${CONCURRENCY}\n`);
      });
    },
    close() {
      child.stdin!.end();
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    },
  };
}

/** One lab of its own (node, client, server) per dataplane and policy count, so that each ruleset is loaded once. */
interface RateLab {
  readonly label: string;
  readonly k: number;
  readonly client: RateClient;
  readonly loadMs: number;
  /** Connections per second of each measured round. */
  readonly runs: number[];
}

async function rateLab(index: number, label: string, k: number, load: (nodeNs: string) => Promise<void>): Promise<RateLab> {
  const topo = await buildTopology({
    prefix: `${prefix}-r${index}`,
    nodes: ['bench-node'],
    pods: [{ key: 'bench/client', node: 'bench-node', ips: ['10.250.0.1'] }, { key: 'bench/server', node: 'bench-node', ips: ['10.250.0.2'] }],
    outside: [],
  });
  const clientNs = topo.hosts.get('bench/client')!;
  await setSysctls(clientNs, ['net.ipv4.ip_local_port_range=1024\t65000', 'net.ipv4.tcp_tw_reuse=1']);
  const server = await startAgent(topo.hosts.get('bench/server')!, agentScript.path, [{ protocol: 'TCP', port: 8080 }], false);
  if (PIN && server.child.pid) await mustRun(['taskset', '-a', '-c', '-p', SERVER_CPU, String(server.child.pid)]);
  const t0 = performance.now();
  await load(topo.nodes.get('bench-node')!);
  return { label, k, client: startRateClient(clientNs), loadMs: performance.now() - t0, runs: [] };
}

/** One bounded run of a lab's client: connections per second. */
async function trial(lab: RateLab): Promise<number> {
  const r = await lab.client.run(TRIAL_MS);
  if (r.failed > 0) throw new Error(`${lab.label}: ${r.failed} connections failed: the ruleset does not allow client -> server`);
  return (r.connections / r.ms) * 1000;
}

const labs: RateLab[] = [];
let settled = { waitedMs: 0, busy: 0 };
try {
  labs.push(await rateLab(0, 'no policy (nothing loaded)', 0, async () => {}));
  // Not a dataplane: connection tracking alone (one forward chain accepting established traffic, nothing else),
  // the part of every stateful firewall's cost that no ruleset can avoid.
  labs.push(await rateLab(1, 'conntrack only (no policy)', 0, (ns) => mustRun(['ip', 'netns', 'exec', ns, 'nft',
    'add table inet np2dfw-ct; add chain inet np2dfw-ct forward { type filter hook forward priority 0; ct state established,related accept; }']).then(() => {})));
  for (const k of quick ? [1000] : [1000, 10_000]) {
    const cluster = rateCluster(k);
    const { result: config } = measure(`convert ${k} policies`, () => convertCluster(cluster, { profile: 'extended' }).config);
    const { result: plan } = measure(`plan bench-node (${k} policies)`, () => planNode(config, cluster, 'bench-node'));
    labs.push(await rateLab(labs.length, 'nftables', k, (ns) => applyNftables(plan, { netns: ns }).then(() => {})));
    labs.push(await rateLab(labs.length, 'ipset + iptables', k, (ns) => applyIptables(plan, { netns: ns }).then(() => {})));
    labs.push(await rateLab(labs.length, 'plain iptables (no sets)', k, (ns) => applyIptables(plan, { netns: ns, plain: true }).then(() => {})));
  }
  // One warm-up run per lab (not counted: first runs pay for page faults, JIT, conntrack and socket allocations), then
  // the measured rounds. Every round runs every lab once, in an order rotated from round to round so that no lab
  // is always first or last, and the no-policy lab of the same round is the yardstick of each ratio.
  settled = await settle(SETTLE_MS);
  for (const lab of labs) await lab.client.run(WARMUP_MS);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < labs.length; i++) {
      const lab = labs[(i + round) % labs.length];
      lab.runs.push(await trial(lab));
    }
  }
} finally {
  for (const lab of labs) lab.client.close();
  rateScript.dispose();
  agentScript.dispose();
  await cleanup();
}
process.stdout.write(`\n### New TCP connections per second through one node (client -> server, ${CONCURRENCY} at a time, ${PIN ? `client on CPU ${CLIENT_CPU}, server on CPU ${SERVER_CPU}, ` : 'not pinned, '}a ${WARMUP_MS} ms warm-up per lab, then ${ROUNDS} rounds of ${TRIAL_MS} ms runs, every lab once per round; waited ${(settled.waitedMs / 1000).toFixed(1)} s for the machine to settle, ${(settled.busy * 100).toFixed(0)}% busy then)\n\n`);
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
/** The q-quantile of xs (0 <= q <= 1), interpolated between the nearest ranks. */
const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  return s[Math.floor(at)] + (s[Math.ceil(at)] - s[Math.floor(at)]) * (at - Math.floor(at));
};
const baseline = labs[0].runs;
process.stdout.write('| dataplane | policies | load time | conn/s: min / median / max | median of per-round ratios | ratios: middle half | ratio of medians |\n| --- | --- | --- | --- | --- | --- | --- |\n');
for (const lab of labs) {
  // each run against the no-policy run of the same round
  const ratios = lab.runs.map((r, i) => r / baseline[i]);
  const spread = lab !== labs[0] ? `${pct(quantile(ratios, 0.25))}-${pct(quantile(ratios, 0.75))}` : '-';
  process.stdout.write(`| ${lab.label} | ${lab.k} | ${lab !== labs[0] ? `${lab.loadMs.toFixed(0)} ms` : '-'} | ${Math.min(...lab.runs).toFixed(0)} / ${median(lab.runs).toFixed(0)} / ${Math.max(...lab.runs).toFixed(0)} | ${pct(median(ratios))} | ${spread} | ${pct(median(lab.runs) / median(baseline))} |\n`);
}
if (process.env.NP2DFW_BENCH_RUNS === '1') for (const lab of labs) process.stdout.write(`runs ${lab.label} ${lab.k}: ${lab.runs.map((r) => r.toFixed(0)).join(', ')}\n`);
