import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Cluster } from '../k8s/cluster.ts';
import { podId } from '../k8s/pod.ts';
import { BitMatrix } from '../evaluate/bit-matrix.ts';
import { formatPort, type PortQuery } from '../evaluate/connection.ts';
import type { Endpoint } from '../evaluate/endpoint.ts';
import type { ReachabilityEngine } from '../evaluate/engine.ts';
import type { DfwConfig } from '../model/dfw-config.ts';
import { familyOf } from '../net/ip-address.ts';
import { applyIptables } from '../realize/iptables/apply-iptables.ts';
import { runCommand } from '../realize/iptables/host-command.ts';
import { nodeOfPod, nodesOf, planNode } from '../realize/iptables/node-plan.ts';
import { applyNftables } from '../realize/nftables/apply-nftables.ts';
import type { Probe, ProbeOutcome } from './agent.ts';
import { buildTopology, deleteNamespaces, deleteNamespacesSync, inParallel, liveNamespaces, sweepLeftovers, type LabPodSpec } from './topology.ts';
import { countOf, formatCount } from '../evaluate/counts.ts';
import { constants as osConstants } from 'node:os';

/** The dataplanes the lab can load. */
export type LabTarget = 'nftables' | 'iptables';

/** What to run the lab on. */
export interface LabOptions {
  readonly cluster: Cluster;
  /** The DFW model to realize (the cluster's conversion, `extended` profile). */
  readonly config: DfwConfig;
  readonly target: LabTarget;
  /** The endpoints to probe between (one family), as `endpointsOf` lists them. */
  readonly endpoints: readonly Endpoint[];
  readonly ports: readonly PortQuery[];
  /** Per-probe timeout (default 400 ms); probes that time out are tried once more with three times as long. */
  readonly timeoutMs?: number;
  /** Progress lines (on stderr in the CLI). */
  readonly progress?: (line: string) => void;
}

/** One probed port: the observed matrix (row = source, column = destination). */
export interface ObservedPort {
  readonly query: PortQuery;
  readonly matrix: BitMatrix;
}

/** The lab's observations. */
export interface LabResult {
  readonly endpoints: readonly Endpoint[];
  /** The ports probed, in the order asked (SCTP left out when the kernel cannot open SCTP sockets). */
  readonly ports: readonly ObservedPort[];
  /** Ports that could not be probed, with why. */
  readonly skipped: readonly { readonly query: PortQuery; readonly reason: string }[];
  /** Wall time of each phase, in ms. */
  readonly timings: Readonly<Record<string, number>>;
}

/** A reason the lab cannot run on this machine; the CLI prints it as is. */
export class LabUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabUnavailableError';
  }
}

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The agent as plain JavaScript in a fresh temporary folder: Node strips TypeScript types with a WebAssembly
 * parser that costs ~0.3 s of CPU per process, so the lab strips them once here and starts every agent on the
 * result (0.1 s each). The agent imports only Node's own modules, so the file stands alone.
 */
export function writeAgentScript(source: 'agent' | 'connection-rate' = 'agent'): { path: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'np2dfw-agent-'));
  const path = join(dir, `${source}.mjs`);
  const emit = process.emitWarning;
  process.emitWarning = (() => {}) as typeof process.emitWarning;
  try {
    // From the repository the agent is TypeScript; an installed package carries it built as JavaScript.
    const ts = join(HERE, `${source}.ts`);
    writeFileSync(path, existsSync(ts) ? stripTypeScriptTypes(readFileSync(ts, 'utf8')) : readFileSync(join(HERE, `${source}.js`), 'utf8'));
  } finally {
    process.emitWarning = emit;
  }
  return { path, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Why the lab cannot run here (not root, no netns, missing tools), or undefined when it can. */
export async function labUnavailableReason(target?: LabTarget): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'the lab needs Linux network namespaces';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'the lab creates network namespaces and must run as root (try sudo)';
  const tools = ['ip', ...(target === 'iptables' ? ['ipset', 'iptables-restore', 'ip6tables-restore', 'iptables-save'] : target === 'nftables' ? ['nft'] : [])];
  for (const t of tools) {
    const r = await runCommand(['sh', '-c', `command -v ${t}`]);
    if (r.code !== 0) return `the lab needs \`${t}\`, which is not installed (apt-get install iproute2 ipset iptables nftables)`;
  }
  const probe = `np2dfw-${process.pid}-check`;
  const r = await runCommand(['ip', 'netns', 'add', probe]);
  if (r.code !== 0) return `this machine cannot create network namespaces: ${r.stderr.trim()}`;
  try {
    // What the kernel must offer, tried inside the scratch namespace: veth pairs, and the target's netfilter.
    const checks: string[][] = [['ip', 'link', 'add', 'c0', 'type', 'veth', 'peer', 'name', 'c1']];
    if (target === 'nftables') checks.push(['nft', 'add table inet np2dfw_check; add set inet np2dfw_check s { type ipv4_addr . inet_service; }; add chain inet np2dfw_check c { type filter hook forward priority 0; ct state established accept; }']);
    if (target === 'iptables') checks.push(['ipset', 'create', 'np2dfw-check', 'hash:net'], ['iptables', '-A', 'FORWARD', '-m', 'conntrack', '--ctstate', 'ESTABLISHED', '-m', 'set', '--match-set', 'np2dfw-check', 'src', '-j', 'ACCEPT'], ['ip6tables', '-A', 'FORWARD', '-m', 'multiport', '-p', 'tcp', '--dports', '80,8080:8090', '-j', 'ACCEPT']);
    for (const argv of checks) {
      const c = await runCommand(argv, { netns: probe });
      if (c.code !== 0) return `this kernel lacks what the lab needs: \`${argv.join(' ')}\` failed: ${c.stderr.trim()}`;
    }
  } finally {
    await runCommand(['ip', 'netns', 'delete', probe]);
  }
  return undefined;
}

