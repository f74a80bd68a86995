// A real np2dfw server for tests: a fresh database (a SQLite file in a temporary folder, or a fresh database of
// the test process's own PostgreSQL cluster), listening on 127.0.0.1 port 0, with one user per role. Requests go
// over real HTTP with fetch. Every server test runs on both backends: `for (const backend of BACKENDS)`.
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import type { Role } from '../../src/server/auth/roles.ts';
import type { ServerLimits } from '../../src/server/server-context.ts';
import pg from 'pg';
import { testPostgres } from '../support/postgres.ts';

/** Where the server stores. */
export type Backend = 'sqlite' | 'postgres';

/**
 * The backends every server test runs on: both, unless NP2DFW_TEST_BACKENDS names some (e.g. `sqlite` for a
 * quick run while developing).
 */
export const BACKENDS: readonly Backend[] = (process.env.NP2DFW_TEST_BACKENDS ?? 'sqlite,postgres').split(',')
  .map((b) => b.trim()).filter((b): b is Backend => b === 'sqlite' || b === 'postgres');

/** Every row of a query on a server's database (`?` placeholders), read on a connection of its own (for checks from outside). */
export async function rows<T>(backend: Backend, db: string, sql: string, ...params: (string | number)[]): Promise<T[]> {
  if (backend === 'sqlite') {
    const conn = new DatabaseSync(db, { readOnly: true });
    try {
      return conn.prepare(sql).all(...params) as T[];
    } finally {
      conn.close();
    }
  }
  let n = 0;
  const client = new pg.Client({ connectionString: db, types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser } });
  await client.connect();
  try {
    return (await client.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The first row of a query (see rows). */
export async function row<T>(backend: Backend, db: string, sql: string, ...params: (string | number)[]): Promise<T> {
  return (await rows<T>(backend, db, sql, ...params))[0];
}

/** The password every fixture user has. */
export const PASSWORD = 'Correct-Horse-Battery-9';

/** The fixture's users: one per role, plus the adapters of clusters `c1` and `c2`. */
export const USERS: Readonly<Record<string, { role: Role; cluster?: string }>> = {
  admin: { role: 'enterprise_admin' },
  secadmin: { role: 'security_engineer' },
  secop: { role: 'security_op' },
  auditor: { role: 'auditor' },
  adapter1: { role: 'antrea_adapter', cluster: 'c1' },
  adapter2: { role: 'antrea_adapter', cluster: 'c2' },
};

/** A started server and how to talk to it. */
export interface Fixture {
  readonly server: RunningServer;
  readonly url: string;
  readonly dir: string;
  /** The database: the SQLite file, or the PostgreSQL URL. */
  readonly dbPath: string;
  readonly backend: Backend;
  /** Sends a request as `user` (undefined: without credentials); the body is JSON unless `raw` is given. */
  call(method: string, path: string, options?: { user?: string; body?: unknown; raw?: string | Buffer; contentType?: string; token?: string }): Promise<{ status: number; body: any }>;
  /** Stops the server and deletes the folder. */
  close(): Promise<void>;
}

/**
 * Starts a server on a fresh database with the fixture users. Lockout and rate limits are relaxed (tests probe
 * wrong passwords on many routes and send requests quickly) unless `limits` is given: lockout.test.ts tests them.
 */
export async function startFixture(options: { backend?: Backend; placement?: 'nsx' | 'banded'; limits?: ServerLimits } = {}): Promise<Fixture> {
  const backend = options.backend ?? 'sqlite';
  const dir = mkdtempSync(join(tmpdir(), 'np2dfw-server-'));
  const dbPath = backend === 'postgres' ? await (await testPostgres()).createDatabase() : join(dir, 'np2dfw.db');
  const limits = options.limits ?? { lockout: { maxFailures: 0, resetSeconds: 900, lockSeconds: 900 }, rateLimit: { perSecond: 0, burst: 0 } };
  const server = await startServer({ db: dbPath, host: '127.0.0.1', port: 0, adminPassword: PASSWORD, placement: options.placement, limits });
  for (const [name, u] of Object.entries(USERS)) {
    if (name !== 'admin') await server.context.users.upsert(name, u.role, u.cluster, PASSWORD);
  }
  const url = server.url;
  return {
    server, url, dir, dbPath, backend,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = {};
      if (o.user) headers.authorization = `Basic ${Buffer.from(`${o.user}:${PASSWORD}`).toString('base64')}`;
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let body: string | Buffer | undefined;
      if (o.raw !== undefined) {
        body = o.raw;
        headers['content-type'] = o.contentType ?? 'application/json';
      } else if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(`${url}${path}`, { method, headers, body });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Namespace object. */
export function namespace(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

/** A running Pod with one IP. */
export function pod(ns: string, name: string, ip: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name, labels },
    spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

/** A NetworkPolicy with a uid. */
export function networkPolicy(ns: string, name: string, uid: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name, uid }, spec };
}

/** An ingress policy letting pods labelled `from` reach pods labelled `app` on a TCP port. */
export function allowFrom(ns: string, name: string, uid: string, app: string, from: string, port: number): Record<string, unknown> {
  return networkPolicy(ns, name, uid, {
    podSelector: { matchLabels: { app } }, policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: from } } }], ports: [{ protocol: 'TCP', port }] }],
  });
}

/** A policy NSX cannot take: SCTP. */
export function sctpPolicy(ns: string, name: string, uid: string): Record<string, unknown> {
  return networkPolicy(ns, name, uid, {
    podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'SCTP', port: 9000 }] }],
  });
}

/** Registers a cluster and reports its objects as admin. */
export async function pushInventory(f: Fixture, cluster: string, objects: unknown[], user = 'admin'): Promise<void> {
  const r1 = await f.call('PUT', `/api/v1/fabric/container-clusters/${cluster}`, { user });
  if (r1.status !== 200) throw new Error(`register ${cluster}: ${r1.status} ${JSON.stringify(r1.body)}`);
  const r2 = await f.call('PUT', `/api/v1/fabric/container-clusters/${cluster}/inventory`, { user, body: { objects } });
  if (r2.status !== 200) throw new Error(`inventory ${cluster}: ${r2.status} ${JSON.stringify(r2.body)}`);
}

/** A uid of the form tests use: `00000000-0000-4000-8000-<12 digits>`. */
export function uid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}
