import type { KubeConfig } from '@kubernetes/client-node';
import type { ResourceRef } from '../adapter/kube-http.ts';
import type { RawObject } from '../k8s/parse-documents.ts';
import { CliError, usageError } from './cli-error.ts';
import { EXIT } from './exit-codes.ts';

/** What np2dfw reads of a live cluster, as `kubectl get namespaces,pods,networkpolicies -A` would list it. */
const LIVE_RESOURCES: readonly ResourceRef[] = [
  { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces' },
  { apiVersion: 'v1', kind: 'Pod', plural: 'pods' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', plural: 'networkpolicies' },
];

/** kubectl's default page size for lists (`--chunk-size`). */
export const DEFAULT_CHUNK_SIZE = 500;

/** Where a live cluster is read from: `--kubeconfig`, `--context`, else the KUBECONFIG environment variable. */
export interface KubeSource {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly chunkSize: number;
}

/**
 * Whether the command reads a live cluster: `--kubeconfig` or `--context` given, or no `-f` at all while
 * KUBECONFIG is set (as kubectl reads it).
 */
export function kubeSourceOf(opts: { filename?: string[]; kubeconfig?: string; context?: string; chunkSize?: string }): KubeSource | undefined {
  const chunkSize = Number(opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw usageError(`--chunk-size ${opts.chunkSize}: expected a positive integer`);
  if (opts.kubeconfig === '') throw usageError('--kubeconfig "": give the path of a kubeconfig file');
  const fromEnv = !opts.filename?.length && !!process.env.KUBECONFIG;
  if (opts.kubeconfig === undefined && opts.context === undefined && !fromEnv) return undefined;
  return { kubeconfig: opts.kubeconfig, context: opts.context, chunkSize };
}

/**
 * Lists the cluster's Namespaces, Pods and NetworkPolicies with @kubernetes/client-node's configuration and
 * authentication, page by page (`limit`/`continue`), into objects that are validated and decoded exactly as
 * files are. Each object is cited as `context NAME: Kind ns/name`. A kubeconfig that cannot be used is a usage
 * error (exit 2); a cluster that cannot be reached or refuses the lists is exit 1, with the API server's message.
 */
export async function readLiveObjects(source: KubeSource): Promise<{ objects: RawObject[]; context: string }> {
  // Loaded here, not with the command: @kubernetes/client-node is large, and most runs read files only.
  const [{ loadKubeConfig }, { KubeApiError, listAll }] = await Promise.all([import('../adapter/adapter.ts'), import('../adapter/kube-http.ts')]);
  let kc: KubeConfig;
  try {
    kc = loadKubeConfig(source.kubeconfig, source.context);
  } catch (e) {
    const where = source.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config';
    throw usageError(`cannot use the kubeconfig ${where}: ${firstLine((e as Error).message)}`);
  }
  const context = kc.getCurrentContext();
  const server = kc.getCurrentCluster()?.server ?? '';
  const objects: RawObject[] = [];
  for (const r of LIVE_RESOURCES) {
    let items: Record<string, unknown>[];
    try {
      items = (await listAll(kc, r, { limit: source.chunkSize })).items;
    } catch (e) {
      const why = e instanceof KubeApiError ? `${e.code === 401 ? 'unauthorized' : e.code === 403 ? 'forbidden' : `HTTP ${e.code}`}: ${e.message}` : reachFailure(e);
      throw new CliError(`cannot list ${r.plural} of the cluster ${server} (context ${context}): ${why}`, EXIT.FAILURE);
    }
    const file = `context ${context}`;
    for (const item of items) {
      // Items of a typed list carry no kind and apiVersion: they are the list's.
      objects.push({ kind: r.kind, apiVersion: r.apiVersion, body: { ...item, kind: r.kind, apiVersion: r.apiVersion }, source: { file, line: 0 } });
    }
  }
  return { objects, context };
}

/** Why a request did not reach the API server, in one line: the system error undici wraps (ECONNREFUSED, ...). */
function reachFailure(e: unknown): string {
  let at = e as { code?: unknown; message?: string; cause?: unknown; errors?: unknown[] } | undefined;
  for (let depth = 0; at && depth < 5; depth++) {
    if (typeof at.code === 'string' && /^E[A-Z]+$/.test(at.code)) return `${at.code}${at.message ? ` (${firstLine(at.message)})` : ''}`;
    at = (at.cause ?? at.errors?.[0]) as typeof at;
  }
  return firstLine((e as Error)?.message ?? String(e));
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
