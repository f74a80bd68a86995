import type { Command } from 'commander';
import { AntreaVersionError, DEFAULT_ANTREA_VERSION, formatAntreaVersion, parseAntreaVersion, SUPPORTED_ANTREA_VERSIONS, type AntreaVersion } from '../realize/antrea/antrea-version.ts';
import { usageError } from './cli-error.ts';
import { repeatable } from './input-options.ts';

/** The targets `--antrea-version` applies to. */
const ANTREA_TARGETS = ['antrea', 'nsx-antrea'];

/** The help text of `--antrea-version`. */
export const ANTREA_VERSION_HELP = `antrea and nsx-antrea: the Antrea release to write for and model (${SUPPORTED_ANTREA_VERSIONS[0]} to ` +
  `${SUPPORTED_ANTREA_VERSIONS[SUPPORTED_ANTREA_VERSIONS.length - 1]}; default ${formatAntreaVersion(DEFAULT_ANTREA_VERSION)}, the oldest: ` +
  'valid on every one; before 2.2, ipBlock except becomes the positive CIDRs)';

/** Parses `--antrea-version` for a target (undefined when not given); a usage error (exit 2) when it does not apply. */
export function antreaVersionOption(value: string | undefined, target: string | undefined, flag = '--target'): AntreaVersion | undefined {
  if (value === undefined) return undefined;
  if (target === undefined || !ANTREA_TARGETS.includes(target)) {
    throw usageError(`--antrea-version applies to ${ANTREA_TARGETS.join(' and ')}${target === undefined ? ` (give ${flag})` : `, not to ${flag} ${target}`}`);
  }
  try {
    return parseAntreaVersion(value);
  } catch (e) {
    if (e instanceof AntreaVersionError) throw usageError(`--antrea-version ${value}: ${e.message}`);
    throw e;
  }
}

/** Adds `--against FILE` (repeatable) and `--antrea-version X.Y`; `flag` is the option that names the target. */
export function addTargetFlags(cmd: Command, flag: string): Command {
  return cmd
    .option('--against <file>', `with ${flag}: evaluate this existing configuration of the target instead of converting (repeatable; - for stdin)`, repeatable)
    .option('--antrea-version <X.Y>', ANTREA_VERSION_HELP);
}
