import type { Command } from 'commander';
import { createKubernetesEngine } from '../../evaluate/kubernetes/kubernetes-engine.ts';
import { TARGETS } from '../../targets/registry.ts';
import { formatVerifyReport } from '../../evaluate/verify/format-report.ts';
import { verifyEngines } from '../../evaluate/verify/verify-engines.ts';
import { formatCount } from '../../evaluate/counts.ts';
import type { ProgressCallback, ProgressEvent } from '../../evaluate/progress.ts';
import { usageError } from '../cli-error.ts';
import { stderrProgress } from '../output/progress.ts';
import { EXIT } from '../exit-codes.ts';
import { addInputOptions, keyword, loadClusterFromOptions, outputFormat } from '../input-options.ts';
import { addTargetFlags, antreaVersionOption, existingTarget } from '../target-flags.ts';
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
  addTargetFlags(addBatchOptions(addInputOptions(cmd)
    .option('--target <name>', `the target: ${[...TARGETS.keys()].join(', ')}`, 'nsx')
    .option('-o, --output <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--max-counterexamples <n>', 'how many differing connections to explain', '20')
    .option('--progress', 'print progress lines to stderr even when it is not a terminal')), '--target')
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
      const cluster = await loadClusterFromOptions(opts);
      const progress = verifyProgress(opts.progress === true);
      if (opts.against) {
        // An existing configuration: no conversion, so no refusal; what cannot be evaluated is invalid input.
        const existing = existingTarget(cluster, target, opts.against, antreaVersion, '--target');
        const report = verifyEngines(cluster, createKubernetesEngine(cluster), existing.engine, { maxCounterexamples: max, boundaries: existing.boundaries, progress: progress.step });
        progress.done();
        process.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
        if (!report.equivalent) process.exitCode = EXIT.FAILURE;
        return;
      }
      checkOnlyUids(cluster, batch.only);
      const built = buildTargetForCli(builder, cluster, batch, target, 'verified');
      const report = verifyEngines(cluster, createKubernetesEngine(cluster), built.engine, { maxCounterexamples: max, boundaries: built.boundaries, progress: progress.step });
      progress.done();
      process.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
      if (!report.equivalent) process.exitCode = EXIT.FAILURE;
    });
}

/**
 * Verify's progress on stderr: with `--progress`, a line per second at most (and the first and last step), into
 * pipes too; otherwise a line that rewrites itself on a terminal, and nothing elsewhere.
 */
function verifyProgress(lines: boolean): { step: ProgressCallback; done(): void } {
  const say = (e: ProgressEvent) => `np2dfw verify: matrix ${formatCount(e.done)} of ${formatCount(e.total)} (${e.what})`;
  if (!lines) {
    const p = stderrProgress();
    return { step: (e) => p.update(`${say(e)}...`), done: () => p.done() };
  }
  let last = 0;
  return {
    step: (e) => {
      const now = performance.now();
      if (e.done !== 1 && e.done !== e.total && now - last < 1000) return;
      last = now;
      process.stderr.write(`${say(e)}\n`);
    },
    done() {},
  };
}
