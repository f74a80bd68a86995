// The import worker thread (import-workers.ts starts it): it plans imports (conversion, ownership checks,
// verification) and writes them, on its own connections to the server's database (worker-database.ts: two SQLite
// connections, or a small PostgreSQL pool), so that the request thread only gets the outcome. It reads a
// consistent snapshot while the server goes on writing (SQLite's WAL, PostgreSQL's REPEATABLE READ).
//
// Freshness: every write of a DFW object, by any thread or replica, grows the database's DFW epoch in the same
// transaction (PolicyStore.dfwEpoch). The worker takes its read snapshot (on SQLite while it holds the write lock)
// and reads the epoch inside it; it writes the plan only if, inside its write transaction, the epoch is still that one.
// Otherwise it plans again (the decoded DFW objects are kept between imports; of those the epochs since changed,
// only they are read and decoded again: the DFW change log). The stores are the server's async ones, on the
// worker's connections.
import { parentPort, workerData } from 'node:worker_threads';
import type { DatabaseDescriptor } from '../db/database.ts';
import { AuditStore } from '../store/audit-store.ts';
import { InventoryStore } from '../store/inventory-store.ts';
import { PolicyStore } from '../store/policy-store.ts';
import { DecodedDfwState } from '../store/decoded-dfw.ts';
import { lowerThreadPriority } from './thread-priority.ts';
import { RealizationStore } from '../store/realization-store.ts';
import { planImport, type DecodedDfw, type ImportOptions, type ImportRequest } from './import-plan.ts';
import { recordUnwritten, settlePlan, writePlan, type ImportCaller, type ImportOutcome, type ImportStores } from './import-service.ts';
import { openWorkerDatabase, type WorkerDatabase } from './worker-database.ts';

/** What the worker is started with. */
export interface ImportWorkerData {
  /** The server's database (for PostgreSQL with the password: never logged). */
  readonly database: DatabaseDescriptor;
  readonly placement: 'nsx' | 'banded';
}

/** A request to the worker: an import, or `close` (it closes its connections and ends). */
export type ImportMessage = {
  readonly id: number;
  readonly req: ImportRequest;
  readonly options: ImportOptions;
  readonly caller: ImportCaller;
} | { readonly close: true };

/** The worker's answer: the outcome (written or not), `stale` when every plan went stale, or an error. */
export type ImportReply =
  | { readonly id: number; readonly outcome: ImportOutcome }
  | { readonly id: number; readonly stale: true }
  | { readonly id: number; readonly error: string };

/** How many times the worker plans an import whose plans go stale before it gives up (the server then imports on its thread). */
const ATTEMPTS = 3;

interface Connections {
  /** The worker's connections. */
  readonly db: WorkerDatabase;
  readonly reading: { readonly inventory: InventoryStore; readonly policies: PolicyStore };
  /** Imports are written here. */
  readonly write: ImportStores;
  /** The stored DFW objects decoded, and the generation they are of. */
  decoded?: { generation: number; readonly state: DecodedDfwState };
}

let open: Connections | undefined;
/** Set by `close`: the connections are not opened again. */
let closed = false;

function connections(data: ImportWorkerData): Connections {
  if (open) return open;
  if (closed) throw new Error('the import worker is closing');
  const worker = openWorkerDatabase(data.database);
  const read = worker.read;
  const db = worker.write;
  const policies = new PolicyStore(db);
  const realization = new RealizationStore(db);
  policies.onPolicyChange = (changes) => realization.markPending(changes);
  open = {
    db: worker,
    reading: { inventory: new InventoryStore(read), policies: new PolicyStore(read) },
    write: { db, policies, inventory: new InventoryStore(db), audit: new AuditStore(db), placement: data.placement },
  };
  return open;
}

/**
 * Runs `fn` on one read snapshot, with the DFW epoch of that snapshot (see worker-database.ts). The worker's
 * connections are used by one task at a time (`serially`).
 */
function inSnapshot<T>(c: Connections, fn: (generation: number) => Promise<T>): Promise<T> {
  return c.db.snapshot(() => c.reading.policies.dfwEpoch(), fn);
}

/**
 * The stored DFW objects of `generation`, decoded; inside its snapshot. When the generation moved, only the
 * objects the change log names are read and decoded again; everything when the log does not reach back.
 */
async function decodedAt(c: Connections, generation: number): Promise<DecodedDfw> {
  const policies = c.reading.policies;
  if (c.decoded && c.decoded.generation !== generation) {
    const changed = c.decoded.generation < generation ? await policies.dfwChangesSince(c.decoded.generation) : undefined;
    if (changed) {
      c.decoded.state.apply(changed, await policies.dfwRows(changed));
      c.decoded.generation = generation;
    } else {
      c.decoded = undefined; // the old objects can go before the new ones are made
    }
  }
  c.decoded ??= { generation, state: DecodedDfwState.of(await policies.dfwRows()) };
  return c.decoded.state.result();
}

/** The end of the worker's last task: imports and the idle decoding use the connections one at a time. */
let tail: Promise<unknown> = Promise.resolve();

function serially<T>(task: () => Promise<T>): Promise<T> {
  const run = tail.then(task, task);
  tail = run.catch(() => undefined);
  return run;
}

/**
 * Keeps the decoded DFW objects current ahead of the next import: at once when the worker starts, then whenever
 * the epoch moved (checked every quarter second; after an edit only the objects it changed are decoded again, see
 * decodedAt): work the worker does while idle instead of in an import.
 */
function keepDecoded(data: ImportWorkerData): void {
  const TICK_MS = 250;
  const tick = async () => {
    const c = connections(data);
    if (c.decoded && c.decoded.generation === (await c.write.policies.dfwEpoch())) return;
    await inSnapshot(c, (generation) => decodedAt(c, generation));
  };
  setInterval(() => {
    serially(tick).catch(() => {
      // an unreadable state now is read (and reported) by the next import
    });
  }, TICK_MS).unref();
}

async function importInWorker(data: ImportWorkerData, m: Exclude<ImportMessage, { close: true }>): Promise<ImportReply> {
  const c = connections(data);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { generation, plan } = await inSnapshot(c, async (generation) => {
      const decoded = () => decodedAt(c, generation);
      return { generation, plan: await planImport({ ...c.reading, placement: data.placement, decoded }, m.req, m.options) };
    });
    const { outcome, write } = settlePlan(plan, m.options);
    if (!write) {
      await recordUnwritten(c.write, outcome, m.options, m.caller);
      return { id: m.id, outcome };
    }
    if (await writePlan(c.write, plan, outcome, m.options, m.caller, async () => (await c.write.policies.dfwEpoch(true)) === generation)) {
      return { id: m.id, outcome };
    }
  }
  return { id: m.id, stale: true };
}

if (parentPort) {
  lowerThreadPriority(); // the request thread first (thread-priority.ts)
  keepDecoded(workerData as ImportWorkerData);
}

parentPort?.on('message', (m: ImportMessage) => {
  if ('close' in m) {
    // the server is stopping: whatever import is still running is abandoned (its write is one transaction)
    const c = open;
    open = undefined;
    closed = true;
    void (c ? c.db.close() : Promise.resolve()).catch(() => undefined).finally(() => parentPort!.close());
    return;
  }
  void serially(async () => {
    let reply: ImportReply;
    try {
      reply = await importInWorker(workerData as ImportWorkerData, m);
    } catch (e) {
      reply = { id: m.id, error: (e as Error).message ?? String(e) };
    }
    parentPort!.postMessage(reply);
  });
});
