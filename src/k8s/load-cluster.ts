import { FILE_CHANGED, FileChangedError } from './byte-source.ts';
import { buildCluster, DEFAULT_CLUSTER_NAME, type Cluster } from './cluster.ts';
import { decodeNamespace } from './decode-namespace.ts';
import { decodeNetworkPolicy } from './decode-network-policy.ts';
import { decodePod } from './decode-pod.ts';
import { decodeWorkload } from './decode-workload.ts';
import { assignAddresses, type AssignPlan } from './assign-addresses.ts';
import { resolveOwners } from './workload-owners.ts';
import { isWorkloadKind, WORKLOAD_API_VERSIONS, WORKLOAD_KINDS } from './workload.ts';
import { formatProblem, InvalidInputError, problemAt, type InputProblem } from './invalid-input.ts';
import type { Namespace } from './namespace.ts';
import type { NetworkPolicy } from './network-policy.ts';
import { arraySequence, isEmptyInput, isNoObjectProblem, NotAJsonList, parseDocumentsLazily, type ObjectSequence, type RawObject } from './parse-documents.ts';
import { podId, podIsLive, type Pod } from './pod.ts';
import { formatSource, type SourceRef } from './source.ts';
import { readInputsReporting, type InputText } from './read-inputs.ts';
import { validateObject } from './validate/validate-object.ts';

/** The kinds np2dfw reads, by kind, with the apiVersions the API server serves them at. */
const KINDS: Record<string, readonly string[]> = {
  Namespace: ['v1'],
  Pod: ['v1'],
  NetworkPolicy: ['networking.k8s.io/v1'],
  ...Object.fromEntries(WORKLOAD_KINDS.map((k) => [k, [WORKLOAD_API_VERSIONS[k]]])),
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
  /** `-R`: read the sub-folders of folders too. */
  readonly recursive?: boolean;
  /** Where pods to be (workloads, Pod manifests without status) get their addresses (assign-addresses.ts). */
  readonly assign?: AssignPlan;
  /** Objects read elsewhere (a live cluster's lists), loaded with the files exactly as if they had been in one. */
  readonly objects?: readonly RawObject[];
  /**
   * Told how far loading got (`done` of `total` in the phase `what`: reading, parsing, checking and decoding): the
   * shape of evaluate/progress.ts's ProgressCallback, which the CLI renders.
   */
  readonly onProgress?: (event: { readonly done: number; readonly total: number; readonly what: string }) => void;
}

/** Objects checked and decoded between two progress reports. */
const PROGRESS_EVERY = 4096;

/** Reads `-f` paths like kubectl and builds the cluster. Throws InvalidInputError listing every problem. */
export function loadClusterFromPaths(paths: readonly string[], options: LoadOptions = {}, stdin?: () => string | Uint8Array): Cluster {
  const problems: InputProblem[] = [];
  const what = 'reading the input';
  options.onProgress?.({ done: 0, total: 1, what });
  const inputs = readInputsReporting(paths, problems, stdin, { recursive: options.recursive });
  options.onProgress?.({ done: 1, total: 1, what });
  return loadReporting(inputs, problems, options);
}

/** Parses, validates and decodes the given texts into a cluster. Throws InvalidInputError listing every problem. */
export function loadClusterFromTexts(inputs: readonly InputText[], options: LoadOptions = {}): Cluster {
  return loadReporting(inputs, [], options);
}

/**
 * Loads what could be read, then throws every problem (reading ones included) together. Empty inputs are skipped
 * (as kubectl skips them), and so, with a warning, is a file found in a folder that holds no Kubernetes object at
 * all (an expected-output file, a values file); it is an error only when the inputs hold no object at all.
 * Live pods sharing an address are refused; then pods to be get their addresses.
 */
