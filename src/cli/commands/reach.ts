import type { Command } from 'commander';
import type { Cluster } from '../../k8s/cluster.ts';
import { podId, podIsLive } from '../../k8s/pod.ts';
import { isProtocol, type Protocol } from '../../k8s/protocol.ts';
import type { PortQuery, QueryProtocol } from '../../evaluate/connection.ts';
import { formatPort } from '../../evaluate/connection.ts';
import type { Endpoint } from '../../evaluate/endpoint.ts';
import { defaultFamily, endpointsOf } from '../../evaluate/endpoints.ts';
import type { ReachabilityEngine } from '../../evaluate/engine.ts';
import { createKubernetesEngine } from '../../evaluate/kubernetes/kubernetes-engine.ts';
import type { OnError } from '../../convert/batch-options.ts';
import { TARGETS } from '../../targets/registry.ts';
import { familyOf, type Family } from '../../net/ip-address.ts';
import { CliError, usageError } from '../cli-error.ts';
import { EXIT } from '../exit-codes.ts';
import { addInputOptions, keyword, loadClusterFromOptions, outputFormat, repeatable } from '../input-options.ts';
import { matrixCsvChunks } from '../output/matrix-csv.ts';
import { matrixJsonChunks } from '../output/matrix-json.ts';
import { formatMatrixMarkdown } from '../output/matrix-markdown.ts';
import { formatMatrixTable, GRID_MAX_ENDPOINTS } from '../output/matrix-table.ts';
import type { PortMatrix, Reachability } from '../output/port-matrix.ts';
import { stderrProgress } from '../output/progress.ts';
import { formatRefusals, refusedPolicies } from '../output/refusals.ts';
import { writeChunks } from '../output/write-output.ts';
import { groupByWorkload } from '../output/workload-groups.ts';
import { addTargetFlags, antreaVersionOption, existingTarget } from '../target-flags.ts';
/** `--against` and `--antrea-version` as given on the command line. */
export interface TargetFlags {
  readonly against?: readonly string[];
  readonly antreaVersion?: string;
}
import { atomEndpoints, connectionList, formatConnlist } from '../output/connlist.ts';
import { countOf, formatCount } from '../../evaluate/counts.ts';
import { isPortRange, type PortRange } from '../output/port-ranges.ts';
import { formatSummaryCsv, formatSummaryJson, formatSummaryMarkdown, formatSummaryTable, reachSummary, type SummaryFilter } from '../output/reach-summary.ts';
import { addressAtoms } from '../../evaluate/verify/address-atoms.ts';
import { portClasses } from '../../evaluate/verify/port-classes.ts';

const PROTOCOL_ORDER: Record<QueryProtocol, number> = { TCP: 0, UDP: 1, SCTP: 2, OTHER: 3 };

/** Orders ports by number, then TCP, UDP, SCTP. */
export function comparePorts(a: PortQuery, b: PortQuery): number {
  return a.port - b.port || PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol];
}

/** Parses `--port`: `80` (TCP), `80/TCP`, `53/udp`, `9000/SCTP`. Anything else is a usage error (exit 2). */
export function parsePortArgument(value: string, flag = '--port'): PortQuery {
  const m = /^(\d+)(?:\/([A-Za-z]+))?$/.exec(value.trim());
  if (!m) {
    throw usageError(`${flag} ${value}: expected a port number and an optional protocol, such as 80, 80/TCP or 53/UDP` +
      (/^[a-z]/i.test(value) ? ' (named ports are resolved per pod; give the number you want to see)' : ''));
  }
  const port = Number(m[1]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw usageError(`${flag} ${value}: the port must be between 1 and 65535`);
  const protocol = (m[2] ?? 'TCP').toUpperCase();
  if (!isProtocol(protocol)) throw usageError(`${flag} ${value}: unknown protocol ${m[2]}; use TCP, UDP or SCTP`);
  return { protocol, port };
}

/** Parses `--family`: 4 or 6 (also `ipv4`/`ipv6`); undefined when not given. */
export function parseFamilyArgument(value: string | undefined): Family | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase().replace(/^ipv/, '');
  if (v === '4') return 4;
  if (v === '6') return 6;
  throw usageError(`--family ${value}: use 4 or 6`);
}

