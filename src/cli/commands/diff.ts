import type { Command } from 'commander';
import { createKubernetesEngine } from '../../evaluate/kubernetes/kubernetes-engine.ts';
import { TARGETS } from '../../targets/registry.ts';
import { buildCluster, type Cluster } from '../../k8s/cluster.ts';
import { usageError } from '../cli-error.ts';
import { EXIT } from '../exit-codes.ts';
import { addInputOptions, keyword, loadClusterFromOptions, outputFormat, repeatable } from '../input-options.ts';
import { diffConnections, type DiffSide } from '../output/connection-diff.ts';
import { countOf } from '../../evaluate/counts.ts';
import { formatDiffCsv, formatDiffJson, formatDiffMarkdown, formatDiffTable } from '../output/diff-formats.ts';
import { writeChunks } from '../output/write-output.ts';
import { addBatchOptions, batchOptions, buildTargetForCli, checkOnlyUids, type BatchCliOptions } from './convert.ts';

const FORMATS = ['table', 'json', 'csv', 'md'] as const;

interface DiffCliOptions extends BatchCliOptions {
  filename?: string[];
  cluster?: string;
  to?: string[];
  toTarget?: string;
  output?: string;
}

/**
 * The AFTER side's cluster: its own policies; its own pods, or BEFORE's when it gives none (a change of policies
 * only); the namespaces it declares, and BEFORE's declared namespaces it does not redeclare.
 */
export function afterCluster(before: Cluster, after: Cluster): Cluster {
  const declared = [...after.namespaces.values()].filter((ns) => ns.declared);
  const names = new Set(declared.map((ns) => ns.name));
  const inherited = [...before.namespaces.values()].filter((ns) => ns.declared && !names.has(ns.name));
  return buildCluster(after.name, {
    namespaces: [...inherited, ...declared],
    pods: after.pods.length ? after.pods : before.pods,
    policies: after.policies,
  });
}

/** `np2dfw diff`: the connections whose verdict changes between two sets of policies, or policies and a target. */
export function registerDiff(program: Command): void {
  const cmd = program
    .command('diff')
    .description('show the connections whose verdict changes between two sets of policies (-f BEFORE --to AFTER) or the NetworkPolicies and a target\'s converted form (--to-target); exit 0 nothing changes, 1 something does');
  addBatchOptions(addInputOptions(cmd)
    .option('--to <path>', 'the AFTER side: a file, a folder or - (repeatable); without pods it keeps BEFORE\'s pods and namespaces', repeatable)
    .option('--to-target <name>', `compare with the converted form for this target: ${[...TARGETS.keys()].join(', ')}`)
    .option('-o, --output <format>', `output format: ${FORMATS.join(', ')}`, 'table'))
    .addHelpText('after', `
Every port of TCP, UDP and SCTP is compared (cut where either side's policies or pods draw a boundary), between
the pods both sides have and the address ranges either side's ipBlocks tell apart. Pods that only one side has
are named on stderr and not compared. The batch options (--on-error, --only, ...) shape --to-target's conversion.`)
    .action(async (opts: DiffCliOptions) => {
      const format = outputFormat(opts.output, FORMATS, 'table');
      const toFiles = opts.to ?? [];
      if (toFiles.length === 0 && opts.toTarget === undefined) throw usageError('diff needs an AFTER side: --to FILE|FOLDER|- (other policies) or --to-target TARGET (the converted form)');
      if (toFiles.length && opts.toTarget !== undefined) throw usageError('--to and --to-target: give one of them');
      if (toFiles.includes('-') && (opts.filename ?? []).includes('-')) throw usageError('-f - and --to -: only one side can be read from stdin');
      const target = opts.toTarget === undefined ? undefined : keyword(opts.toTarget);
      const builder = target === undefined ? undefined : TARGETS.get(target)?.build;
      if (target !== undefined && !builder) throw usageError(`--to-target ${opts.toTarget}: unknown target; known targets: ${[...TARGETS.keys()].join(', ')}`);
      const batch = batchOptions(opts);
      const cluster = await loadClusterFromOptions(opts);
      checkOnlyUids(cluster, batch.only);
      const reference = createKubernetesEngine(cluster, { name: target === undefined ? 'before' : 'kubernetes' });
      const before: DiffSide = { name: reference.name, engine: reference, cluster };
      let after: DiffSide;
      if (builder) {
        const built = buildTargetForCli(builder, cluster, batch, target!, 'compared');
        // The target is built from the same cluster: its decisions follow the reference engine's endpoint classes.
        after = { name: target!, engine: built.engine, cluster, classOf: reference.compiled().classOf };
      } else {
        const afterOwn = afterCluster(cluster, await loadClusterFromOptions({ filename: toFiles, cluster: opts.cluster }));
        after = { name: 'after', engine: createKubernetesEngine(afterOwn, { name: 'after' }), cluster: afterOwn };
      }
      const d = diffConnections(before, after);
      if (d.onlyBefore.length) process.stderr.write(`np2dfw: not compared, only ${d.before} has ${countOf(d.onlyBefore.length, 'pod')}: ${d.onlyBefore.join(', ')}\n`);
      if (d.onlyAfter.length) process.stderr.write(`np2dfw: not compared, only ${d.after} has ${countOf(d.onlyAfter.length, 'pod')}: ${d.onlyAfter.join(', ')}\n`);
      switch (format) {
        case 'json': writeChunks([formatDiffJson(d)]); break;
        case 'csv': writeChunks([formatDiffCsv(d)]); break;
        case 'md': writeChunks([formatDiffMarkdown(d)]); break;
        case 'table': writeChunks([formatDiffTable(d)]); break;
      }
      process.exitCode = d.changed ? EXIT.FAILURE : EXIT.OK;
    });
}
