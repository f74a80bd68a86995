import type { Command } from 'commander';
import { createKubernetesEngine } from '../../evaluate/kubernetes/kubernetes-engine.ts';
import { TARGETS } from '../../targets/registry.ts';
import { formatVerifyReport } from '../../evaluate/verify/format-report.ts';
import { verifyEngines } from '../../evaluate/verify/verify-engines.ts';
import type { ProgressCallback } from '../../evaluate/progress.ts';
import { usageError } from '../cli-error.ts';
import { EXIT } from '../exit-codes.ts';
import { addInputOptions, keyword, loadClusterFromOptions, outputFormat } from '../input-options.ts';
import { addProgressOption, inPhase, progressReporter } from '../output/progress.ts';
import { existingTarget } from '../existing-target.ts';
import { addTargetFlags, antreaVersionOption } from '../target-flags.ts';
import { addBatchOptions, batchOptions, buildTargetForCli, checkOnlyUids, type BatchCliOptions } from './convert.ts';

interface VerifyCliOptions extends BatchCliOptions {
  filename?: string[];
  cluster?: string;
  target?: string;
  output?: string;
  maxCounterexamples?: string;
  against?: string[];
  antreaVersion?: string;
  progress?: boolean;
}

const FORMATS = ['table', 'json'] as const;

/** `np2dfw verify`: the converted form against the NetworkPolicies, connection by connection. */
export function registerVerify(program: Command): void {
  const cmd = program
    .command('verify')
    .description('prove that the converted form (or, with --against, an existing configuration) allows exactly what the NetworkPolicies allow (exit 0 equivalent, 1 different, 2 invalid input, 3 refused)');
  addProgressOption(addTargetFlags(addBatchOptions(addInputOptions(cmd)
    .option('--target <name>', `the target: ${[...TARGETS.keys()].join(', ')}`, 'nsx')
    .option('-o, --output <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--max-counterexamples <n>', 'how many differing connections to explain', '20')), '--target'))
    .action(async (opts: VerifyCliOptions) => {
      const target = keyword(opts.target ?? 'nsx');
      const builder = TARGETS.get(target)?.build;
      if (!builder) throw usageError(`--target ${target}: unknown target; known targets: ${[...TARGETS.keys()].join(', ')}`);
      const format = outputFormat(opts.output, FORMATS, 'table');
      const max = Number(opts.maxCounterexamples ?? '20');
      if (!Number.isInteger(max) || max < 0) throw usageError(`--max-counterexamples ${opts.maxCounterexamples}: expected a non-negative integer`);
      const antreaVersion = antreaVersionOption(opts.antreaVersion, target);
      const batch = { ...batchOptions(opts), ...(antreaVersion ? { antreaVersion } : {}) };
      if (opts.against && opts.only) throw usageError('--only converts some policies; --against verifies an existing configuration as it is: give one of them');
      const progress = progressReporter(opts.progress);
      const cluster = await inPhase(progress, 'reading and checking the input', () => loadClusterFromOptions(opts));
      if (opts.against) {
        // An existing configuration: no conversion, so no refusal; what cannot be evaluated is invalid input.
        const existing = existingTarget(cluster, target, opts.against, antreaVersion, '--target');
        const report = await inPhase(progress, 'verifying', () => verifyEngines(cluster, createKubernetesEngine(cluster), existing.engine, { maxCounterexamples: max, boundaries: existing.boundaries, progress: matrices(progress.report) }));
        process.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
        if (!report.equivalent) process.exitCode = EXIT.FAILURE;
        return;
      }
      checkOnlyUids(cluster, batch.only);
      const built = await inPhase(progress, `converting for ${target}`, () => buildTargetForCli(builder, cluster, batch, target, 'verified'));
      const report = await inPhase(progress, 'verifying', () => verifyEngines(cluster, createKubernetesEngine(cluster), built.engine, { maxCounterexamples: max, boundaries: built.boundaries, progress: matrices(progress.report) }));
      process.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
      if (!report.equivalent) process.exitCode = EXIT.FAILURE;
    });
}

/** verify's port classes as one phase of its progress (a line per tenth with --progress, not one per port class). */
function matrices(report: ProgressCallback): ProgressCallback {
  return (e) => report({ done: e.done, total: e.total, what: 'comparing the matrices of every port class' });
}
