import type { Command } from 'commander';
import { ConversionError } from '../../convert/conversion-error.ts';
import type { BuiltTarget, TargetBuilder, TargetOptions } from '../../targets/target.ts';
import type { Cluster } from '../../k8s/cluster.ts';
import { policyId } from '../../k8s/network-policy.ts';
import { EMITTERS } from '../../targets/registry.ts';
import { CliError, usageError } from '../cli-error.ts';
import { EXIT } from '../exit-codes.ts';
import { addInputOptions, keyword, loadClusterFromOptions, outputFormat, repeatable } from '../input-options.ts';
import { addProgressOption, inPhase, progressReporter } from '../output/progress.ts';
import { formatRefusals, refusedPolicies } from '../output/refusals.ts';
import { ANTREA_VERSION_HELP, antreaVersionOption } from '../target-flags.ts';
import { parseOnErrorArgument } from '../arguments.ts';

/** The options `convert` and `verify` share to shape a batch. */
export interface BatchCliOptions {
  onError?: string;
  only?: string[];
  placement?: string;
  sequenceUpper?: string;
  sequenceLower?: string;
}

function parseSequence(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw usageError(`${flag} ${value}: expected a non-negative integer`);
  return Number(value);
}

/** Reads --on-error, --only, --placement, --sequence-upper/--sequence-lower into TargetOptions. */
export function batchOptions(opts: BatchCliOptions): TargetOptions {
  const placement = (opts.placement ?? 'banded').toLowerCase();
  if (placement !== 'banded' && placement !== 'nsx') throw usageError(`--placement ${opts.placement}: use banded or nsx`);
  const sequenceUpper = parseSequence('--sequence-upper', opts.sequenceUpper);
  const sequenceLower = parseSequence('--sequence-lower', opts.sequenceLower);
  if ((sequenceUpper === undefined) !== (sequenceLower === undefined)) throw usageError('--sequence-upper and --sequence-lower go together (both or neither)');
  if (sequenceUpper !== undefined && sequenceLower !== undefined && sequenceLower <= sequenceUpper) {
    throw usageError(`--sequence-lower ${sequenceLower} must be greater than --sequence-upper ${sequenceUpper}`);
  }
  return { onError: parseOnErrorArgument(opts.onError), only: opts.only, placement, sequenceUpper, sequenceLower };
}

/** Adds the batch options to a command. */
export function addBatchOptions(cmd: Command): Command {
  return cmd
    .option('--on-error <mode>', 'when a policy cannot be converted: abort (nothing is converted) or continue (skip it)', 'abort')
    .option('--only <uid>', 'convert only the NetworkPolicy with this metadata.uid (repeatable); the others stay NetworkPolicies', repeatable)
    .option('--placement <how>', 'banded (every new allow policy ahead of every earlier drop policy) or nsx (as the import API)', 'banded')
    .option('--sequence-upper <n>', 'sequence number of the first allow policy (with --sequence-lower)')
    .option('--sequence-lower <n>', 'sequence number of the first drop policy (with --sequence-upper; greater)');
}

/**
 * `--only UID`: every uid must be a NetworkPolicy of the input; an unknown one is a usage error (exit 2) naming it
 * and the uids there are, never a refusal of a policy that has no namespace or name to show.
 */
export function checkOnlyUids(cluster: Cluster, only: readonly string[] | undefined): void {
  const known = new Set(cluster.policies.map((p) => p.uid));
  const unknown = (only ?? []).filter((uid) => !known.has(uid));
  if (unknown.length === 0) return;
  const listed = cluster.policies.slice(0, 5).map((p) => `${p.uid} (${policyId(p)})`);
  const there = cluster.policies.length === 0 ? 'the input holds no NetworkPolicy'
    : `its NetworkPolicies' uids: ${listed.join(', ')}${cluster.policies.length > 5 ? `, ... (${cluster.policies.length - 5} more)` : ''}`;
  throw usageError(`--only ${unknown.join(', ')}: no NetworkPolicy of the input has ${unknown.length === 1 ? 'this metadata.uid' : 'these metadata.uids'}; ${there}`);
}

