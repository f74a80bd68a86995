import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ImportWorker } from './import/import-workers.ts';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { passwordProblem } from './auth/password-policy.ts';
import { openDatabase, type Database } from './db/database.ts';
import { ServerContext, type ServerLimits, type ServerPlacement } from './server-context.ts';

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
}

/** A running server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
  /** The base URL, e.g. `http://127.0.0.1:8443`. */
  readonly url: string;
  /** Whether the first administrator was created by this start. */
  readonly createdAdmin: boolean;
  /** Stops listening and closes the database. */
  close(): Promise<void>;
}

/** The first administrator's name. */
export const FIRST_ADMIN = 'admin';

/** Creates `admin` (Enterprise Admin) with this password when the database has no user. Returns whether it did. */
export async function bootstrapAdmin(context: ServerContext, password: string | undefined): Promise<boolean> {
  if (password === undefined || password === '' || (await context.users.count()) > 0) return false;
  const weak = passwordProblem(password, 'NP2DFW_ADMIN_PASSWORD');
  if (weak) throw new Error(weak);
  await context.users.upsert(FIRST_ADMIN, 'enterprise_admin', undefined, password);
  await context.audit.record({ user: '-', method: 'START', path: '-', action: 'user.bootstrap', target: `user ${FIRST_ADMIN}`, status: 200,
    result: 'success', detail: 'first administrator from NP2DFW_ADMIN_PASSWORD' });
  return true;
}

/** Opens the database, creates the first administrator when asked, and listens. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const db: Database = await openDatabase(options.db, options.env);
  const context = new ServerContext(db, options.placement, options.limits);
  let app: FastifyInstance | undefined;
  try {
    const createdAdmin = await bootstrapAdmin(context, options.adminPassword);
    const tls = options.tlsCert && options.tlsKey ? { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) } : undefined;
    // conversion and verification of imports run in a worker thread on their own read-only connection
    const worker = options.db === ':memory:' || db.dialect !== 'sqlite' ? undefined : new ImportWorker(resolve(options.db), options.placement ?? 'nsx');
    if (worker) context.planImport = (req, o) => worker.plan(req, o);
    app = buildApp(context, { tls });
    app.addHook('onClose', async () => {
      await worker?.close();
    });
    await app.listen({ host: options.host, port: options.port });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : options.port;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
    const running = app;
    return {
      app: running, context, url, createdAdmin,
      close: async () => {
        await running.close();
        await db.close();
      },
    };
  } catch (e) {
    if (app) await app.close().catch(() => undefined);
    await db.close();
    throw e;
  }
}
