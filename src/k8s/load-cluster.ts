import { buildCluster, DEFAULT_CLUSTER_NAME, type Cluster } from './cluster.ts';
import { decodeNamespace } from './decode-namespace.ts';
import { decodeNetworkPolicy } from './decode-network-policy.ts';
import { decodePod } from './decode-pod.ts';
import { formatProblem, InvalidInputError, problemAt, type InputProblem } from './invalid-input.ts';
import type { Namespace } from './namespace.ts';
import type { NetworkPolicy } from './network-policy.ts';
import { parseDocuments, type RawObject } from './parse-documents.ts';
import type { Pod } from './pod.ts';
import { readInputsReporting, type InputText } from './read-inputs.ts';
import { validateObject } from './validate/validate-object.ts';

/** The kinds np2dfw reads, by kind, with the apiVersions the API server serves them at. */
const KINDS: Record<string, readonly string[]> = {
  Namespace: ['v1'],
  Pod: ['v1'],
  NetworkPolicy: ['networking.k8s.io/v1'],
};

export interface LoadOptions {
  /** The cluster's name: used for generated policy uids. */
  readonly cluster?: string;
  /** Called with one summary line about skipped kinds (the CLI prints it on stderr). */
  readonly onSkipped?: (summary: string) => void;
  /**
   * Called with each warning the API server would give for an accepted object (`file:line: Pod ns/a:
   * status.podIPs[0]: non-standard IP address ...`), in input order. Warnings never stop loading.
   */
  readonly onWarning?: (warning: string) => void;
}

/** Reads `-f` paths like kubectl and builds the cluster. Throws InvalidInputError listing every problem. */
export function loadClusterFromPaths(paths: readonly string[], options: LoadOptions = {}, stdin?: () => string | Uint8Array): Cluster {
  const problems: InputProblem[] = [];
  const inputs = readInputsReporting(paths, problems, stdin);
  return loadReporting(inputs, problems, options);
}

/** Parses, validates and decodes the given texts into a cluster. Throws InvalidInputError listing every problem. */
export function loadClusterFromTexts(inputs: readonly InputText[], options: LoadOptions = {}): Cluster {
  return loadReporting(inputs, [], options);
}

/** Loads what could be read, then throws every problem (reading ones included) together. */
function loadReporting(inputs: readonly InputText[], problems: InputProblem[], options: LoadOptions): Cluster {
  const objects: RawObject[] = [];
  for (const input of inputs) for (const raw of parseDocuments(input, problems)) objects.push(raw);
  const cluster = decodeObjects(objects, problems, options);
  if (problems.length) throw new InvalidInputError(problems);
  return cluster;
}

/** Validates and decodes parsed objects; problems are appended. */
export function decodeObjects(objects: readonly RawObject[], problems: InputProblem[], options: LoadOptions = {}): Cluster {
  const clusterName = options.cluster ?? DEFAULT_CLUSTER_NAME;
  const namespaces: Namespace[] = [];
  const pods: Pod[] = [];
  const policies: NetworkPolicy[] = [];
  const skipped = new Map<string, number>();
  const seen = new Map<string, RawObject>();
  for (const raw of objects) {
    const versions = KINDS[raw.kind];
    if (!versions) {
      const key = `${raw.kind} (${raw.apiVersion})`;
      skipped.set(key, (skipped.get(key) ?? 0) + 1);
      continue;
    }
    const name = describe(raw);
    if (!versions.includes(raw.apiVersion)) {
      problems.push(problemAt(raw.source, name, ['apiVersion'], `Unsupported value: "${raw.apiVersion}": supported values: ${versions.map((v) => `"${v}"`).join(', ')}`));
      continue;
    }
    const found = validateObject(raw);
    if (options.onWarning) {
      for (const w of found.warnings) options.onWarning(formatProblem(problemAt(raw.source, name, w.path, w.message, w.at)));
    }
    if (found.errors.length) {
      for (const fp of found.errors) problems.push(problemAt(raw.source, name, fp.path, fp.message, fp.at));
      continue;
    }
    const identity = `${raw.kind} ${name}`;
    const earlier = seen.get(identity);
    if (earlier) {
      problems.push(problemAt(raw.source, name, ['metadata', 'name'], `Duplicate value: the same ${raw.kind} is also defined at ${earlier.source.file}:${earlier.source.line}`));
      continue;
    }
    seen.set(identity, raw);
    switch (raw.kind) {
      case 'Namespace': namespaces.push(decodeNamespace(raw)); break;
      case 'Pod': pods.push(decodePod(raw)); break;
      case 'NetworkPolicy': policies.push(decodeNetworkPolicy(raw, clusterName)); break;
    }
  }
  if (skipped.size && options.onSkipped) {
    const parts = [...skipped.entries()].sort().map(([k, n]) => `${n} ${k}`);
    options.onSkipped(`skipped ${parts.join(', ')}: np2dfw reads Namespace, Pod and NetworkPolicy`);
  }
  return buildCluster(clusterName, { namespaces, pods, policies });
}

/** `Kind namespace/name` (or `Kind name` for cluster-scoped kinds), for messages. */
function describe(raw: RawObject): string {
  const meta = (raw.body.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const name = typeof meta.name === 'string' && meta.name ? meta.name : '<unnamed>';
  if (raw.kind === 'Namespace') return `Namespace ${name}`;
  const ns = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
  return `${raw.kind} ${ns}/${name}`;
}