/**
 * Builds a target's form of the cluster for a command that evaluates it (`verify`, `diff`): a ConversionError is a
 * usage error (exit 2); refused policies exit 3 with their reasons, unless `--on-error continue`, which notes them
 * on stderr and lets the command work on the mixed state (`done`: what the command does, `verified`).
 */
export function buildTargetForCli(builder: TargetBuilder, cluster: Cluster, batch: TargetOptions, target: string, done: string): BuiltTarget {
  let built: BuiltTarget;
  try {
    built = builder(cluster, batch);
  } catch (e) {
    if (e instanceof ConversionError) throw usageError(`${e.code}: ${e.message}`);
    throw e;
  }
  if (built.refusals.length) {
    const what = `${refusedPolicies(built.refusals)} cannot be converted for ${target}`;
    if (batch.onError !== 'continue') {
      throw new CliError(`${what}; nothing was ${done} (with --on-error continue, they stay NetworkPolicies and the mixed state is ${done}):\n${formatRefusals(built.refusals)}`, EXIT.REFUSED);
    }
    process.stderr.write(`np2dfw: ${what}; they stay NetworkPolicies in the mixed state ${done} here:\n${formatRefusals(built.refusals)}\n`);
  }
  return built;
}

interface ConvertCliOptions extends BatchCliOptions {
  progress?: boolean;
  filename?: string[];
  cluster?: string;
  target?: string;
  output?: string;
  antreaVersion?: string;
}

/** `np2dfw convert`: the cluster's NetworkPolicies as a target's objects. */
export function registerConvert(program: Command): void {
  const cmd = program
    .command('convert')
    .description('convert the NetworkPolicies into a target\'s objects (nsx: the body of PATCH /policy/api/v1/infra, or seed 000\'s rule tables)');
  addProgressOption(addBatchOptions(addInputOptions(cmd)
    .option('--target <name>', `the target: ${[...EMITTERS.keys()].join(', ')}`, 'nsx')
    .option('-o, --output <format>', `output format, per target (the first is the default): ${[...EMITTERS].map(([name, e]) => `${name}: ${e.formats.join(', ')}`).join('; ')}`)
    .option('--antrea-version <X.Y>', ANTREA_VERSION_HELP)))
    .action(async (opts: ConvertCliOptions) => {
      const target = keyword(opts.target ?? 'nsx');
      const emitter = EMITTERS.get(target);
      if (!emitter) throw usageError(`--target ${target}: unknown target; known targets: ${[...EMITTERS.keys()].join(', ')}`);
      const format = outputFormat(opts.output, emitter.formats, emitter.formats[0]);
      const antreaVersion = antreaVersionOption(opts.antreaVersion, target);
      const batch = { ...batchOptions(opts), ...(antreaVersion ? { antreaVersion } : {}) };
      const progress = progressReporter(opts.progress);
      const cluster = await inPhase(progress, 'reading and checking the input', () => loadClusterFromOptions(opts));
      checkOnlyUids(cluster, batch.only);
      if (cluster.policies.length === 0) process.stderr.write(`np2dfw: the input holds no NetworkPolicy: there is nothing to convert for ${target}\n`);
      let emitted;
      try {
        emitted = await inPhase(progress, `converting for ${target}`, () => emitter.emit(cluster, { ...batch, format }));
      } catch (e) {
        if (e instanceof ConversionError) throw usageError(`${e.code}: ${e.message}`);
        throw e;
      }
      const refused = emitted.refusals.length;
      if (refused && batch.onError === 'abort') {
        throw new CliError(`${refusedPolicies(emitted.refusals)} cannot be converted for ${target}; nothing was converted (--on-error continue converts the others):\n${formatRefusals(emitted.refusals)}`, EXIT.REFUSED);
      }
      process.stdout.write(emitted.text);
      if (refused) {
        process.stderr.write(`np2dfw: ${refusedPolicies(emitted.refusals)} skipped (they stay NetworkPolicies):\n${formatRefusals(emitted.refusals)}\n`);
        process.exitCode = EXIT.REFUSED;
      }
    });
}
