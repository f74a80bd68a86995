/**
 * Raw JSON requests to the API server with the kubeconfig's authentication and TLS, as @kubernetes/client-node's own
 * Watch makes them (its RequestContext, its dispatcher, undici). The typed clients turn built-in objects into
 * classes (`from` becomes `_from`, times become Dates); the inventory and the realization need the objects exactly
 * as the API server serves them.
 */
import { HttpMethod, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { isObject, type Json } from './kube-object.ts';

/** An error answer of the API server: its status and its Status body. */
export class KubeApiError extends Error {
  readonly code: number;
  readonly body: unknown;
  constructor(code: number, message: string, body: unknown) {
    super(message);
    this.code = code;
    this.body = body;
  }
}

const METHODS = { GET: HttpMethod.GET, POST: HttpMethod.POST, PUT: HttpMethod.PUT, PATCH: HttpMethod.PATCH, DELETE: HttpMethod.DELETE } as const;

export async function kubeRequest(kc: KubeConfig, method: keyof typeof METHODS, path: string, options: { query?: Record<string, string | number | boolean | undefined>; body?: unknown; contentType?: string; timeoutMs?: number } = {}): Promise<Json> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster in the kubeconfig');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  const ctx = new RequestContext(url.toString(), METHODS[method]);
  await kc.applySecurityAuthentication(ctx);
  const headers: Record<string, string> = { ...ctx.getHeaders(), accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(url, {
    method, headers, dispatcher: ctx.getDispatcher(),
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const message = isObject(parsed) && typeof parsed.message === 'string' ? parsed.message : `HTTP ${res.status}`;
    throw new KubeApiError(res.status, message, parsed);
  }
  if (!isObject(parsed)) throw new Error(`${method} ${path}: the API server's answer is not a JSON object`);
  return parsed;
}

/** A resource type: its apiVersion, kind and plural name (the URL segment). */
export interface ResourceRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
}

/** `/api/v1/namespaces/ns/pods/name` or `/apis/group/version/plural/name`. */
export function resourcePath(r: ResourceRef, namespace?: string, name?: string): string {
  const base = r.apiVersion.includes('/') ? `/apis/${r.apiVersion}` : `/api/${r.apiVersion}`;
  return `${base}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

/** Every object of a type, following `continue` (pages of `limit`); with the list's resourceVersion. */
export async function listAll(kc: KubeConfig, r: ResourceRef, options: { labelSelector?: string; limit?: number } = {}): Promise<{ items: Json[]; resourceVersion: string }> {
  const items: Json[] = [];
  let token: string | undefined;
  let resourceVersion = '';
  do {
    const page = await kubeRequest(kc, 'GET', resourcePath(r), { query: { labelSelector: options.labelSelector, limit: options.limit ?? 500, continue: token } });
    if (Array.isArray(page.items)) for (const i of page.items) if (isObject(i)) items.push(i);
    const meta = isObject(page.metadata) ? page.metadata : {};
    token = typeof meta.continue === 'string' && meta.continue ? meta.continue : undefined;
    resourceVersion = typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '';
  } while (token);
  return { items, resourceVersion };
}
