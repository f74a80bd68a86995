import { Worker } from 'node:worker_threads';
import type { ImportOptions, ImportPlan, ImportRequest } from './import-plan.ts';
import type { PlanMessage } from './import-worker.ts';

/**
 * Plans imports in a worker thread (import-worker.ts), so that conversion and verification never hold the
 * request thread: reads, adapters' reports and logins go on being served while an import is computed. One worker,
 * started at the first import; imports are one at a time anyway (ServerContext.importQueue).
 */
export class ImportWorker {
  readonly #dbPath: string;
  readonly #placement: 'nsx' | 'banded';
  #worker?: Worker;
  #next = 1;
  readonly #waiting = new Map<number, { resolve: (p: ImportPlan) => void; reject: (e: Error) => void }>();

  constructor(dbPath: string, placement: 'nsx' | 'banded') {
    this.#dbPath = dbPath;
    this.#placement = placement;
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL('./import-worker.ts', import.meta.url));
    w.on('message', (m: { id: number; plan?: ImportPlan; error?: string }) => {
      const waiting = this.#waiting.get(m.id);
      if (!waiting) return;
      this.#waiting.delete(m.id);
      if (m.plan) waiting.resolve(m.plan);
      else waiting.reject(new Error(`the import could not be planned: ${m.error ?? 'unknown error'}`));
    });
    const fail = (e: Error) => {
      for (const w of this.#waiting.values()) w.reject(new Error(`the import worker stopped: ${e.message}`));
      this.#waiting.clear();
      this.#worker = undefined;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    w.unref();
    this.#worker = w;
    return w;
  }

  /** The plan of an import, computed in the worker. */
  plan(req: ImportRequest, options: ImportOptions): Promise<ImportPlan> {
    const id = this.#next++;
    const message: PlanMessage = { id, dbPath: this.#dbPath, placement: this.#placement, req, options };
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#start().postMessage(message);
    });
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    if (w) await w.terminate();
  }
}
