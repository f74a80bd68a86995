import type { Command } from 'commander';
import type { Cluster } from '../../k8s/cluster.ts';
import type { PortQuery } from '../../evaluate/connection.ts';
import { formatPort } from '../../evaluate/connection.ts';
import type { Endpoint } from '../../evaluate/endpoint.ts';
import { defaultFamily, endpointsOf } from '../../evaluate/endpoints.ts';
import type { ReachabilityEngine } from '../../evaluate/engine.ts';
import { createKubernetesEngine } from '../../evaluate/kubernetes/kubernetes-engine.ts';
import type { OnError } from '../../convert/batch-options.ts';
import { familyOf, type Family } from '../../net/ip-address.ts';
import { countOf } from '../../evaluate/counts.ts';
import { addressAtoms } from '../../evaluate/verify/address-atoms.ts';
import { portClasses } from '../../evaluate/verify/port-classes.ts';
import { atomEndpoints, connectionRows, connlistChunks, type ConnlistRow } from '../../report/connlist.ts';
import { groupedReachability, groupMatrices, type GroupedReachability } from '../../report/grouped-reachability.ts';
import { matrixCsvChunks } from '../../report/matrix-csv.ts';
import { matrixJsonChunks } from '../../report/matrix-json.ts';
import { formatGroupedMarkdown, formatMatrixMarkdown } from '../../report/matrix-markdown.ts';
import { formatGroupedTable, formatMatrixTable, GRID_MAX_ENDPOINTS } from '../../report/matrix-table.ts';
import type { PortMatrix, Reachability } from '../../report/port-matrix.ts';
import { isPortRange, type PortRange } from '../../report/port-ranges.ts';
import { defaultPorts } from '../../report/ports.ts';
import type { ProgressCallback } from '../../evaluate/progress.ts';
import { formatSummaryCsv, formatSummaryJson, formatSummaryMarkdown, formatSummaryTable, reachSummary, type SummaryFilter } from '../../report/reach-summary.ts';
import { groupByWorkload, mayGroupByWorkload } from '../../report/workload-groups.ts';
import { parseExternals, parseFamilyArgument, parseOnErrorArgument, parsePortArgument } from '../arguments.ts';
import { usageError } from '../cli-error.ts';
import { addInputOptions, keyword, loadClusterFromOptions, outputFormat, repeatable } from '../input-options.ts';
import { addProgressOption, inPhase, progressReporter, type ProgressReporter } from '../output/progress.ts';
import { writeChunks } from '../output/write-output.ts';
import { addTargetFlags } from '../target-flags.ts';
import type { TargetFlags } from '../via-engine.ts';

/** Computes the matrix of every port, reporting progress per port. */
export function computeReachability(engine: ReachabilityEngine, endpoints: readonly Endpoint[], ports: readonly PortQuery[], progress?: ProgressCallback): Reachability {
  const out: PortMatrix[] = [];
  const phase = `computing the matrix of ${countOf(endpoints.length, 'endpoint')} per port`;
  ports.forEach((query, i) => {
    progress?.({ done: i, total: ports.length, what: phase });
    out.push({ query, matrix: engine.matrix(endpoints, query) });
  });
  progress?.({ done: ports.length, total: ports.length, what: phase });
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
  progress?: boolean;
}

/** `np2dfw reach`: the reachability matrix per port. */
export function registerReach(program: Command): void {
  const cmd = program
    .command('reach')
    .description('print which endpoints may connect to which, per port (row = source, column = destination)');
  addProgressOption(addTargetFlags(addInputOptions(cmd), '--via'))
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
      const progress = progressReporter(opts.progress);
      let cluster: Cluster;
      try {
        cluster = await loadClusterFromOptions(opts, progress.report);
      } finally {
        progress.done();
      }
      const externals = parseExternals(opts.external, cluster);
      const fam = family ?? defaultFamily(cluster, externals);
      const skipped = externals.filter((ip) => familyOf(ip) !== fam);
      if (skipped.length) process.stderr.write(`np2dfw: not shown with IPv${fam}: --external ${skipped.join(', ')} (use --family ${fam === 4 ? 6 : 4})\n`);
      const seen = new Set<string>();
      if (format === 'connlist') {
        const rows = await reachConnlist(cluster, fam, explicitPorts, externals, opts.via, onError, opts, progress);
        await inPhase(progress, WRITING, () => writeChunks(connlistChunks(rows)));
        return;
      }
      const ports = explicitPorts.length
        ? explicitPorts.filter((q) => !seen.has(formatPort(q)) && seen.add(formatPort(q)))
        : defaultPorts(cluster);
      if (ports.length === 0) throw usageError('no port to show: no pod declares a container port and no policy names a port number; give --port (e.g. --port 80/TCP)');
      const engine = await reachEngine(cluster, opts.via, onError, opts, progress);
      const endpoints = endpointsOf(cluster, fam, externals);
      const summary = opts.summary || filter !== 'all'
        || (format === 'table' && group === 'auto' && endpoints.length * ports.length > SUMMARY_MIN_CELLS);
      // A workload's pods as one row: asked for, or by default in the tables (merged only where exact).
      const byWorkload = group === 'workload' || (group === 'auto' && (format === 'table' || format === 'md'));
      // Counted per namespace pair: on the engine's classes when it has them, never pod by pod then.
      const perNamespace = summary || ((format === 'table' || format === 'md')
        && endpoints.length > gridMaxEndpoints && !(byWorkload && mayGroupByWorkload(endpoints)));
      let computed: Reachability | undefined;
      let grouped: GroupedReachability | undefined;
      try {
        if (perNamespace && opts.via === undefined && engine.classReachability) grouped = groupedReachability(engine, endpoints, ports, progress.report);
        else computed = computeReachability(engine, endpoints, ports, progress.report);
      } finally {
        progress.done();
      }
      if (computed && opts.via !== undefined) noteDifferences(computed, createKubernetesEngine(cluster), keyword(opts.via));
      if (summary) {
        if (!opts.summary && filter === 'all') {
          process.stderr.write(`np2dfw: ${countOf(endpoints.length, 'endpoint')} x ${countOf(ports.length, 'port')}: the summary per namespace pair (--group pod or --group namespace prints the per-port grids)\n`);
        }
        const g = grouped ?? groupMatrices(computed!);
        await inPhase(progress, WRITING, () => writeSummary(format, g, reachSummary(g, filter), filter));
      } else if (grouped) {
        await inPhase(progress, WRITING, () => writeChunks([format === 'md' ? formatGroupedMarkdown(grouped) : formatGroupedTable(grouped)]));
      } else {
        const r = byWorkload ? groupByWorkload(computed!) : computed!;
        await inPhase(progress, WRITING, () => writeMatrices(format, r, gridMaxEndpoints));
      }
    });
}

