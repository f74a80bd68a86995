import type { Command } from 'commander';
import type { Cluster } from '../../k8s/cluster.ts';
import { effectiveRules, policyId, type PolicyPeer, type PolicyPort, type PolicyType } from '../../k8s/network-policy.ts';
import { resolveNamedPort } from '../../k8s/pod.ts';
import { formatPort, type Connection } from '../../evaluate/connection.ts';
import type { Endpoint } from '../../evaluate/endpoint.ts';
import { connectionFamily, endpointFor, resolveEndpointArgument } from '../../evaluate/endpoint-argument.ts';
import { exceptExcluding, formatPolicyPort, peerMatches, portMatches } from '../../evaluate/kubernetes/endpoint-match.ts';
import { createKubernetesEngine, type KubernetesEngine } from '../../evaluate/kubernetes/kubernetes-engine.ts';
import { usageError } from '../cli-error.ts';
import { addInputOptions, loadClusterFromOptions, outputFormat } from '../input-options.ts';
import { formatExplanationJson } from '../output/explain-json.ts';
import { formatExplanationText } from '../output/explain-text.ts';
import type { ExplainedDirection, Explanation } from '../output/explanation.ts';
import { describePeer } from '../../k8s/peer-description.ts';
import { writeChunks } from '../output/write-output.ts';
import { addTargetFlags } from '../target-flags.ts';
import { parseFamilyArgument, parseOnErrorArgument, parsePortArgument } from '../arguments.ts';
import { engineFor, type TargetFlags } from '../via-engine.ts';

/** The allowing peer in words, looked up in the cluster's policy. */
function allowingPeer(cluster: Cluster, d: ExplainedDirection): string | undefined {
  const a = d.detail?.allowedBy;
  if (!a || a.peerIndex === undefined) return undefined;
  const policy = cluster.policies.find((p) => p.uid === a.uid);
  const peer = policy ? effectiveRules(policy, a.direction)[a.ruleIndex]?.peers?.[a.peerIndex] : undefined;
  return policy && peer ? describePeer(peer, policy) : undefined;
}

/** A policy port as written, with what a named port is on the destination: `metrics/TCP (9113 on web/frontend-a)`. */
function portText(port: PolicyPort, dst: Endpoint): string {
  const text = formatPolicyPort(port);
  if (typeof port.port !== 'string') return text;
  if (dst.kind !== 'pod') return `${text} (no number: ${dst.id} is no pod)`;
  const n = resolveNamedPort(dst.pod, port.port, port.protocol);
  return n === undefined ? `${text} (${dst.id} has no ${port.protocol} port of that name)` : `${text} (${n} on ${dst.id})`;
}

/** ` (10.1.2.3 is in 10.0.0.0/8 but excluded by except 10.1.0.0/16)` for each ipBlock peer whose except left the address out. */
function exclusions(peers: readonly PolicyPeer[], other: Endpoint): string {
  const out: string[] = [];
  for (const peer of peers) {
    const ex = peer.ipBlock ? exceptExcluding(peer.ipBlock, other) : undefined;
    if (ex) out.push(`${other.ip} is in ${peer.ipBlock!.cidr} but excluded by except ${ex}`);
  }
  return out.length ? ` (${out.join('; ')})` : '';
}

/**
 * Why no rule allowed a denied direction: for each isolating policy, each of its rules of that direction with
 * whether a peer and a port matched; a policy without such rules only isolates.
 */
export function deniedBecause(cluster: Cluster, c: Connection, dir: PolicyType, isolatedBy: readonly string[]): string[] {
  const other = dir === 'Ingress' ? c.src : c.dst;
  const section = dir === 'Ingress' ? 'ingress' : 'egress';
  const out: string[] = [];
  for (const id of isolatedBy) {
    const policy = cluster.policies.find((p) => policyId(p) === id);
    if (!policy) continue;
    const rules = effectiveRules(policy, dir);
    if (rules.length === 0) {
      out.push(`${id}: no ${section} rules (it only isolates)`);
      continue;
    }
    rules.forEach((rule, i) => {
      const peerOk = !rule.peers || rule.peers.some((peer) => peerMatches(peer, policy, other, cluster.namespaces));
      const portOk = !rule.ports || rule.ports.some((port) => portMatches(port, c, c.dst));
      const peers = peerOk ? (rule.peers ? 'a peer matches' : 'every peer') : `no peer matches ${other.id}${exclusions(rule.peers!, other)}`;
      const ports = portOk ? (rule.ports ? 'a port matches' : 'every port')
        : `no port matches ${formatPort(c)} (its ports: ${rule.ports!.map((p) => portText(p, c.dst)).join(', ')})`;
      out.push(`${id} spec.${section}[${i}]: ${peers}; ${ports}`);
    });
  }
  return out;
}

