// The engine `reach` and `explain` evaluate with: the NetworkPolicies, or with --via a target's converted form.
import type { Cluster } from '../k8s/cluster.ts';
import type { ReachabilityEngine } from '../evaluate/engine.ts';
import { createKubernetesEngine } from '../evaluate/kubernetes/kubernetes-engine.ts';
import type { OnError } from '../convert/batch-options.ts';
import { TARGETS } from '../targets/registry.ts';
import { CliError, usageError } from './cli-error.ts';
import { EXIT } from './exit-codes.ts';
import { keyword } from './input-options.ts';
import { formatRefusals, refusedPolicies } from './output/refusals.ts';
import { existingTarget } from './existing-target.ts';
import { antreaVersionOption } from './target-flags.ts';

/** `--against` and `--antrea-version` as given on the command line. */
export interface TargetFlags {
  readonly against?: readonly string[];
  readonly antreaVersion?: string;
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
