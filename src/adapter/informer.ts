/**
 * An informer on @kubernetes/client-node's `Watch` and `KubernetesObjectApi.list`: list (in pages), then watch from
 * the list's resourceVersion with bookmarks; a 410 Gone (an ERROR event or the HTTP status) relists; any other
 * error or a closed stream watches again from the last resourceVersion seen, after a backoff with jitter.
 * The client's own ListWatch is not used because it neither asks for bookmarks nor backs off with jitter.
 */
import { type KubeConfig, Watch } from '@kubernetes/client-node';
import { Backoff, sleep } from './backoff.ts';
import { listAll, type ResourceRef, resourcePath } from './kube-http.ts';
import { asKubeObject, at, type KubeObject, objectKey, statusOf } from './kube-object.ts';

export type { ResourceRef };

export interface InformerHandlers {
  /** After every (re)list: the whole current set (with kind and apiVersion filled in). */
  onList(objects: readonly KubeObject[]): void;
  /** A change seen on the watch. */
  onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void;
  /** A watch restart (for the metrics), with the reason. */
  onRestart?(reason: 'gone' | 'closed' | 'error', error?: unknown): void;
}

export interface InformerOptions {
  readonly labelSelector?: string;
  readonly pageSize?: number;
  readonly backoff?: Backoff;
}

/** A running informer: its cache, whether it has listed, and stop(). */
export class Informer {
  readonly resource: ResourceRef;
  readonly #kc: KubeConfig;
  readonly #handlers: InformerHandlers;
  readonly #options: InformerOptions;
  readonly #cache = new Map<string, KubeObject>();
  readonly #stop = new AbortController();
  #synced = false;
  #resourceVersion = '';
  #done: Promise<void> | undefined;
  #abortWatch: (() => void) | undefined;

  constructor(kc: KubeConfig, resource: ResourceRef, handlers: InformerHandlers, options: InformerOptions = {}) {
    this.#kc = kc;
    this.resource = resource;
    this.#handlers = handlers;
    this.#options = options;
  }

  get synced(): boolean {
    return this.#synced;
  }

  list(): KubeObject[] {
    return [...this.#cache.values()];
  }

  get(key: string): KubeObject | undefined {
    return this.#cache.get(key);
  }

  start(): void {
    this.#done ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#abortWatch?.();
    await this.#done;
  }

  #complete(v: unknown): KubeObject | undefined {
    const o = asKubeObject(v);
    if (!o) return undefined;
    o.apiVersion ??= this.resource.apiVersion;
    o.kind ??= this.resource.kind;
    return o;
  }

  async #relist(): Promise<void> {
    const page = await listAll(this.#kc, this.resource, { labelSelector: this.#options.labelSelector, limit: this.#options.pageSize ?? 500 });
    const items = page.items.map((i) => this.#complete(i)).filter((o) => o !== undefined);
    const rv = page.resourceVersion;
    this.#cache.clear();
    for (const o of items) this.#cache.set(objectKey(o), o);
    this.#resourceVersion = rv;
    this.#synced = true;
    this.#handlers.onList(items);
  }

  /** One watch, until it ends: resolves with why. */
  #watchOnce(): Promise<{ reason: 'gone' | 'closed' | 'error'; error?: unknown }> {
    return new Promise((resolve) => {
      let gone = false;
      let settled = false;
      const finish = (r: { reason: 'gone' | 'closed' | 'error'; error?: unknown }): void => {
        if (settled) return;
        settled = true;
        this.#abortWatch = undefined;
        resolve(r);
      };
      const query = { resourceVersion: this.#resourceVersion, allowWatchBookmarks: true, ...(this.#options.labelSelector ? { labelSelector: this.#options.labelSelector } : {}) };
      new Watch(this.#kc).watch(resourcePath(this.resource), query, (type: string, obj: unknown) => {
        if (type === 'ERROR') {
          if (at(obj, 'code') === 410) gone = true;
          return;
        }
        const o = asKubeObject(obj);
        if (!o) return;
        const rv = o.metadata.resourceVersion;
        if (typeof rv === 'string' && rv) this.#resourceVersion = rv;
        if (type === 'BOOKMARK') return;
        const full = this.#complete(o)!;
        if (type === 'DELETED') this.#cache.delete(objectKey(full));
        else if (type === 'ADDED' || type === 'MODIFIED') this.#cache.set(objectKey(full), full);
        else return;
        this.#options.backoff?.reset();
        this.#handlers.onEvent(type, full);
      }, (err: unknown) => {
        if (gone || statusOf(err) === 410) finish({ reason: 'gone' });
        else if (err) finish({ reason: 'error', error: err });
        else finish({ reason: 'closed' });
      }).then((ctl) => {
        if (settled) return;
        this.#abortWatch = () => ctl.abort();
        if (this.#stop.signal.aborted) ctl.abort();
      }, (err: unknown) => finish({ reason: statusOf(err) === 410 ? 'gone' : 'error', error: err }));
    });
  }

  async #run(): Promise<void> {
    const backoff = this.#options.backoff ?? new Backoff();
    let needList = true;
    while (!this.#stop.signal.aborted) {
      try {
        if (needList) {
          await this.#relist();
          needList = false;
          backoff.reset();
        }
        const r = await this.#watchOnce();
        if (this.#stop.signal.aborted) break;
        this.#handlers.onRestart?.(r.reason, r.error);
        if (r.reason === 'gone') {
          needList = true;
          continue;
        }
        await sleep(backoff.next(), this.#stop.signal);
      } catch (e) {
        if (this.#stop.signal.aborted) break;
        this.#handlers.onRestart?.(statusOf(e) === 410 ? 'gone' : 'error', e);
        if (statusOf(e) === 410) needList = true;
        await sleep(backoff.next(), this.#stop.signal);
      }
    }
  }
}