/** Parses `--on-error`: abort (default) or continue. */
export function parseOnErrorArgument(value: string | undefined): OnError {
  const v = (value ?? 'abort').toLowerCase();
  if (v === 'abort' || v === 'continue') return v;
  throw usageError(`--on-error ${value}: use abort or continue`);
}

/**
 * Checks `--external` addresses: each must be an IP address that no live pod of the cluster holds (that pod is
 * already an endpoint). Duplicates are dropped; the order is kept.
 */
export function parseExternals(values: readonly string[] | undefined, cluster: Cluster): string[] {
  const podByIp = new Map<string, string>();
  for (const pod of cluster.pods) if (podIsLive(pod)) for (const ip of pod.ips) podByIp.set(ip, podId(pod));
  const out: string[] = [];
  for (const raw of values ?? []) {
    const ip = raw.trim();
    if (!familyOf(ip)) {
      throw usageError(`--external ${raw}: not an IP address (give one address, such as 203.0.113.10 or 2001:db8::1; CIDRs are not endpoints)`);
    }
    const pod = podByIp.get(ip);
    if (pod) throw usageError(`--external ${ip}: this is the address of pod ${pod}, which is already an endpoint; give an address outside the cluster`);
    if (!out.includes(ip)) out.push(ip);
  }
  return out;
}

/**
 * The ports `reach` shows when no `--port` is given: every container port that a live pod declares (named
 * ports included, as the numbers they resolve to on their pod), ordered by number then protocol. When no pod
 * declares one, the numeric ports the policies name.
 */
export function defaultPorts(cluster: Cluster): PortQuery[] {
  const seen = new Map<string, PortQuery>();
  const add = (q: PortQuery) => seen.set(formatPort(q), q);
  for (const pod of cluster.pods) if (podIsLive(pod)) for (const p of pod.ports) add({ protocol: p.protocol, port: p.port });
  if (seen.size === 0) {
    for (const pol of cluster.policies) {
      for (const rule of [...pol.ingress, ...pol.egress]) {
        for (const p of rule.ports ?? []) if (typeof p.port === 'number') add({ protocol: p.protocol, port: p.port });
      }
    }
  }
  return [...seen.values()].sort(comparePorts);
}

/**
 * The engine `reach`/`explain` evaluate with: the Kubernetes reference engine, or with `--via TARGET` the
 * target's converted form. When the target refuses a policy and `--on-error` is not `continue`, exits 3 listing
 * the policies and reasons; with `continue`, the refusals are noted on stderr and the mixed state is evaluated.
 */
export function engineFor(cluster: Cluster, via: string | undefined, onError: OnError, target: TargetFlags = {}): ReachabilityEngine {
  const antreaVersion = antreaVersionOption(target.antreaVersion, via, '--via');
  if (target.against) return existingTarget(cluster, via, target.against, antreaVersion, '--via').engine;
  if (via === undefined) return createKubernetesEngine(cluster);
  via = keyword(via);
  const builder = TARGETS.get(via)?.build;
  if (!builder) {
    const known = [...TARGETS.keys()];
    throw usageError(`--via ${via}: unknown target; ${known.length ? `known targets: ${known.join(', ')}` : 'no target is registered in this build'}`);
  }
  const built = builder(cluster, { onError, ...(antreaVersion ? { antreaVersion } : {}) });
  if (built.refusals.length) {
    const what = `the target ${via} cannot express ${refusedPolicies(built.refusals)}`;
    if (onError !== 'continue') {
      throw new CliError(`${what}; nothing was evaluated (with --on-error continue, the refused policies stay NetworkPolicies and the mixed state is evaluated):\n${formatRefusals(built.refusals)}`, EXIT.REFUSED);
    }
    process.stderr.write(`np2dfw: ${what}; they stay NetworkPolicies in the mixed state evaluated here:\n${formatRefusals(built.refusals)}\n`);
  }
  return built.engine;
}

/** Computes the matrix of every port, with progress on a terminal. */
export function computeReachability(engine: ReachabilityEngine, endpoints: readonly Endpoint[], ports: readonly PortQuery[]): Reachability {
  const progress = stderrProgress();
  const out: PortMatrix[] = [];
  try {
    ports.forEach((query, i) => {
      progress.update(`np2dfw: computing ${formatPort(query)} (port ${formatCount(i + 1)} of ${formatCount(ports.length)}, ${countOf(endpoints.length, 'endpoint')})...`);
      out.push({ query, matrix: engine.matrix(endpoints, query) });
    });
  } finally {
    progress.done();
  }
  return { endpoints, ports: out };
}