/** Whether this kernel can open SCTP sockets (lab-notes: often not). */
export function kernelHasSctp(): boolean {
  return existsSync('/proc/net/sctp');
}

/** A running agent: its process, and a way to ask it for probes. */
export interface Agent {
  readonly child: ChildProcess;
  request(probes: readonly Probe[], timeoutMs: number): Promise<ProbeOutcome[]>;
}

/** Starts the agent (`script`, see writeAgentScript) inside a namespace, serving the ports. */
export function startAgent(ns: string, script: string, ports: readonly PortQuery[], with6: boolean): Promise<Agent> {
  const arg = ports.map((p) => `${p.port}/${p.protocol}`).join(',');
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--max-old-space-size=64', script, arg, with6 ? 'with6' : 'no6'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const pending = new Map<number, (r: ProbeOutcome[]) => void>();
  let nextId = 1;
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); });
  return new Promise((resolve, reject) => {
    let ready = false;
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      const msg = JSON.parse(line) as { ready?: boolean; error?: string; id?: number; results?: ProbeOutcome[] };
      if (msg.ready) {
        ready = true;
        resolve({
          child,
          request(probes, timeoutMs) {
            const id = nextId++;
            return new Promise((res) => {
              pending.set(id, res);
              child.stdin!.write(`${JSON.stringify({ id, timeoutMs, probes })}\n`);
            });
          },
        });
      } else if (msg.error) reject(new Error(`lab agent in ${ns}: ${msg.error}`));
      else if (msg.id !== undefined && msg.results) {
        pending.get(msg.id)?.(msg.results);
        pending.delete(msg.id);
      }
    });
    child.on('exit', (code) => {
      if (!ready) reject(new Error(`lab agent in ${ns} exited (${code}): ${stderr.trim()}`));
    });
  });
}

/** The address of an endpoint's namespace key: pods by id, everything else by address. */
function hostKey(e: Endpoint): string {
  return e.kind === 'pod' && !e.pod.hostNetwork ? e.id : `ip:${e.ip}`;
}

/**
 * Runs the lab: builds the namespaces, loads each node's ruleset (generated from `config`), starts an agent in
 * every namespace, probes every ordered pair of endpoints on every port with real connections, and returns the
 * observed matrices. Everything it created is deleted before it returns or throws, and on SIGINT/SIGTERM.
 */
