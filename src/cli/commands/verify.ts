import type { Command } from 'commander';
import { ConversionError } from '../../convert/conversion-error.ts';
import { createKubernetesEngine } from '../../evaluate/kubernetes/kubernetes-engine.ts';
import type { BuiltTarget } from '../../evaluate/target.ts';
import { TARGETS } from '../../evaluate/targets.ts';
import { formatVerifyReport } from '../../evaluate/verify/format-report.ts';
import { verifyEngines } from '../../evaluate/verify/verify-engines.ts';
import { CliError, usageError } from '../cli-error.ts';
import { EXIT } from '../exit-codes.ts';
import { addInputOptions, keyword, loadClusterFromOptions, outputFormat } from '../input-options.ts';
import { formatRefusals, refusedPolicies } from '../output/refusals.ts';
import { addBatchOptions, batchOptions, checkOnlyUids, type BatchCliOptions } from './convert.ts';

interface VerifyCliOptions extends BatchCliOptions {
  filename?: string[];
  cluster?: string;
  target?: string;
  output?: string;
  maxCounterexamples?: string;
}

const FORMATS = ['table', 'json'] as const;

/** `np2dfw verify`: the converted form against the NetworkPolicies, connection by connection. */
export function registerVerify(program: Command): void {
  const cmd = program
    .command('verify')
    .description('prove that the converted form allows exactly what the NetworkPolicies allow (exit 0 equivalent, 1 different, 3 refused)');
  addBatchOptions(addInputOptions(cmd)
    .option('--target <name>', `the target: ${[...TARGETS.keys()].join(', ')}`, 'nsx')
    .option('-o, --output <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--max-counterexamples <n>', 'how many differing connections to explain', '20'))
    .action((opts: VerifyCliOptions) => {
      const target = keyword(opts.target ?? 'nsx');
      const builder = TARGETS.get(target);
      if (!builder) throw usageError(`--target ${target}: unknown target; known targets: ${[...TARGETS.keys()].join(', ')}`);
      const format = outputFormat(opts.output, FORMATS, 'table');
      const max = Number(opts.maxCounterexamples ?? '20');
      if (!Number.isInteger(max) || max < 0) throw usageError(`--max-counterexamples ${opts.maxCounterexamples}: expected a non-negative integer`);
      const batch = batchOptions(opts);
      const cluster = loadClusterFromOptions(opts);
      checkOnlyUids(cluster, batch.only);
      let built: BuiltTarget;
      try {
        built = builder(cluster, batch);
      } catch (e) {
        if (e instanceof ConversionError) throw usageError(`${e.code}: ${e.message}`);
        throw e;
      }
      const refused = built.refusals.length;
      if (refused) {
        const what = `${refusedPolicies(built.refusals)} cannot be converted for ${target}`;
        if (batch.onError !== 'continue') {
          throw new CliError(`${what}; nothing was verified (with --on-error continue, they stay NetworkPolicies and the mixed state is verified):\n${formatRefusals(built.refusals)}`, EXIT.REFUSED);
        }
        process.stderr.write(`np2dfw: ${what}; they stay NetworkPolicies in the mixed state verified here:\n${formatRefusals(built.refusals)}\n`);
      }
      const report = verifyEngines(cluster, createKubernetesEngine(cluster), built.engine, { maxCounterexamples: max });
      process.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
      if (!report.equivalent) process.exitCode = EXIT.FAILURE;
    });
}
