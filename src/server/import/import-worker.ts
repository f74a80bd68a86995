// The worker thread that plans imports (import-workers.ts starts it): it reads the database on its own read-only
// connection, in one read transaction (a consistent snapshot while the server goes on writing), converts and
// verifies, and posts the plan back. It never writes.
import { DatabaseSync } from 'node:sqlite';
import { parentPort } from 'node:worker_threads';
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

let open: { path: string; db: DatabaseSync; inventory: InventoryStore; policies: PolicyStore } | undefined;

function source(path: string): NonNullable<typeof open> {
  if (open?.path !== path) {
    open?.db.close();
    const db = new DatabaseSync(path, { readOnly: true });
    db.exec('PRAGMA busy_timeout = 10000');
    open = { path, db, inventory: new InventoryStore(db), policies: new PolicyStore(db) };
  }
  return open;
}

parentPort?.on('message', (m: PlanMessage) => {
  try {
    const s = source(m.dbPath);
    s.db.exec('BEGIN');
    try {
      const plan = planImport({ inventory: s.inventory, policies: s.policies, placement: m.placement }, m.req, m.options);
      parentPort!.postMessage({ id: m.id, plan });
    } finally {
      s.db.exec('COMMIT');
    }
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error).message ?? String(e) });
  }
});
