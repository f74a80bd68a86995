import { readFileSync } from 'node:fs';
import { ImportWorker } from './import/import-workers.ts';
import { importHere } from './import/import-service.ts';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { passwordProblem } from './auth/password-policy.ts';
import { describeDatabase, inTransaction, openDatabase, type Database } from './db/database.ts';
import { hashSecret } from './auth/password-hash.ts';
import { ServerContext, type ServerLimits, type ServerPlacement } from './server-context.ts';
import { DEFAULT_GRACE_MS, ServerLifecycle, withTimeout } from './health.ts';

/** Options of `np2dfw serve`. */
export interface ServeOptions {
  /** The SQLite database file (created when missing), or a PostgreSQL URL (`postgres://USER@HOST:PORT/DB`). */
  readonly db: string;
  /** Where the PostgreSQL password, CA and the like are read from (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Address to listen on. */
  readonly host: string;
  /** Port (0: any free port). */
  readonly port: number;
  /** PEM files for TLS. */
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** The first administrator's password, used only when the database has no user yet. */
  readonly adminPassword?: string;
  /** Placement of imported policies. */
  readonly placement?: ServerPlacement;
  /** Lockout and rate limits (default: NSX's). */
  readonly limits?: ServerLimits;
  /** Load balancers (addresses or CIDRs) whose X-Forwarded-For names the client. */
  readonly trustProxy?: readonly string[];
}

/** A running server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
  /** Requests in flight and whether the server is stopping. */
  readonly lifecycle: ServerLifecycle;
  /** The base URL, e.g. `http://127.0.0.1:8443`. */
  readonly url: string;
  /** Whether the first administrator was created by this start. */
  readonly createdAdmin: boolean;
  /** Stops listening, ends every connection (requests in flight too) and closes the database. */
  close(): Promise<void>;
  /**
   * A clean shutdown: `/readyz` answers 503 at once, no new connection is accepted, new requests on open
   * connections get 503, and requests in flight and a running import are finished for at most `graceMs`
   * (default 30 s); then whatever remains is cut off (an import not committed by then leaves nothing: its plan is
   * abandoned with the worker, its write is one transaction) and the database is closed. Resolves with whether
   * everything finished in time.
   */
  shutdown(graceMs?: number): Promise<{ readonly finished: boolean }>;
}

/** The first administrator's name. */
export const FIRST_ADMIN = 'admin';

/** Creates `admin` (Enterprise Admin) with this password when the database has no user. Returns whether it did. */
export async function bootstrapAdmin(context: ServerContext, password: string | undefined): Promise<boolean> {
  if (password === undefined || password === '' || (await context.users.count()) > 0) return false;
  const weak = passwordProblem(password, 'NP2DFW_ADMIN_PASSWORD');
  if (weak) throw new Error(weak);
  const hash = await hashSecret(password);
  // replicas starting together: the first to write creates the user, the others find one and leave it alone
  return inTransaction(context.db, async () => {
    await context.db.lockImports(); // PostgreSQL: one replica at a time past the check (SQLite: one writer anyway)
    if ((await context.users.count()) > 0) return false;
    await context.users.upsertHashed(FIRST_ADMIN, 'enterprise_admin', undefined, hash);
    await context.audit.record({ user: '-', method: 'START', path: '-', action: 'user.bootstrap', target: `user ${FIRST_ADMIN}`, status: 200,
      result: 'success', detail: 'first administrator from NP2DFW_ADMIN_PASSWORD' });
    return true;
  });
}

/** Opens the database, creates the first administrator when asked, and listens. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const db: Database = await openDatabase(options.db, options.env);
  const context = new ServerContext(db, options.placement, options.limits);
  let app: FastifyInstance | undefined;
  try {
    const createdAdmin = await bootstrapAdmin(context, options.adminPassword);
    const tls = options.tlsCert && options.tlsKey ? { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) } : undefined;
    // imports (conversion, verification, the write) run in a worker thread on its own connections to the SQLite
    // file or the PostgreSQL database; in memory on this thread (importHere, the default)
    const described = describeDatabase(options.db, options.env);
    const worker = described ? new ImportWorker(described, options.placement ?? 'nsx') : undefined;
    if (worker) {
      context.executeImport = async (req, o, caller) => (await worker.run(req, o, caller)) ?? importHere(context, req, o, caller);
      worker.start();
    }
    const lifecycle = new ServerLifecycle();
    app = buildApp(context, { tls, lifecycle, trustProxy: options.trustProxy });
    app.addHook('onClose', async () => {
      await worker?.close();
    });
    await app.listen({ host: options.host, port: options.port });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : options.port;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
    const running = app;
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        lifecycle.startDraining();
        await running.close();
        // requests cut off by the close get a moment to audit their failure before the database goes (best effort)
        await new Promise((r) => setTimeout(r, 50));
        await db.close();
      })();
      return closing;
    };
    let stopping: Promise<{ finished: boolean }> | undefined;
    const shutdown = (graceMs = DEFAULT_GRACE_MS) => {
      stopping ??= (async () => {
        if (closing) {
          await closing;
          return { finished: false };
        }
        lifecycle.startDraining();
        running.server.close();
        running.server.closeIdleConnections();
        // the import queue's tail resolves when the running import (and any queued) is done
        const settled = Promise.all([lifecycle.whenIdle(), context.importQueue.run(async () => undefined)]);
        const finished = await withTimeout(settled, graceMs, 'the requests in flight').then(() => true, () => false);
        await close();
        return { finished };
      })();
      return stopping;
    };
    return { app: running, context, lifecycle, url, createdAdmin, close, shutdown };
  } catch (e) {
    if (app) await app.close().catch(() => undefined);
    await db.close();
    throw e;
  }
}
