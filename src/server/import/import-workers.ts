import { Worker } from 'node:worker_threads';
import type { ImportOptions, ImportRequest } from './import-plan.ts';
import type { ImportCaller, ImportOutcome } from './import-service.ts';
import type { ImportMessage, ImportReply, ImportWorkerData } from './import-worker.ts';

/**
 * Runs imports in a worker thread (import-worker.ts): conversion, verification and the write never hold the
 * request thread, so reads, adapters' reports and logins go on being served while an import runs; the request
 * thread only gets the outcome. One worker, started with the server; imports are one at a time anyway
 * (ServerContext.importQueue).
 */
export class ImportWorker {
  readonly #data: ImportWorkerData;
  #worker?: Worker;
  #next = 1;
  readonly #waiting = new Map<number, { resolve: (r: ImportReply) => void; reject: (e: Error) => void }>();

  constructor(dbPath: string, placement: 'nsx' | 'banded') {
    this.#data = { dbPath, placement };
  }

  /** Starts the worker (loading its modules ahead of the first import); `run` starts it too when needed. */
  start(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL('./import-worker.ts', import.meta.url), { workerData: this.#data });
    w.on('message', (m: ImportReply) => {
      const waiting = this.#waiting.get(m.id);
      if (!waiting) return;
      this.#waiting.delete(m.id);
      waiting.resolve(m);
    });
    const fail = (e: Error) => {
      if (this.#worker !== w) return;
      for (const waiting of this.#waiting.values()) waiting.reject(new Error(`the import worker stopped: ${e.message}`));
      this.#waiting.clear();
      this.#worker = undefined;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    w.unref();
    this.#worker = w;
    return w;
  }

  /**
   * Imports in the worker: the outcome (written or not), or `undefined` when the state kept changing under the
   * worker's plans (the caller then imports on its own thread, which cannot be overtaken).
   */
  async run(req: ImportRequest, options: ImportOptions, caller: ImportCaller): Promise<ImportOutcome | undefined> {
    const id = this.#next++;
    const message: ImportMessage = { id, req, options, caller };
    const reply = await new Promise<ImportReply>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.start().postMessage(message);
    });
    if ('outcome' in reply) return reply.outcome;
    if ('stale' in reply) return undefined;
    throw new Error(`the import could not be run: ${reply.error}`);
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    for (const waiting of this.#waiting.values()) waiting.reject(new Error('the server is shutting down'));
    this.#waiting.clear();
    if (w) await w.terminate();
  }
}
