import { Worker } from 'node:worker_threads';
import type { DatabaseDescriptor } from '../db/database.ts';
import type { ImportOptions, ImportRequest } from './import-plan.ts';
import type { ImportCaller, ImportOutcome } from './import-service.ts';
import type { ImportMessage, ImportReply, ImportWorkerData } from './import-worker.ts';

/**
 * Runs imports in a worker thread (import-worker.ts): conversion, verification and the write never hold the
 * request thread, so reads, adapters' reports and logins go on being served while an import runs; the request
 * thread only gets the outcome. One worker, started with the server, on its own connections to the server's
 * database (a SQLite file, or PostgreSQL with a small pool of its own); imports are one at a time anyway
 * (ServerContext.importQueue).
 */
export class ImportWorker {
  readonly #data: ImportWorkerData;
  #worker?: Worker;
  #next = 1;
  readonly #waiting = new Map<number, { resolve: (r: ImportReply) => void; reject: (e: Error) => void }>();

  /** `database`: where the worker connects (for PostgreSQL with the password: it goes to the worker only). */
  constructor(database: DatabaseDescriptor, placement: 'nsx' | 'banded') {
    this.#data = { database, placement };
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

  /**
   * Stops the worker: it closes its connections (a PostgreSQL pool ends its sessions) and ends; if it has not
   * ended within `graceMs` (its connections busy with an import), it is terminated: the database then rolls back
   * whatever transaction it had open. An import still in flight is abandoned at once (the worker is terminated
   * without waiting): its request is cut off, so nothing of it may be written after. Resolves with whether the
   * worker ended by itself.
   */
  async close(graceMs = 2000): Promise<{ readonly ended: boolean }> {
    const w = this.#worker;
    this.#worker = undefined;
    const busy = this.#waiting.size > 0;
    for (const waiting of this.#waiting.values()) waiting.reject(new Error('the server is shutting down'));
    this.#waiting.clear();
    if (!w) return { ended: true };
    if (busy) {
      await w.terminate();
      return { ended: false };
    }
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage({ close: true } satisfies ImportMessage);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), graceMs); });
    const how = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (how === 'late') await w.terminate();
    return { ended: how !== 'late' };
  }
}
