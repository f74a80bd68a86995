import { authorizationHeader, type Credentials } from './credentials.ts';

/** An error answer of the API: the HTTP status and NSX's error body fields when the server sent them. */
export class NsxApiError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** NSX's numeric error_code, when the body had one. */
  readonly errorCode?: number;
  /** The parsed body (NSX error body), when it was JSON. */
  readonly body?: unknown;
  constructor(status: number, message: string, errorCode?: number, body?: unknown) {
    super(message);
    this.name = 'NsxApiError';
    this.status = status;
    this.errorCode = errorCode;
    this.body = body;
  }
}

/** NSX's NetworkPolicyImportResponse (plus np2dfw's optional `verification`). */
export interface ImportResult {
  readonly request_count: number;
  readonly success_count: number;
  readonly errors: readonly { readonly network_policy_id?: string; readonly errors: readonly { readonly error_code: string; readonly error_message: string }[] }[];
  readonly errors_general: readonly { readonly network_policy_id?: string; readonly errors: readonly { readonly error_code: string; readonly error_message: string }[] }[];
  readonly verification?: unknown;
  /** np2dfw extension: set (true) when the import was a dry run and nothing was written. */
  readonly dry_run?: boolean;
  /** np2dfw extension (dry run): the groups and security policies the import would write. */
  readonly preview?: { readonly groups: readonly unknown[]; readonly security_policies: readonly unknown[] };
}

/** np2dfw's extensions of the import API (a real NSX Manager knows neither). */
export interface ImportExtensions {
  /** Compute the answer and the objects, write nothing. */
  readonly dryRun?: boolean;
  /** Refuse to write when the verification of an affected cluster is not equivalent. */
  readonly requireEquivalent?: boolean;
}

/** Options of the client. */
export interface NsxClientOptions {
  /** The manager's base URL, e.g. `https://nsx.example.com` or `http://127.0.0.1:8443`. */
  readonly server: string;
  readonly credentials?: Credentials;
  /** Accept any TLS certificate (like curl -k), for managers with self-signed certificates. */
  readonly insecure?: boolean;
  /** Per-request timeout (default 10 minutes: a 5000-policy import takes a while). */
  readonly timeoutMs?: number;
}

/**
 * A small client of the NSX Policy API: the calls np2dfw's commands make. It speaks only NSX's own API shapes for
 * imports and policies, so it works against a real NSX Manager as well as against `np2dfw serve`.
 */
export class NsxClient {
  readonly #base: string;
  readonly #auth?: string;
  readonly #timeoutMs: number;

  constructor(options: NsxClientOptions) {
    let url: URL;
    try {
      url = new URL(options.server);
    } catch {
      throw new Error(`--server ${options.server}: not a URL (use e.g. https://nsx.example.com or http://127.0.0.1:8443)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--server ${options.server}: use an http or https URL`);
    this.#base = url.toString().replace(/\/$/, '');
    this.#auth = options.credentials ? authorizationHeader(options.credentials) : undefined;
    this.#timeoutMs = options.timeoutMs ?? 600_000;
    if (options.insecure) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  }

  /** Sends one request; returns the parsed JSON answer (undefined for an empty one). Throws NsxApiError for 4xx/5xx. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#auth) headers.authorization = this.#auth;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.#base}${path}`, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      throw new Error(`cannot reach ${this.#base}: ${cause ?? (e as Error).message}`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const b = parsed as { error_message?: string; error_code?: number; related_errors?: { error_message?: string }[] } | undefined;
      const related = (b?.related_errors ?? []).slice(1, 20).map((r) => `\n  ${r.error_message ?? ''}`).join('');
      const msg = b?.error_message ? `${b.error_message}${related}` : (text.slice(0, 300) || res.statusText);
      throw new NsxApiError(res.status, `${method} ${path}: HTTP ${res.status}: ${msg}`, b?.error_code, parsed);
    }
    if (parsed === undefined && text) throw new Error(`${method} ${path}: the answer is not JSON`);
    return parsed as T;
  }

  /** `POST /policy/api/v1/infra/import-k8s-np-to-dfw?on_error=...`. */
  importNetworkPolicies(ids: readonly string[], onError: 'ABORT' | 'CONTINUE', sequence?: { upper: number; lower: number },
    extensions: ImportExtensions = {}): Promise<ImportResult> {
    const body = {
      network_policy_ids: ids,
      ...(sequence ? { sequence_number_upper: sequence.upper, sequence_number_lower: sequence.lower } : {}),
    };
    const query = `on_error=${onError}${extensions.dryRun ? '&dry_run=true' : ''}${extensions.requireEquivalent ? '&require_equivalent=true' : ''}`;
    return this.request<ImportResult>('POST', `/policy/api/v1/infra/import-k8s-np-to-dfw?${query}`, body);
  }

  /** Every page of a list (following `cursor`). */
  async listAll<T>(path: string, pageSize = 1000): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await this.request<{ results: T[]; cursor?: string }>('GET', `${path}${sep}page_size=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      out.push(...page.results);
      cursor = page.cursor;
    } while (cursor);
    return out;
  }
}
