// `--against FILE`: the engine of a target's existing configuration. Apart from target-flags.ts (the options
// themselves) so that a command loads the target registry only when it is used.
import type { Cluster } from '../k8s/cluster.ts';
import { readInputs } from '../k8s/read-inputs.ts';
import type { AntreaVersion } from '../realize/antrea/antrea-version.ts';
import { EXISTING_TARGETS } from '../targets/registry.ts';
import type { ExistingTarget } from '../targets/target.ts';
import { usageError } from './cli-error.ts';

/**
 * The engine of an existing configuration (`--against`): the files are read and decoded as the target's input;
 * every problem is reported with its file, object and field (exit 2). Warnings go to stderr.
 */
export function existingTarget(cluster: Cluster, target: string | undefined, against: readonly string[], version: AntreaVersion | undefined, flag: string): ExistingTarget {
  if (target === undefined) throw usageError(`--against needs ${flag} (the target whose configuration the file holds: ${[...EXISTING_TARGETS.keys()].join(', ')})`);
  const build = EXISTING_TARGETS.get(target);
  if (!build) throw usageError(`--against: ${flag} ${target} has no configuration np2dfw reads; use one of ${[...EXISTING_TARGETS.keys()].join(', ')}`);
  const inputs = readInputs(against);
  return build(cluster, inputs, {
    ...(version ? { antreaVersion: version } : {}),
    onWarning: (line) => process.stderr.write(`warning: ${line}\n`),
  });
}