/**
 * With `--via`: compares each port's matrix with the NetworkPolicies' own and says on stderr how many
 * connections the converted form changes (stdout stays the matrix alone).
 */
export function noteDifferences(r: Reachability, reference: ReachabilityEngine, via: string): void {
  const changed: string[] = [];
  for (const { query, matrix } of r.ports) {
    const n = matrix.differences(reference.matrix(r.endpoints, query)).length;
    if (n) changed.push(`${countOf(n, 'connection')} on ${formatPort(query)}`);
  }
  process.stderr.write(changed.length
    ? `np2dfw: the ${via} form changes the NetworkPolicies' verdict of ${changed.join(', ')} (np2dfw explain --via ${via} tells why)\n`
    : `np2dfw: the ${via} form gives the same verdict as the NetworkPolicies for every connection shown\n`);
}

const FORMATS = ['table', 'json', 'csv', 'md', 'connlist'] as const;

/** Above this many cells (endpoints x ports), `reach`'s table is the summary per namespace pair unless --group pod/namespace. */
export const SUMMARY_MIN_CELLS = 200;

interface ReachOptions {
  filename?: string[];
  cluster?: string;
  port?: string[];
  external?: string[];
  family?: string;
  output?: string;
  via?: string;
  onError?: string;
  group?: string;
  against?: string[];
  antreaVersion?: string;
  summary?: boolean;
  allowed?: boolean;
  denied?: boolean;
}

