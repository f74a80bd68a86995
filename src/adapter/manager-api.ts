/** The manager's API as the adapter uses it (np2dfw serve's cluster routes), over src/client's NSX client. */
import type { NsxClient } from '../client/nsx-client.ts';
import type { Json } from './kube-object.ts';

const BASE = '/api/v1/fabric/container-clusters';

export type RealizationStateReport = 'REALIZED' | 'ERROR' | 'PENDING';

export interface ComponentHealth {
  readonly name: string;
  readonly status: 'HEALTHY' | 'DEGRADED' | 'DOWN' | 'UNKNOWN';
  readonly message?: string;
}

export class ManagerApi {
  readonly #client: NsxClient;
  readonly #base: string;

  constructor(client: NsxClient, cluster: string) {
    this.#client = client;
    this.#base = `${BASE}/${encodeURIComponent(cluster)}`;
  }

  register(): Promise<unknown> {
    return this.#client.request('PUT', this.#base, {});
  }

  /** Registers the cluster (idempotent) and replaces its inventory. */
  async snapshot(objects: readonly Json[]): Promise<unknown> {
    await this.register();
    return this.#client.request('PUT', `${this.#base}/inventory`, { objects });
  }

  changes(upserts: readonly Json[], deletes: readonly { kind: string; namespace?: string; name: string }[]): Promise<unknown> {
    return this.#client.request('PATCH', `${this.#base}/inventory`, { upserts, deletes });
  }

  health(status: ComponentHealth['status'], components: readonly ComponentHealth[], message?: string): Promise<unknown> {
    return this.#client.request('POST', `${this.#base}/health`, { status, components, ...(message ? { message } : {}) });
  }

  /** The DFW policies spanned to this cluster and the groups they use, as the manager holds them (NSX shapes). */
  dfw(): Promise<unknown> {
    return this.#client.request('GET', `${this.#base}/dfw`);
  }

  realization(statuses: readonly { policy_id: string; revision?: number; state: RealizationStateReport; message?: string }[]): Promise<unknown> {
    return this.#client.request('POST', `${this.#base}/realization`, { statuses });
  }

  pendingRemovals(): Promise<unknown> {
    return this.#client.request('GET', `${this.#base}/pending-removals`);
  }

  statistics(policies: readonly Json[]): Promise<unknown> {
    return this.#client.request('POST', `${this.#base}/statistics`, { policies });
  }

  pendingTraceflows(): Promise<unknown> {
    return this.#client.request('GET', `${this.#base}/traceflows?state=PENDING`);
  }

  traceflowResult(id: string, result: Json): Promise<unknown> {
    return this.#client.request('POST', `${this.#base}/traceflows/${encodeURIComponent(id)}/result`, result);
  }
}