export function loadObjects(inputs: readonly InputText[], problems: InputProblem[], options: LoadOptions): Cluster {
  const warnings: string[] = [];
  const attempt = (itemByItem: boolean) => {
    warnings.length = 0;
    const buffered = { ...options, onWarning: options.onWarning && ((w: string) => warnings.push(w)) };
    return parseAndDecode(inputs, problems.length > 0, buffered, itemByItem);
  };
  let loaded: { cluster: Cluster; problems: InputProblem[] };
  try {
    try {
      loaded = attempt(true);
    } catch (e) {
      // A JSON list read item by item held an item that is not JSON: everything again, on the whole text.
      if (!(e instanceof NotAJsonList)) throw e;
      loaded = attempt(false);
    }
  } catch (e) {
    // A file read through a window (byte-source.ts) was rewritten meanwhile: nothing of it is used.
    if (!(e instanceof FileChangedError)) throw e;
    problems.push({ file: e.file, path: [], message: FILE_CHANGED });
    return buildCluster(options.cluster ?? DEFAULT_CLUSTER_NAME, {});
  }
  for (const w of warnings) options.onWarning?.(w);
  problems.push(...loaded.problems);
  const cluster = loaded.cluster;
  if (problems.length) return cluster;
  checkUniqueAddresses(cluster.pods, problems);
  if (problems.length) return cluster;
  return { ...cluster, pods: assignAddresses(cluster.pods, options.assign ?? {}, problems) };
}

/**
 * Parses every input (after options.objects) and decodes their objects in order, taking each object once and
 * letting go of it as soon as it is decoded (a JSON list's items are parsed only then), so that the parsed tree
 * and the model are never both whole. A folder's file without any object is skipped. The problems come back in
 * the order of their finding as if every input had been parsed first: parsing, then checking and decoding.
 */
function parseAndDecode(inputs: readonly InputText[], problemsBefore: boolean, options: LoadOptions, itemByItem: boolean): { cluster: Cluster; problems: InputProblem[] } {
  const sequences: ObjectSequence[] = [arraySequence([...(options.objects ?? [])])];
  const what = 'parsing the input';
  for (const [i, input] of inputs.entries()) {
    options.onProgress?.({ done: i, total: inputs.length, what });
    const parsed = parseDocumentsLazily(input, { itemByItem });
    const found = parsed.problems;
    if (input.inFolder && parsed.expected === 0 && found.length > 0 && found.every(isNoObjectProblem)) {
      options.onWarning?.(`${input.name}: skipped: holds no Kubernetes object (${found[0].message})`);
      continue;
    }
    sequences.push(parsed);
  }
  options.onProgress?.({ done: inputs.length, total: inputs.length, what });
  let current = 0;
  let taken = 0;
  const take = (): RawObject | undefined => {
    for (; current < sequences.length; current++) {
      const raw = sequences[current].next();
      if (raw) {
        taken++;
        return raw;
      }
    }
    return undefined;
  };
  const decodeProblems: InputProblem[] = [];
  const expected = sequences.reduce((n, s) => n + s.expected, 0);
  const cluster = decodeEach(expected, take, decodeProblems, options);
  const problems = sequences.flatMap((s) => s.problems);
  if (taken === 0 && problems.length === 0 && !problemsBefore) {
    for (const input of inputs) {
      problems.push({ file: input.name, path: [], message: `the input holds no Kubernetes object${isEmptyInput(input) ? ' (it is empty)' : ''}` });
    }
  }
  problems.push(...decodeProblems);
  return { cluster, problems };
}

function loadReporting(inputs: readonly InputText[], problems: InputProblem[], options: LoadOptions): Cluster {
  const cluster = loadObjects(inputs, problems, options);
  if (problems.length) throw new InvalidInputError(problems);
  return cluster;
}

/**
 * Two live pods cannot hold the same address (a connection to it would reach either); hostNetwork pods on one node
 * share the node's, which is allowed.
 */
function checkUniqueAddresses(pods: readonly Pod[], problems: InputProblem[]): void {
  const holder = new Map<string, Pod>();
  for (const pod of pods) {
    if (!podIsLive(pod)) continue;
    for (const ip of pod.ips) {
      const other = holder.get(ip);
      if (!other) {
        holder.set(ip, pod);
      } else if (!(other.hostNetwork && pod.hostNetwork)) {
        problems.push(problemAt(pod.source, `Pod ${podId(pod)}`, ['status', 'podIPs'],
          `Duplicate value: ${JSON.stringify(ip)}: pod ${podId(other)} (${formatSource(other.source)}) has this address too; two live pods cannot share one`));
      }
    }
  }
}

/** Validates and decodes parsed objects; problems are appended. */
export function decodeObjects(objects: readonly RawObject[], problems: InputProblem[], options: LoadOptions = {}): Cluster {
  let next = 0;
  return decodeEach(objects.length, () => objects[next++], problems, options);
}

/**
 * decodeObjects on the objects `take` gives, each taken once, in order, until it gives undefined (it may let go of
 * each); about `expected` of them, for progress.
 */
