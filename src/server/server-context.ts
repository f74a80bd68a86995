import type { FastifyRequest } from 'fastify';
import { inTransaction, type Database } from './db/database.ts';
import type { HandlerContext } from './http/route.ts';
import { AuditStore } from './store/audit-store.ts';
import { InventoryStore } from './store/inventory-store.ts';
import { PolicyStore } from './store/policy-store.ts';
import { RealizationStore } from './store/realization-store.ts';
import { UserStore } from './store/user-store.ts';
import { planImport, type ImportOptions, type ImportPlan, type ImportRequest } from './import/import-plan.ts';

/** Runs async jobs one after the other (imports: one at a time, while other requests go on). */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(job: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(job, job);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

/** How imports place new policies: `nsx` as NSX's import API does (default), or np2dfw's `banded`. */
export type ServerPlacement = 'nsx' | 'banded';

/** The server's state: the database and the stores on it. */
export class ServerContext {
  readonly db: Database;
  readonly users: UserStore;
  readonly audit: AuditStore;
  readonly inventory: InventoryStore;
  readonly policies: PolicyStore;
  readonly realization: RealizationStore;
  readonly placement: ServerPlacement;
  /** The audit action of each request in flight (set by the router from its RouteSpec). */
  readonly auditAction = new WeakMap<FastifyRequest, { readonly action: string; readonly status: number }>();
  /** Requests whose outcome is in the audit log already. */
  readonly audited = new WeakSet<FastifyRequest>();
  /** Imports, one at a time. */
  readonly importQueue = new SerialQueue();
  /**
   * Computes an import's plan (conversion, ownership checks, verification) without writing. By default on this
   * thread; the server replaces it with a worker thread's (import-workers.ts) so that requests keep being served.
   */
  planImport: (req: ImportRequest, options: ImportOptions) => Promise<ImportPlan>;

  constructor(db: Database, placement: ServerPlacement = 'nsx') {
    this.db = db;
    this.placement = placement;
    this.users = new UserStore(db);
    this.audit = new AuditStore(db);
    this.inventory = new InventoryStore(db);
    this.policies = new PolicyStore(db);
    this.realization = new RealizationStore(db);
    this.policies.onPolicyChange = (id, scope, revision) => this.realization.markPending(id, scope, revision);
    this.planImport = async (req, options) => planImport(this, req, options);
  }

  /**
   * Runs a change in one transaction, and records it in the audit log inside the same transaction: the change
   * and its audit entry are committed together or not at all. A failure is recorded by the error handler.
   */
  change<T>(ctx: HandlerContext, target: string, fn: () => T, detail: (result: T) => string = () => ''): T {
    return inTransaction(this.db, () => {
      const result = fn();
      this.audit.record({
        user: ctx.principal.name, method: ctx.request.method, path: ctx.request.url.split('?')[0],
        action: this.auditAction.get(ctx.request)?.action ?? 'change', target, status: this.auditAction.get(ctx.request)?.status ?? 200,
        result: 'success', detail: detail(result),
      });
      this.audited.add(ctx.request);
      return result;
    });
  }
}