/**
 * The engine `reach` evaluates with: the NetworkPolicies' own, or (with --via, --against or --antrea-version) what
 * via-engine.ts decides, loaded only then, since it brings every target's conversion with it.
 */
async function reachEngine(cluster: Cluster, via: string | undefined, onError: OnError, target: TargetFlags, progress: ProgressReporter): Promise<ReachabilityEngine> {
  if (via === undefined && target.against === undefined && target.antreaVersion === undefined) {
    const engine = createKubernetesEngine(cluster);
    await inPhase(progress, 'compiling the policies', () => engine.compiled());
    return engine;
  }
  return (await import('../via-engine.ts')).engineFor(cluster, via, onError, target);
}

const WRITING = 'writing the output';

/** Writes the summary per namespace pair in the format. */
function writeSummary(format: (typeof FORMATS)[number], g: GroupedReachability, rows: ReturnType<typeof reachSummary>, filter: SummaryFilter): void {
  switch (format) {
    case 'json': writeChunks([formatSummaryJson(rows)]); break;
    case 'csv': writeChunks([formatSummaryCsv(rows)]); break;
    case 'md': writeChunks([formatSummaryMarkdown(rows)]); break;
    default: writeChunks([formatSummaryTable(g, rows, filter)]); break;
  }
}

/** Writes the matrices (per port, pod by pod or per workload) in the format. */
function writeMatrices(format: (typeof FORMATS)[number], r: Reachability, gridMaxEndpoints: number): void {
  switch (format) {
    case 'json': writeChunks(matrixJsonChunks(r)); break;
    case 'csv': writeChunks(matrixCsvChunks(r)); break;
    case 'md': writeChunks([formatMatrixMarkdown(r, { gridMaxEndpoints })]); break;
    case 'table': writeChunks([formatMatrixTable(r, { gridMaxEndpoints })]); break;
  }
}

const CONNLIST_HELP = `
-o connlist lists the allowed connections, one line per pair, aggregated over ports and port ranges
(ns/a => ns/b : TCP 8080,9090). Without --port it covers every port of every protocol; without --external, every
address outside the cluster, as the ranges the policies' ipBlocks tell apart (0.0.0.0-9.255.255.255). A pod's
traffic to itself and traffic between two outside addresses are left out.`;

/** `reach -o connlist`: every port class (or the --port ones) and every ipBlock atom (or the --external addresses). */
async function reachConnlist(cluster: Cluster, family: Family, ports: readonly PortQuery[], externals: readonly string[], via: string | undefined, onError: OnError, target: TargetFlags, progress: ProgressReporter): Promise<Iterable<ConnlistRow>> {
  const engine = await reachEngine(cluster, via, onError, target, progress);
  const classes: PortRange[] = ports.length
    ? ports.map((q) => ({ protocol: q.protocol, first: q.port, last: q.port })).filter(isPortRange)
    : portClasses(cluster).filter(isPortRange);
  const pods = endpointsOf(cluster, family);
  // Rows are made as they are written (source by source), never all in memory.
  if (externals.length) return connectionRows(engine, endpointsOf(cluster, family, externals), classes);
  const atoms = atomEndpoints(addressAtoms(cluster, family));
  return connectionRows(engine, [...pods, ...atoms.map((a) => a.endpoint)], classes, atoms.map((a) => a.atom));
}