export async function runLab(options: LabOptions): Promise<LabResult> {
  const progress = options.progress ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 400;
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };
  const why = await labUnavailableReason(options.target);
  if (why) throw new LabUnavailableError(why);
  const swept = await sweepLeftovers();
  if (swept.length) progress(`removed ${countOf(swept.length, 'namespace')} left over by earlier lab runs`);

  const { cluster, endpoints } = options;
  const skipped: { query: PortQuery; reason: string }[] = [];
  const ports: PortQuery[] = [];
  for (const q of options.ports) {
    if (q.protocol === 'SCTP') skipped.push({ query: q, reason: kernelHasSctp() ? 'the lab has no SCTP prober (Node.js opens no SCTP sockets)' : 'this kernel cannot open SCTP sockets' });
    else ports.push(q);
  }

  // Namespaces: the cluster's live pods (both families), and one per address outside (externals, hostNetwork pods).
  const podSpecs: LabPodSpec[] = [];
  const seenIps = new Map<string, string>();
  const outside = new Map<string, string[]>();
  for (const pod of cluster.pods) {
    if (pod.ips.length === 0 || pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
    if (pod.hostNetwork) {
      for (const ip of pod.ips) outside.set(`ip:${ip}`, [ip]);
      continue;
    }
    const ips = [4, 6].map((f) => pod.ips.find((a) => familyOf(a) === f)).filter((x): x is string => x !== undefined);
    for (const ip of ips) {
      const other = seenIps.get(ip);
      if (other) throw new Error(`pods ${other} and ${podId(pod)} both have the address ${ip}; the lab needs unique pod addresses`);
      seenIps.set(ip, podId(pod));
    }
    podSpecs.push({ key: podId(pod), node: nodeOfPod(pod), ips });
  }
  for (const e of endpoints) if (e.kind === 'external') outside.set(`ip:${e.ip}`, [e.ip]);
  for (const [key, ips] of outside) for (const ip of ips) if (seenIps.has(ip)) throw new Error(`${key.slice(3)} is also the address of pod ${seenIps.get(ip)}`);
  const nodes = nodesOf(cluster);
  const prefix = `np2dfw-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;

  const agents: Agent[] = [];
  const script = writeAgentScript();
  const onSignal = (signal: NodeJS.Signals) => {
    for (const a of agents) a.child.kill('SIGKILL');
    script.dispose();
    deleteNamespacesSync((cmd, args) => spawnSync(cmd, args));
    process.stderr.write(`np2dfw lab: interrupted (${signal}); removed the lab's namespaces\n`);
    // As a shell reports a process ended by a signal: 128 + its number (SIGINT 130, SIGTERM 143).
    process.exit(128 + (osConstants.signals[signal] ?? 0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const topo = await buildTopology({ prefix, nodes, pods: podSpecs, outside: [...outside].map(([key, ips]) => ({ key, ips })) }, (w) => progress(w));
    lap('topology');

    progress(`loading the ${options.target} ruleset on ${countOf(nodes.length, 'node')}`);
    for (const node of nodes) {
      const plan = planNode(options.config, cluster, node);
      const netns = topo.nodes.get(node)!;
      if (options.target === 'nftables') await applyNftables(plan, { netns });
      else await applyIptables(plan, { netns });
    }
    lap('ruleset');

    const serve = [...new Map(ports.map((q) => [formatPort(q), q])).values()];
    for (const pod of cluster.pods) for (const p of pod.ports) if (p.protocol !== 'SCTP' && !serve.some((q) => q.port === p.port && q.protocol === p.protocol)) serve.push({ protocol: p.protocol, port: p.port });
    const keys = [...topo.hosts.keys()];
    progress(`starting ${countOf(keys.length, 'agent')} (TCP and UDP servers on ${countOf(serve.length, 'port')})`);
    const agentOf = new Map<string, Agent>();
    await inParallel(keys, 8, async (key) => {
      const a = await startAgent(topo.hosts.get(key)!, script.path, serve, true);
      agents.push(a);
      agentOf.set(key, a);
    });
    lap('agents');

    const n = endpoints.length;
    const matrices = ports.map(() => new BitMatrix(n, n));
    progress(`probing ${formatCount(n)}x${formatCount(n)} pairs on ${countOf(ports.length, 'port')}`);
    const probeAll = async (todo: { i: number; j: number; k: number }[], timeout: number): Promise<{ i: number; j: number; k: number; o: ProbeOutcome }[]> => {
      const bySource = new Map<number, typeof todo>();
      for (const x of todo) bySource.set(x.i, [...(bySource.get(x.i) ?? []), x]);
      const out: { i: number; j: number; k: number; o: ProbeOutcome }[] = [];
      await Promise.all([...bySource].map(async ([i, list]) => {
        const agent = agentOf.get(hostKey(endpoints[i]))!;
        const results = await agent.request(list.map((x) => ({ ip: endpoints[x.j].ip, protocol: ports[x.k].protocol as 'TCP' | 'UDP', port: ports[x.k].port })), timeout);
        list.forEach((x, m) => out.push({ ...x, o: results[m] }));
      }));
      return out;
    };
    const all: { i: number; j: number; k: number }[] = [];
    for (let k = 0; k < ports.length; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) all.push({ i, j, k });
    const first = await probeAll(all, timeoutMs);
    const retry = first.filter((r) => r.o === 'timeout' || r.o === 'error');
    // A probe that timed out is tried again with three times the timeout: on a busy machine an allowed connection
    // can be slow, a dropped one never answers.
    const second = retry.length ? await probeAll(retry, timeoutMs * 3) : [];
    for (const r of [...first, ...second]) if (r.o === 'open') matrices[r.k].set(r.i, r.j);
    lap('probes');
    progress(`probed ${countOf(all.length, 'connection')} (${formatCount(retry.length)} timed out once and ${retry.length === 1 ? 'was' : 'were'} probed again)`);
    return { endpoints, ports: ports.map((query, k) => ({ query, matrix: matrices[k] })), skipped, timings };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const a of agents) {
      a.child.stdin?.end();
      a.child.kill('SIGKILL');
    }
    script.dispose();
    const mine = [...liveNamespaces].filter((ns) => ns.startsWith(`${prefix}-`));
    await deleteNamespaces(mine);
    lap('cleanup');
  }
}

/** One cell where the lab and the reference engine disagree. */
export interface LabDifference {
  readonly query: PortQuery;
  readonly src: string;
  readonly dst: string;
  readonly observed: boolean;
  readonly expected: boolean;
}

/** Every cell where the observed matrices differ from an engine's. */
export function compareWithEngine(result: LabResult, engine: ReachabilityEngine): LabDifference[] {
  const out: LabDifference[] = [];
  for (const { query, matrix } of result.ports) {
    const expected = engine.matrix(result.endpoints, query);
    for (const [i, j] of matrix.differences(expected)) {
      out.push({ query, src: result.endpoints[i].id, dst: result.endpoints[j].id, observed: matrix.get(i, j), expected: expected.get(i, j) });
    }
  }
  return out;
}
