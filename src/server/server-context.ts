import type { FastifyRequest } from 'fastify';
import { inTransaction, type Database } from './db/database.ts';
import type { HandlerContext } from './http/route.ts';
import { AuditStore } from './store/audit-store.ts';
import { InventoryStore } from './store/inventory-store.ts';
import { PolicyStore } from './store/policy-store.ts';
import { RealizationStore } from './store/realization-store.ts';
import { UserStore } from './store/user-store.ts';
import { LoginGuard, NSX_LOCKOUT, type LockoutPolicy } from './auth/login-guard.ts';
import { NSX_RATE_LIMIT, RateLimiter, type RateLimitPolicy } from './http/rate-limit.ts';
import type { ImportOptions, ImportRequest } from './import/import-plan.ts';
import { importHere, type ImportCaller, type ImportOutcome } from './import/import-service.ts';

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

/** Protection against brute force and floods (defaults: NSX's). */
export interface ServerLimits {
  readonly lockout?: LockoutPolicy;
  readonly rateLimit?: RateLimitPolicy;
  /** The clock of lockouts and rate limits (tests move it). */
  readonly clock?: () => number;
}

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
   * Runs one import (plans it, writes it with its audit entry). By default on this thread; the server replaces it
   * with its import worker's (import-workers.ts) so that requests keep being served.
   */
  executeImport: (req: ImportRequest, options: ImportOptions, caller: ImportCaller) => Promise<ImportOutcome>;

  /** Account lockout and the aggregated audit of failed logins. */
  readonly loginGuard: LoginGuard;
  /** Per-client request rate. */
  readonly rateLimiter: RateLimiter;

  constructor(db: Database, placement: ServerPlacement = 'nsx', limits: ServerLimits = {}) {
    this.db = db;
    this.placement = placement;
    this.users = new UserStore(db);
    this.audit = new AuditStore(db);
    this.inventory = new InventoryStore(db);
    this.policies = new PolicyStore(db);
    this.realization = new RealizationStore(db);
    this.policies.onPolicyChange = (changes) => this.realization.markPending(changes);
    this.executeImport = async (req, options, caller) => importHere(this, req, options, caller);
    this.loginGuard = new LoginGuard(limits.lockout ?? NSX_LOCKOUT, (f) => this.audit.record({
      user: f.user, method: '-', path: '-', action: f.action, target: `client ${f.client}`, status: f.status,
      result: 'failure', detail: f.detail, at: f.last,
    }).catch((e: Error) => { process.stderr.write(`np2dfw serve: cannot write the audit log: ${e.message}\n`); }), limits.clock);
    this.rateLimiter = new RateLimiter(limits.rateLimit ?? NSX_RATE_LIMIT, limits.clock);
  }

  /** Resolves when the database answers a trivial query (readiness); rejects with the driver's error otherwise. */
  async ping(): Promise<void> {
    await this.db.get('SELECT 1 AS ok');
  }

  /**
   * Runs a change in one transaction, and records it in the audit log inside the same transaction: the change
   * and its audit entry are committed together or not at all. A failure is recorded by the error handler.
   */
  change<T>(ctx: HandlerContext, target: string, fn: () => Promise<T>, detail: (result: T) => string = () => ''): Promise<T> {
    return inTransaction(this.db, async () => {
      const result = await fn();
      await this.audit.record({
        user: ctx.principal.name, method: ctx.request.method, path: ctx.request.url.split('?')[0],
        action: this.auditAction.get(ctx.request)?.action ?? 'change', target, status: this.auditAction.get(ctx.request)?.status ?? 200,
        result: 'success', detail: detail(result),
      });
      this.audited.add(ctx.request);
      return result;
    });
  }
}