function decodeEach(expected: number, take: () => RawObject | undefined, problems: InputProblem[], options: LoadOptions): Cluster {
  const clusterName = options.cluster ?? DEFAULT_CLUSTER_NAME;
  const namespaces: Namespace[] = [];
  const pods: Pod[] = [];
  const policies: NetworkPolicy[] = [];
  const skipped = new Map<string, number>();
  // Where each object was defined: its source only, so that the parsed object itself can be let go.
  const seen = new Definitions();
  const what = 'checking and decoding the objects';
  let done = 0;
  for (let raw = take(); raw; raw = take(), done++) {
    if (done % PROGRESS_EVERY === 0) options.onProgress?.({ done, total: Math.max(expected, done), what });
    const versions = KINDS[raw.kind];
    if (!versions) {
      const key = `${raw.kind} (${raw.apiVersion})`;
      skipped.set(key, (skipped.get(key) ?? 0) + 1);
      continue;
    }
    if (!versions.includes(raw.apiVersion)) {
      problems.push(problemAt(raw.source, describe(raw), ['apiVersion'], `Unsupported value: "${raw.apiVersion}": supported values: ${versions.map((v) => `"${v}"`).join(', ')}`));
      continue;
    }
    const found = validateObject(raw);
    if (options.onWarning) {
      for (const w of found.warnings) options.onWarning(formatProblem(problemAt(raw.source, describe(raw), w.path, w.message, w.at)));
    }
    if (found.errors.length) {
      const name = describe(raw);
      for (const fp of found.errors) problems.push(problemAt(raw.source, name, fp.path, fp.message, fp.at));
      continue;
    }
    const earlier = seen.add(raw);
    if (earlier) {
      problems.push(problemAt(raw.source, describe(raw), ['metadata', 'name'], `Duplicate value: the same ${raw.kind} is also defined at ${formatSource(earlier)}`));
      continue;
    }
    switch (raw.kind) {
      case 'Namespace': namespaces.push(decodeNamespace(raw)); break;
      case 'Pod': pods.push(decodePod(raw)); break;
      case 'NetworkPolicy': policies.push(decodeNetworkPolicy(raw, clusterName)); break;
      default: if (isWorkloadKind(raw.kind)) pods.push(decodeWorkload(raw, raw.kind));
    }
  }
  options.onProgress?.({ done, total: done, what });
  if (skipped.size && options.onSkipped) {
    const parts = [...skipped.entries()].sort().map(([k, n]) => `${n} ${k}`);
    options.onSkipped(`skipped ${parts.join(', ')}: np2dfw reads Namespace, Pod, NetworkPolicy and the workload kinds (${WORKLOAD_KINDS.join(', ')})`);
  }
  return buildCluster(clusterName, { namespaces, pods: resolveOwners(pods), policies });
}

/** `Kind namespace/name` (or `Kind name` for cluster-scoped kinds), for messages. */
function describe(raw: RawObject): string {
  const { name, namespace } = identityOf(raw);
  return raw.kind === 'Namespace' ? `Namespace ${name}` : `${raw.kind} ${namespace}/${name}`;
}

/** An object's name and namespace as messages and the duplicate check read them (`default` when none is given). */
function identityOf(raw: RawObject): { name: string; namespace: string } {
  const meta = (raw.body.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const name = typeof meta.name === 'string' && meta.name ? meta.name : '<unnamed>';
  const namespace = raw.kind === 'Namespace' ? '' : typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
  return { name, namespace };
}

/**
 * Where each object was defined, by kind, namespace and name: maps inside maps rather than one key string built
 * per object (a large cluster has hundreds of thousands).
 */
class Definitions {
  readonly #byKind = new Map<string, Map<string, Map<string, SourceRef>>>();
  /** Records the object's source; the earlier source of the same object when it was defined before. */
  add(raw: RawObject): SourceRef | undefined {
    const { name, namespace } = identityOf(raw);
    let byNamespace = this.#byKind.get(raw.kind);
    if (!byNamespace) this.#byKind.set(raw.kind, (byNamespace = new Map()));
    let byName = byNamespace.get(namespace);
    if (!byName) byNamespace.set(namespace, (byName = new Map()));
    const earlier = byName.get(name);
    if (earlier) return earlier;
    byName.set(name, raw.source);
    return undefined;
  }
}
