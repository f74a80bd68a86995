import type { Command } from 'commander';
import { convertCluster } from '../../convert/convert-cluster.ts';
import { formatPort } from '../../evaluate/connection.ts';
import { defaultFamily, endpointsOf } from '../../evaluate/endpoints.ts';
import { createKubernetesEngine } from '../../evaluate/kubernetes/kubernetes-engine.ts';
import { familyOf } from '../../net/ip-address.ts';
import { compareWithEngine, LabUnavailableError, runLab, type LabTarget } from '../../lab/run-lab.ts';
import { CliError, usageError } from '../cli-error.ts';
import { EXIT } from '../exit-codes.ts';
import { addInputOptions, keyword, loadClusterFromOptions, outputFormat, repeatable } from '../input-options.ts';
import { formatMatrixJson } from '../../report/matrix-json.ts';
import { formatMatrixTable } from '../../report/matrix-table.ts';
import { formatRefusals, refusedPolicies } from '../output/refusals.ts';
import { parseExternals, parseFamilyArgument, parsePortArgument } from '../arguments.ts';
import { defaultPorts } from '../../report/ports.ts';
import { countOf } from '../../evaluate/counts.ts';

const FORMATS = ['table', 'json'] as const;
const TARGETS: readonly LabTarget[] = ['nftables', 'iptables'];

interface LabCliOptions {
  filename?: string[];
  cluster?: string;
  target?: string;
  port?: string[];
  external?: string[];
  family?: string;
  output?: string;
  compare?: boolean;
  timeout?: string;
}

/** `np2dfw lab`: loads the generated ruleset into a network-namespace lab and probes every pair for real. */
export function registerLab(program: Command): void {
  const cmd = program
    .command('lab')
    .description('build the pods as network namespaces, load the nftables or ipset+iptables ruleset on their nodes, probe every pair with real TCP/UDP connections, and compare with the Kubernetes semantics (root only)');
  addInputOptions(cmd)
    .requiredOption('--target <target>', `the dataplane to load: ${TARGETS.join(', ')}`)
    .option('--port <port>', 'a destination port: 80 (TCP), 80/TCP, 53/UDP (repeatable; default: every port a pod declares)', repeatable)
    .option('--external <ip>', 'an address outside the cluster, given its own namespace in the lab (repeatable)', repeatable)
    .option('--family <4|6>', 'the address family to probe (default: 4 when any endpoint has an IPv4 address)')
    .option('-o, --output <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--no-compare', 'only print what was observed; do not compare with the reference engine')
    .option('--timeout <ms>', 'how long a probe waits for an answer, in milliseconds', '400')
    .action(async (opts: LabCliOptions) => {
      const format = outputFormat(opts.output, FORMATS, 'table');
      const target = keyword(opts.target ?? '') as LabTarget;
      if (!TARGETS.includes(target)) throw usageError(`--target ${opts.target}: the lab loads ${TARGETS.join(' or ')}`);
      const timeoutMs = Number(opts.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 50 || timeoutMs > 10_000) throw usageError(`--timeout ${opts.timeout}: give milliseconds between 50 and 10000`);
      const family = parseFamilyArgument(opts.family);
      const explicitPorts = (opts.port ?? []).map((p) => parsePortArgument(p));
      const cluster = await loadClusterFromOptions(opts);
      const externals = parseExternals(opts.external, cluster);
      const fam = family ?? defaultFamily(cluster, externals);
      const seen = new Set<string>();
      const ports = explicitPorts.length ? explicitPorts.filter((q) => !seen.has(formatPort(q)) && seen.add(formatPort(q))) : defaultPorts(cluster);
      if (ports.length === 0) throw usageError('no port to probe: no pod declares a container port and no policy names a port number; give --port (e.g. --port 80/TCP)');
      const skippedExternals = externals.filter((ip) => familyOf(ip) !== fam);
      if (skippedExternals.length) process.stderr.write(`np2dfw lab: not probed with IPv${fam}: --external ${skippedExternals.join(', ')} (use --family ${fam === 4 ? 6 : 4})\n`);

      const conversion = convertCluster(cluster, { profile: 'extended' });
      if (conversion.refusals.length) {
        throw new CliError(`the dataplane cannot express ${refusedPolicies(conversion.refusals)}:\n${formatRefusals(conversion.refusals)}`, EXIT.REFUSED);
      }
      const endpoints = endpointsOf(cluster, fam, externals);
      let result;
      try {
        result = await runLab({
          cluster, config: conversion.config, target, endpoints, ports, timeoutMs,
          progress: (line) => process.stderr.write(`np2dfw lab: ${line}\n`),
        });
      } catch (e) {
        if (e instanceof LabUnavailableError) throw new CliError(`cannot run the lab: ${e.message}`, EXIT.FAILURE);
        throw e;
      }
      for (const s of result.skipped) process.stderr.write(`np2dfw lab: ${formatPort(s.query)} skipped: ${s.reason}\n`);
      const timings = Object.entries(result.timings).map(([k, v]) => `${k} ${v} ms`).join(', ');
      process.stderr.write(`np2dfw lab: ${timings}\n`);
      const reach = { endpoints: result.endpoints, ports: result.ports };
      process.stdout.write(format === 'json' ? formatMatrixJson(reach) : formatMatrixTable(reach));
      if (opts.compare === false) return;
      const diffs = compareWithEngine(result, createKubernetesEngine(cluster));
      const out = format === 'json' ? process.stderr : process.stdout;
      if (diffs.length === 0) {
        out.write(`${format === 'json' ? 'np2dfw lab: ' : '\n'}the ${target} dataplane behaved exactly as the Kubernetes semantics say on ${countOf(result.ports.length, 'port')} x ${countOf(endpoints.length * endpoints.length, 'pair')}\n`);
        return;
      }
      const lines = diffs.map((d) => `  ${d.src} -> ${d.dst} ${formatPort(d.query)}: observed ${d.observed ? 'allowed' : 'denied'}, Kubernetes ${d.expected ? 'allows' : 'denies'}`);
      out.write(`${format === 'json' ? 'np2dfw lab: ' : '\n'}${countOf(diffs.length, 'connection')} ${diffs.length === 1 ? 'differs' : 'differ'} from the Kubernetes semantics:\n${lines.join('\n')}\n`);
      process.exitCode = EXIT.FAILURE;
    });
}
