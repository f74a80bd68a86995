/**
 * The management-plane half's inventory: a full snapshot once every informer has listed (and again after any
 * relist), then the changes of the watches, batched: at most one report per `batchMs`, the latest state of each
 * object only (an object added then deleted within a batch is one delete).
 */
import { Backoff } from './backoff.ts';
import type { KubeObject } from './kube-object.ts';
import type { ManagerApi } from './manager-api.ts';

/** What the manager keeps of an object: everything but the bookkeeping fields. */
export function reportable(o: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = o.metadata;
  return { ...o, metadata } as KubeObject;
}

type Pending = { op: 'upsert'; object: KubeObject } | { op: 'delete'; kind: string; namespace?: string; name: string };

export class InventoryReporter {
  readonly #manager: ManagerApi;
  readonly #batchMs: number;
  readonly #snapshot: () => KubeObject[] | undefined;
  readonly #queue = new Map<string, Pending>();
  #needSnapshot = true;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #lastError: string | undefined;
  /** When the manager last accepted a report (epoch ms), for health and readiness. */
  lastReportAt: number | undefined;

  /** `snapshot()` returns every object when all informers have listed, else undefined. */
  readonly #onError: (e: unknown) => void;
  readonly #backoff = new Backoff(200, 30_000);

  constructor(manager: ManagerApi, snapshot: () => KubeObject[] | undefined, batchMs = 250, onError: (e: unknown) => void = () => {}) {
    this.#onError = onError;
    this.#manager = manager;
    this.#snapshot = snapshot;
    this.#batchMs = batchMs;
  }

  get queueDepth(): number {
    return this.#queue.size;
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** A relist happened somewhere: the next report is a full snapshot. */
  relisted(): void {
    this.#needSnapshot = true;
    this.#queue.clear();
    this.#schedule();
  }

  changed(type: 'ADDED' | 'MODIFIED' | 'DELETED', o: KubeObject): void {
    const key = `${String(o.kind)}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    this.#queue.set(key, type === 'DELETED'
      ? { op: 'delete', kind: String(o.kind), ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name }
      : { op: 'upsert', object: reportable(o) });
    this.#schedule();
  }

  #schedule(delayMs = this.#batchMs): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush().then(() => this.#backoff.reset(), (e: unknown) => {
        this.#onError(e);
        this.#schedule(this.#backoff.next());
      });
    }, delayMs);
  }

  /** Sends what is due now; on failure keeps it for the next attempt (and rethrows). */
  async flush(): Promise<void> {
    if (this.#flushing) return this.#flushing;
    this.#flushing = this.#flush().finally(() => { this.#flushing = undefined; });
    return this.#flushing;
  }

  async #flush(): Promise<void> {
    try {
      if (this.#needSnapshot) {
        const all = this.#snapshot();
        if (!all) {
          // not every informer has listed yet (or this replica does not lead): try again shortly
          this.#schedule();
          return;
        }
        this.#queue.clear();
        this.#needSnapshot = false;
        try {
          await this.#manager.snapshot(all.map(reportable));
        } catch (e) {
          this.#needSnapshot = true;
          throw e;
        }
      } else {
        if (this.#queue.size === 0) return;
        const batch = [...this.#queue.entries()];
        this.#queue.clear();
        const upserts = batch.flatMap(([, p]) => (p.op === 'upsert' ? [p.object] : []));
        const deletes = batch.flatMap(([, p]) => (p.op === 'delete' ? [{ kind: p.kind, ...(p.namespace ? { namespace: p.namespace } : {}), name: p.name }] : []));
        try {
          await this.#manager.changes(upserts, deletes);
        } catch (e) {
          // Keep what failed unless a newer change of the same object arrived meanwhile.
          for (const [k, p] of batch) if (!this.#queue.has(k)) this.#queue.set(k, p);
          throw e;
        }
      }
      this.lastReportAt = Date.now();
      this.#lastError = undefined;
    } catch (e) {
      this.#lastError = (e as Error).message;
      throw e;
    }
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