/** `np2dfw reach`: the reachability matrix per port. */
export function registerReach(program: Command): void {
  const cmd = program
    .command('reach')
    .description('print which endpoints may connect to which, per port (row = source, column = destination)');
  addTargetFlags(addInputOptions(cmd), '--via')
    .option('--port <port>', 'a destination port: 80 (TCP), 80/TCP, 53/UDP (repeatable; default: every port a pod declares)', repeatable)
    .option('--external <ip>', 'an address outside the cluster to show as an endpoint (repeatable)', repeatable)
    .option('--family <4|6>', 'the address family to show (default: 4 when any endpoint has an IPv4 address)')
    .option('-o, --output <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--via <target>', 'evaluate the converted form for this target instead of the NetworkPolicies')
    .option('--on-error <mode>', 'with --via, when the target refuses a policy: abort (exit 3) or continue (evaluate the mixed state)', 'abort')
    .option('--group <how>', `pod (a pod-by-pod grid), workload (a workload's pods as one row namespace/name[Kind], where they answer alike; every format), namespace (allowed/total per namespace pair) or auto (tables: workload rows up to ${GRID_MAX_ENDPOINTS}, else namespace)`, 'auto')
    .option('--summary', `one line per namespace pair with counts first (table, json, csv, md; the table's default above ${SUMMARY_MIN_CELLS} endpoints x ports with --group auto)`)
    .option('--allowed', 'with the summary: only the namespace pairs with an allowed connection')
    .option('--denied', 'with the summary: only the namespace pairs with a denied connection')
    .addHelpText('after', CONNLIST_HELP)
    .action(async (opts: ReachOptions) => {
      const format = outputFormat(opts.output, FORMATS, 'table');
      const group = keyword(opts.group ?? 'auto');
      if (group !== 'auto' && group !== 'pod' && group !== 'workload' && group !== 'namespace') throw usageError(`--group ${opts.group}: use auto, pod, workload or namespace`);
      if (opts.allowed && opts.denied) throw usageError('--allowed and --denied: give one of them (without either, the summary shows every namespace pair)');
      const filter: SummaryFilter = opts.allowed ? 'allowed' : opts.denied ? 'denied' : 'all';
      if (format === 'connlist' && (opts.summary || filter !== 'all')) throw usageError('-o connlist lists the allowed connections; --summary, --allowed and --denied go with table, json, csv or md');
      const gridMaxEndpoints = group === 'pod' || group === 'workload' ? Infinity : group === 'namespace' ? 0 : GRID_MAX_ENDPOINTS;
      const family = parseFamilyArgument(opts.family);
      const onError = parseOnErrorArgument(opts.onError);
      const explicitPorts = (opts.port ?? []).map((p) => parsePortArgument(p));
      const cluster = await loadClusterFromOptions(opts);
      const externals = parseExternals(opts.external, cluster);
      const fam = family ?? defaultFamily(cluster, externals);
      const skipped = externals.filter((ip) => familyOf(ip) !== fam);
      if (skipped.length) process.stderr.write(`np2dfw: not shown with IPv${fam}: --external ${skipped.join(', ')} (use --family ${fam === 4 ? 6 : 4})\n`);
      const seen = new Set<string>();
      if (format === 'connlist') {
        writeChunks([reachConnlist(cluster, fam, explicitPorts, externals, opts.via, onError, opts)]);
        return;
      }
      const ports = explicitPorts.length
        ? explicitPorts.filter((q) => !seen.has(formatPort(q)) && seen.add(formatPort(q)))
        : defaultPorts(cluster);
      if (ports.length === 0) throw usageError('no port to show: no pod declares a container port and no policy names a port number; give --port (e.g. --port 80/TCP)');
      const engine = engineFor(cluster, opts.via, onError, opts);
      const endpoints = endpointsOf(cluster, fam, externals);
      const computed = computeReachability(engine, endpoints, ports);
      if (opts.via !== undefined) noteDifferences(computed, createKubernetesEngine(cluster), keyword(opts.via));
      const summary = opts.summary || filter !== 'all'
        || (format === 'table' && group === 'auto' && endpoints.length * ports.length > SUMMARY_MIN_CELLS);
      if (summary) {
        if (!opts.summary && filter === 'all') {
          process.stderr.write(`np2dfw: ${countOf(endpoints.length, 'endpoint')} x ${countOf(ports.length, 'port')}: the summary per namespace pair (--group pod or --group namespace prints the per-port grids)\n`);
        }
        const rows = reachSummary(computed, filter);
        switch (format) {
          case 'json': writeChunks([formatSummaryJson(rows)]); break;
          case 'csv': writeChunks([formatSummaryCsv(rows)]); break;
          case 'md': writeChunks([formatSummaryMarkdown(rows)]); break;
          default: writeChunks([formatSummaryTable(computed, rows, filter)]); break;
        }
        return;
      }
      // A workload's pods as one row: asked for, or by default in the tables (merged only where exact).
      const r = group === 'workload' || (group === 'auto' && (format === 'table' || format === 'md')) ? groupByWorkload(computed) : computed;
      switch (format) {
        case 'json': writeChunks(matrixJsonChunks(r)); break;
        case 'csv': writeChunks(matrixCsvChunks(r)); break;
        case 'md': writeChunks([formatMatrixMarkdown(r, { gridMaxEndpoints })]); break;
        case 'table': writeChunks([formatMatrixTable(r, { gridMaxEndpoints })]); break;
      }
    });
}

const CONNLIST_HELP = `
-o connlist lists the allowed connections, one line per pair, aggregated over ports and port ranges
(ns/a => ns/b : TCP 8080,9090). Without --port it covers every port of every protocol; without --external, every
address outside the cluster, as the ranges the policies' ipBlocks tell apart (0.0.0.0-9.255.255.255). A pod's
traffic to itself and traffic between two outside addresses are left out.`;

/** `reach -o connlist`: every port class (or the --port ones) and every ipBlock atom (or the --external addresses). */
function reachConnlist(cluster: Cluster, family: Family, ports: readonly PortQuery[], externals: readonly string[], via: string | undefined, onError: OnError, target: TargetFlags): string {
  const engine = engineFor(cluster, via, onError, target);
  const classes: PortRange[] = ports.length
    ? ports.map((q) => ({ protocol: q.protocol, first: q.port, last: q.port })).filter(isPortRange)
    : portClasses(cluster).filter(isPortRange);
  const pods = endpointsOf(cluster, family);
  if (externals.length) return formatConnlist(connectionList(engine, endpointsOf(cluster, family, externals), classes));
  const atoms = atomEndpoints(addressAtoms(cluster, family));
  return formatConnlist(connectionList(engine, [...pods, ...atoms.map((a) => a.endpoint)], classes, atoms.map((a) => a.atom)));
}
