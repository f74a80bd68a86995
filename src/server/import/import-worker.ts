// The worker thread that plans imports (import-workers.ts starts it): it reads the database on its own read-only
// connection, in one read transaction (a consistent snapshot while the server goes on writing), converts and
// verifies, and posts the plan back. It never writes.
import { parentPort } from 'node:worker_threads';
import { openSqlite, type SqliteDatabase } from '../db/sqlite-database.ts';
import { InventoryStore } from '../store/inventory-store.ts';
import { PolicyStore } from '../store/policy-store.ts';
import { planImport, type ImportOptions, type ImportRequest } from './import-plan.ts';

/** A request to the worker. */
export interface PlanMessage {
  readonly id: number;
  readonly dbPath: string;
  readonly placement: 'nsx' | 'banded';
  readonly req: ImportRequest;
  readonly options: ImportOptions;
}

let open: { path: string; db: SqliteDatabase; inventory: InventoryStore; policies: PolicyStore } | undefined;

async function source(path: string): Promise<NonNullable<typeof open>> {
  if (open?.path !== path) {
    await open?.db.close();
    const db = openSqlite(path, { readOnly: true });
    open = { path, db, inventory: new InventoryStore(db), policies: new PolicyStore(db) };
  }
  return open;
}

parentPort?.on('message', async (m: PlanMessage) => {
  try {
    const s = await source(m.dbPath);
    const plan = await s.db.snapshot(() => planImport({ inventory: s.inventory, policies: s.policies, placement: m.placement }, m.req, m.options));
    parentPort!.postMessage({ id: m.id, plan });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error).message ?? String(e) });
  }
});
