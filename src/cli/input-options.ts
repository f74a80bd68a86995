import type { Command } from 'commander';
import { DEFAULT_CLUSTER_NAME, type Cluster } from '../k8s/cluster.ts';
import { checkAssignCidrs, DEFAULT_ASSIGN_CIDRS } from '../k8s/assign-addresses.ts';
import { loadClusterFromPaths, type LoadOptions } from '../k8s/load-cluster.ts';
import { dns1123LabelErrors } from '../k8s/validate/names.ts';
import { usageError } from './cli-error.ts';
import { DEFAULT_CHUNK_SIZE, kubeSourceOf, readLiveObjects } from './kube-input.ts';

/** The options every command that reads Kubernetes objects takes (commander's names). */
export interface InputOptions {
  filename?: string[];
  cluster?: string;
  recursive?: boolean;
  assignCidr?: string[];
  /** A command's `--external` addresses: never assigned to a pod to be. */
  external?: string[];
  kubeconfig?: string;
  context?: string;
  chunkSize?: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds `-f/--filename` (repeatable), `-R`, `--cluster` and `--assign-cidr`. */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .option('-f, --filename <path>', 'a file, a folder of .yaml/.yml/.json files, or - for stdin (repeatable)', collect)
    .option('-R, --recursive', 'read the sub-folders of -f folders too')
    .option('--cluster <name>', 'the cluster\'s name, a DNS-1123 label (used in names and generated uids)', DEFAULT_CLUSTER_NAME)
    .option('--assign-cidr <cidr>', `where workloads and Pod manifests without status get addresses (one per family; default ${DEFAULT_ASSIGN_CIDRS[4]}, or ${DEFAULT_ASSIGN_CIDRS[6]} for IPv6 clusters)`, collect)
    .option('--kubeconfig <path>', 'read the Namespaces, Pods and NetworkPolicies of a live cluster with this kubeconfig (with -f too: both are read)')
    .option('--context <name>', 'the kubeconfig context to read (default: its current context; the file: --kubeconfig, else KUBECONFIG, else ~/.kube/config)')
    .option('--chunk-size <n>', 'objects per page when listing a live cluster', String(DEFAULT_CHUNK_SIZE));
}

/** `--cluster`: a DNS-1123 label, since it becomes part of object names in every target. */
export function checkClusterName(name: string): string {
  const errors = name === '' ? ['must not be empty'] : dns1123LabelErrors(name);
  if (errors.length) throw usageError(`--cluster ${JSON.stringify(name)}: ${errors.join('; ')}`);
  return name;
}

/**
 * Reads the cluster the options name: the `-f` inputs, and a live cluster with `--kubeconfig`/`--context` (or
 * KUBECONFIG without `-f`). Skipped kinds are summarised on stderr.
 */
export async function loadClusterFromOptions(opts: InputOptions, onProgress?: LoadOptions['onProgress']): Promise<Cluster> {
  const cluster = checkClusterName(opts.cluster ?? DEFAULT_CLUSTER_NAME);
  const assigned = opts.assignCidr?.length ? checkAssignCidrs(opts.assignCidr) : undefined;
  if (assigned && 'error' in assigned) throw usageError(`--assign-cidr ${assigned.error}`);
  const kube = kubeSourceOf(opts);
  if (!kube && !opts.filename?.length) {
    throw usageError('no input: give -f FILE, -f FOLDER or -f - (stdin), or --kubeconfig PATH / --context NAME to read a live cluster');
  }
  const live = kube ? await readLiveObjects(kube) : undefined;
  if (live) process.stderr.write(`np2dfw: read ${live.objects.length} objects from the cluster of context ${live.context}\n`);
  return loadClusterFromPaths(opts.filename ?? [], {
    cluster,
    objects: live?.objects,
    recursive: opts.recursive === true,
    assign: { cidrs: assigned?.cidrs, reserved: (opts.external ?? []).map((ip) => ip.trim()) },
    onSkipped: (line) => process.stderr.write(`np2dfw: ${line}\n`),
    onWarning: (line) => process.stderr.write(`warning: ${line}\n`),
    ...(onProgress ? { onProgress } : {}),
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