/** Explains a connection with the reference engine (structured reasons) or another engine (its own words). */
export function explainConnection(cluster: Cluster, connection: Connection, via: string | undefined, onError: 'abort' | 'continue', target: TargetFlags = {}): Explanation {
  const engine = via === undefined && !target.against ? createKubernetesEngine(cluster) : engineFor(cluster, via, onError, target);
  const decision = engine.decide(connection);
  const reference = via === undefined ? (engine as KubernetesEngine) : undefined;
  const direction = (dir: PolicyType): ExplainedDirection => {
    const d: ExplainedDirection = {
      direction: dir,
      decision: dir === 'Ingress' ? decision.ingress : decision.egress,
      ...(reference ? { detail: reference.explainDirection(connection, dir) } : {}),
    };
    const peer = allowingPeer(cluster, d);
    const misses = d.detail?.reason === 'denied' ? deniedBecause(cluster, connection, dir, d.detail.isolatedBy) : undefined;
    return { ...d, ...(peer ? { peer } : {}), ...(misses ? { misses } : {}) };
  };
  // With --via, the NetworkPolicies' own verdict too: a different one means the converted form changed it.
  const kubernetesAllowed = via === undefined ? undefined : createKubernetesEngine(cluster).decide(connection).allowed;
  return {
    engine: engine.name,
    connection,
    allowed: decision.allowed,
    egress: direction('Egress'),
    ingress: direction('Ingress'),
    ...(kubernetesAllowed !== undefined ? { kubernetesAllowed } : {}),
  };
}

const FORMATS = ['text', 'json'] as const;

interface ExplainOptions {
  filename?: string[];
  cluster?: string;
  from?: string;
  to?: string;
  port?: string;
  family?: string;
  output?: string;
  via?: string;
  onError?: string;
  against?: string[];
  antreaVersion?: string;
}

/** `np2dfw explain`: one connection's verdict and why, per direction. */
export function registerExplain(program: Command): void {
  const cmd = program
    .command('explain')
    .description('explain whether one connection is allowed, and which policy, rule, peer and port decided each direction');
  addTargetFlags(addInputOptions(cmd), '--via')
    .option('--from <endpoint>', 'the source: NAMESPACE/POD, or an IP address (a pod\'s, or one outside the cluster)')
    .option('--to <endpoint>', 'the destination: NAMESPACE/POD, or an IP address')
    .option('--port <port>', 'the destination port: 80 (TCP), 80/TCP, 53/UDP')
    .option('--family <4|6>', 'the address family, for dual-stack pods (default: 4 when both ends have IPv4)')
    .option('-o, --output <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .option('--via <target>', 'explain the converted form for this target instead of the NetworkPolicies')
    .option('--on-error <mode>', 'with --via, when the target refuses a policy: abort (exit 3) or continue (evaluate the mixed state)', 'abort')
    .action(async (opts: ExplainOptions) => {
      const format = outputFormat(opts.output, FORMATS, 'text');
      for (const flag of ['from', 'to', 'port'] as const) if (!opts[flag]) throw usageError(`explain needs --from, --to and --port (e.g. --from default/a --to 10.0.0.1 --port 443/TCP); --${flag} is missing`);
      const query = parsePortArgument(opts.port!);
      const family = parseFamilyArgument(opts.family);
      const onError = parseOnErrorArgument(opts.onError);
      const cluster = await loadClusterFromOptions(opts);
      const from = resolveEndpointArgument(opts.from!, cluster, '--from', usageError);
      const to = resolveEndpointArgument(opts.to!, cluster, '--to', usageError);
      const fam = connectionFamily(from, to, family, ['--from', '--to'], usageError);
      const connection: Connection = { src: endpointFor(from, fam), dst: endpointFor(to, fam), protocol: query.protocol, port: query.port };
      const x = explainConnection(cluster, connection, opts.via, onError, opts);
      writeChunks([format === 'json' ? formatExplanationJson(x) : formatExplanationText(x)]);
    });
}
