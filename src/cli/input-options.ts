import type { Command } from 'commander';
import { DEFAULT_CLUSTER_NAME, type Cluster } from '../k8s/cluster.ts';
import { loadClusterFromPaths } from '../k8s/load-cluster.ts';
import { usageError } from './cli-error.ts';

/** The options every command that reads Kubernetes objects takes. */
export interface InputOptions {
  file: string[];
  cluster?: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds `-f/--filename` (repeatable) and `--cluster`. */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .option('-f, --filename <path>', 'a file, a folder of .yaml/.yml/.json files, or - for stdin (repeatable)', collect)
    .option('--cluster <name>', 'the cluster\'s name (used in names and generated uids)', DEFAULT_CLUSTER_NAME);
}

/** Reads the cluster the options name. Skipped kinds are summarised on stderr. */
export function loadClusterFromOptions(opts: { filename?: string[]; cluster?: string }): Cluster {
  if (!opts.filename || opts.filename.length === 0) throw usageError('no input: give -f FILE, -f FOLDER or -f - (stdin)');
  return loadClusterFromPaths(opts.filename, {
    cluster: opts.cluster ?? DEFAULT_CLUSTER_NAME,
    onSkipped: (line) => process.stderr.write(`np2dfw: ${line}\n`),
    onWarning: (line) => process.stderr.write(`warning: ${line}\n`),
  });
}

/**
 * A keyword given on the command line (an output format, a target, a mode, a protocol) as np2dfw compares it: case
 * does not matter (`-o JSON`, `--target NSX`, `--port 80/tcp`). Names (namespaces, pods, uids, files) keep their case.
 */
export function keyword(value: string): string {
  return value.trim().toLowerCase();
}

/** Checks `-o` against the formats a command offers (in any case: `-o JSON` is json). */
export function outputFormat<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  const v = keyword(value ?? fallback) as T;
  if (!allowed.includes(v)) throw usageError(`-o ${value}: unknown output format; use one of ${allowed.join(', ')}`);
  return v;
}

/** Collects a repeatable option's values (`--port 80 --port 53/UDP`). */
export const repeatable = collect;
