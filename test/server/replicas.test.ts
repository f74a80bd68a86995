// Two `np2dfw serve` processes on one database behave as one manager: `_revision` conflicts, imports, a replica
// killed in the middle of an import, credentials changed through the other replica, the audit log of both, and a
// clean stop with SIGTERM while the other replica keeps serving. Both backends: one SQLite file, one PostgreSQL
// database.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testPostgres } from '../support/postgres.ts';
import { allowFrom, BACKENDS, namespace, PASSWORD, pod, row, rows, uid, type Backend } from './server-fixture.ts';

const GROUPS = '/policy/api/v1/infra/domains/default/groups';
const POLICIES = '/policy/api/v1/infra/domains/default/security-policies';
const IMPORT = '/policy/api/v1/infra/import-k8s-np-to-dfw';
const NEW_PASSWORD = 'Other-Horse-Staple-8!';

/** One replica: a child process running `np2dfw serve`. */
interface Replica {
  readonly child: ChildProcess;
  readonly url: string;
  /** What it wrote on stdout so far. */
  readonly output: () => string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `np2dfw serve` on the database; resolves once it listens. */
function startReplica(db: string): Promise<Replica> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/cli/main.ts', 'serve', '--db', db, '--listen', '127.0.0.1:0'], {
      env: { ...process.env, NP2DFW_ADMIN_PASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1], output: () => out, exited });
    });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    void exited.then(({ code }) => reject(new Error(`serve exited (${code}) before listening: ${err}`)));
  });
}

async function kill(r: Replica): Promise<void> {
  if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  await r.exited;
}

function basic(user: string, password = PASSWORD): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Sends a request to a replica; the answer's status and JSON body. */
async function call(r: Replica, method: string, path: string, o: { body?: unknown; auth?: string } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: o.auth ?? basic('admin') };
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${r.url}${path}`, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Polls `probe` until it returns true; how long that took (ms), or Infinity after `limitMs`. */
async function timeUntil(probe: () => Promise<boolean>, limitMs: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < limitMs) {
    if (await probe()) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 20));
  }
  return Infinity;
}

/** A fresh database of the backend: a SQLite file in `dir`, or a PostgreSQL database. */
async function freshDatabase(backend: Backend, dir: string): Promise<string> {
  return backend === 'sqlite' ? join(dir, 'np2dfw.db') : (await testPostgres()).createDatabase();
}

const BATCH = 30;
function batchUids(b: number): string[] {
  return Array.from({ length: BATCH }, (_, j) => uid(b * 1000 + j));
}

for (const backend of BACKENDS) describe(backend, () => {
describe('replicas starting together on an empty database', () => {
  it('migrate it once and create one administrator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'np2dfw-replicas-start-'));
    const dbPath = await freshDatabase(backend, dir);
    const started = await Promise.allSettled([0, 1, 2].map(() => startReplica(dbPath)));
    try {
      for (const s of started) assert.equal(s.status, 'fulfilled', s.status === 'rejected' ? String(s.reason) : '');
      const replicas = started.map((s) => (s as PromiseFulfilledResult<Replica>).value);
      for (const r of replicas) assert.equal((await call(r, 'GET', '/api/v1/aaa/user-info')).status, 200);
      const count = async (sql: string) => (await row<{ n: number }>(backend, dbPath, sql)).n;
      const seen = {
        users: await count('SELECT COUNT(*) AS n FROM users'),
        bootstraps: await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user.bootstrap'"),
        migrations: await count('SELECT COUNT(*) AS n FROM schema_migrations'),
      };
      assert.deepEqual(seen, { users: 1, bootstraps: 1, migrations: (await row<{ v: number }>(backend, dbPath, 'SELECT MAX(version) AS v FROM schema_migrations')).v });
      assert.equal(replicas.filter((r) => /created user "admin"/.test(r.output())).length, 1);
    } finally {
      await Promise.all(started.filter((s) => s.status === 'fulfilled').map((s) => kill((s as PromiseFulfilledResult<Replica>).value)));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('two replicas on one database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'np2dfw-replicas-'));
  let dbPath: string;
  let a: Replica;
  let b: Replica;
  const batches = 12;
  /** Batches 4 to 9 are imported while a replica is killed. */
  const KILLED = [4, 10] as const;

  before(async () => {
    // the first start creates the schema and the administrator; the second replica finds both
    dbPath = await freshDatabase(backend, dir);
    a = await startReplica(dbPath);
    b = await startReplica(dbPath);
    const objects: unknown[] = [];
    for (let n = 0; n < batches; n++) {
      objects.push(namespace(`ns${n}`));
      for (let p = 0; p < 2; p++) objects.push(pod(`ns${n}`, `p${p}`, `10.${n}.0.${p + 1}`, { app: `a${p}` }));
      batchUids(n).forEach((u, j) => objects.push(allowFrom(`ns${n}`, `np${j}`, u, `a${j % 4}`, `a${(j + 1) % 4}`, 80 + (j % 3))));
    }
    assert.equal((await call(a, 'PUT', '/api/v1/fabric/container-clusters/big')).status, 200);
    // the inventory reported to one replica is what the other imports from
    assert.equal((await call(b, 'PUT', '/api/v1/fabric/container-clusters/big/inventory', { body: { objects } })).status, 200);
  });
  after(async () => {
    await Promise.all([a, b].filter(Boolean).map(kill));
    rmSync(dir, { recursive: true, force: true });
  });

  it('30 concurrent PUTs with one _revision over both replicas: exactly one 200, the others 412, each audited', async () => {
    for (const [path, body] of [
      [`${GROUPS}/race-g`, { expression: [] }],
      [`${POLICIES}/race-p`, { category: 'Application', sequence_number: 10 }],
    ] as const) {
      const created = await call(a, 'PUT', path, { body });
      assert.equal(created.status, 200);
      assert.equal(created.body._revision, 0);
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) =>
        call(i % 2 ? a : b, 'PUT', path, { body: { ...body, display_name: `writer ${i}`, _revision: 0 } })));
      const statuses = answers.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
      assert.equal(statuses.filter((s) => s === 412).length, 29, statuses.join(','));
      for (const r of answers.filter((x) => x.status === 412)) assert.equal(r.body.error_code, 10030);
      const winner = answers.find((r) => r.status === 200)!.body.display_name;
      for (const r of [a, b]) {
        const now = await call(r, 'GET', path);
        assert.equal(now.body._revision, 1);
        assert.equal(now.body.display_name, winner);
      }
      // the audit log holds the success and every refusal, from both replicas
      const entries = await rows<{ result: string; status: number }>(backend, dbPath, 'SELECT result, status FROM audit_log WHERE path = ? AND method = ?', path, 'PUT');
      assert.equal(entries.filter((x) => x.result === 'success').length, 2, 'the creation and the winner');
      assert.equal(entries.filter((x) => x.result === 'failure' && x.status === 412).length, 29);
    }
  });

  it('two concurrent imports of the same NetworkPolicies through different replicas: one imports, the other gets ALREADY_IMPORTED', async () => {
    for (const n of [0, 1, 2]) {
      const ids = batchUids(n);
      const [ra, rb] = await Promise.all([a, b].map((r) => call(r, 'POST', `${IMPORT}?on_error=ABORT`, { body: { network_policy_ids: ids } })));
      assert.equal(ra.status, 200, JSON.stringify(ra.body));
      assert.equal(rb.status, 200, JSON.stringify(rb.body));
      const [win, lose] = ra.body.success_count === BATCH ? [ra, rb] : [rb, ra];
      assert.equal(win.body.success_count, BATCH, `round ${n}: ${ra.body.success_count} and ${rb.body.success_count}`);
      assert.equal(lose.body.success_count, 0);
      assert.equal(lose.body.errors.length, BATCH);
      assert.ok(lose.body.errors.every((e: any) => e.errors[0].error_code === 'ALREADY_IMPORTED'), JSON.stringify(lose.body.errors[0]));
      const seen = {
        imports: (await row<{ n: number }>(backend, dbPath, 'SELECT COUNT(*) AS n FROM imports WHERE success_count > 0 AND id IN (SELECT import_id FROM imported_policies WHERE uid = ?)', ids[0])).n,
        marks: (await row<{ n: number }>(backend, dbPath, `SELECT COUNT(*) AS n FROM imported_policies WHERE uid IN (${ids.map(() => '?').join(',')})`, ...ids)).n,
      };
      assert.deepEqual(seen, { imports: 1, marks: BATCH });
    }
  });

  it('two concurrent imports of different NetworkPolicies through different replicas are placed one after the other', async () => {
    const [x, y] = [batchUids(10), batchUids(11)];
    const [rx, ry] = await Promise.all([call(a, 'POST', IMPORT, { body: { network_policy_ids: x } }), call(b, 'POST', IMPORT, { body: { network_policy_ids: y } })]);
    assert.equal(rx.body.success_count, BATCH, JSON.stringify(rx.body.errors_general));
    assert.equal(ry.body.success_count, BATCH, JSON.stringify(ry.body.errors_general));
    // NSX places an import after every existing policy: the second one written must have seen the first
    const range = async (ids: string[]) => {
      const bodies = await rows<{ body: string }>(backend, dbPath, `SELECT body FROM dfw_policies WHERE id IN (${ids.map(() => '?, ?').join(', ')})`,
        ...ids.flatMap((u) => [`${u}-allow`, `${u}-drop`]));
      const seqs = bodies.map((r) => (JSON.parse(r.body) as { sequence_number: number }).sequence_number);
      return { min: Math.min(...seqs), max: Math.max(...seqs), n: seqs.length };
    };
    const [sx, sy] = [await range(x), await range(y)];
    assert.ok(sx.n > 0 && sy.n > 0);
    assert.ok(sx.max < sy.min || sy.max < sx.min, `the two imports' sequence numbers interleave: ${JSON.stringify({ sx, sy })}`);
  });

  it('a replica killed in the middle of an import leaves nothing of it; the other keeps serving throughout', { timeout: 300_000 }, async () => {
    // how long an import takes here (batch 3), to aim the kills inside one
    const t0 = performance.now();
    const probe = await call(a, 'POST', IMPORT, { body: { network_policy_ids: batchUids(3) } });
    const importMs = performance.now() - t0;
    assert.equal(probe.body.success_count, BATCH);
    for (let n = KILLED[0]; n < KILLED[1]; n++) {
      const ids = batchUids(n);
      let stop = false;
      const reads: number[] = [];
      const reader = (async () => {
        while (!stop) {
          reads.push((await call(b, 'GET', `${POLICIES}?page_size=5`)).status);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      let answered: { status: number; body: any } | undefined;
      const pending = call(a, 'POST', `${IMPORT}?on_error=ABORT`, { body: { network_policy_ids: ids } }).then((r) => { answered = r; }, () => undefined);
      const u = (n - KILLED[0] + 0.5) / (KILLED[1] - KILLED[0]);
      await new Promise((r) => setTimeout(r, importMs * (0.05 + 0.9 * u * u)));
      await kill(a);
      await pending;
      // the survivor still answers, and answered every read meanwhile
      await new Promise((r) => setTimeout(r, 50));
      stop = true;
      await reader;
      assert.ok(reads.length > 0 && reads.every((s) => s === 200), `reads on the other replica: ${reads.join(',')}`);
      const there = {
        policies: (await row<{ n: number }>(backend, dbPath, `SELECT COUNT(*) AS n FROM dfw_policies WHERE id IN (${ids.map(() => '?').join(',')})`, ...ids.map((x) => `${x}-allow`))).n,
        marks: (await row<{ n: number }>(backend, dbPath, `SELECT COUNT(*) AS n FROM imported_policies WHERE uid IN (${ids.map(() => '?').join(',')})`, ...ids)).n,
        // PostgreSQL's recovery is its own: SQLite's file is checked
        integrity: backend === 'sqlite' ? (await row<{ integrity_check: string }>(backend, dbPath, 'PRAGMA integrity_check')).integrity_check : 'ok',
      };
      assert.equal(there.integrity, 'ok');
      const full = there.policies === BATCH && there.marks === BATCH;
      const none = there.policies === 0 && there.marks === 0;
      assert.ok(full || none, `batch ${n} half there: ${JSON.stringify(there)}`);
      if (answered?.status === 200) assert.ok(full, `batch ${n} was answered as imported but is not there`);
      // what the killed replica did not commit, the other imports now: no lock or half-state stays behind
      if (none) {
        const again = await call(b, 'POST', IMPORT, { body: { network_policy_ids: ids } });
        assert.equal(again.body.success_count, BATCH, JSON.stringify(again.body.errors?.[0]));
      }
      a = await startReplica(dbPath);
    }
  });

  it('a password change, a revoked token and a removed user through one replica take effect on the other within a second', async () => {
    assert.equal((await call(a, 'PUT', '/api/v1/aaa/users/ops', { body: { role: 'security_engineer', password: PASSWORD } })).status, 200);
    const token = (await call(a, 'POST', '/api/v1/aaa/users/ops/tokens', { body: { description: 'ci' } })).body as { id: string; token: string };
    const bearer = `Bearer ${token.token}`;
    // B verifies both (and caches them)
    for (let i = 0; i < 3; i++) {
      assert.equal((await call(b, 'GET', '/api/v1/aaa/user-info', { auth: basic('ops') })).status, 200);
      assert.equal((await call(b, 'GET', '/api/v1/aaa/user-info', { auth: bearer })).status, 200);
    }
    const rejectedOnB = (auth: string) => timeUntil(async () => (await call(b, 'GET', '/api/v1/aaa/user-info', { auth })).status === 401, 5000);

    assert.equal((await call(a, 'PUT', '/api/v1/aaa/users/ops', { body: { role: 'security_engineer', password: NEW_PASSWORD } })).status, 200);
    const passwordMs = await rejectedOnB(basic('ops'));
    assert.ok(passwordMs <= 1000, `the old password was accepted on the other replica for ${passwordMs} ms`);
    assert.equal((await call(b, 'GET', '/api/v1/aaa/user-info', { auth: basic('ops', NEW_PASSWORD) })).status, 200);
    assert.equal((await call(b, 'GET', '/api/v1/aaa/user-info', { auth: bearer })).status, 200, 'the token is still valid');

    assert.equal((await call(a, 'DELETE', `/api/v1/aaa/users/ops/tokens/${token.id}`)).status, 200);
    const tokenMs = await rejectedOnB(bearer);
    assert.ok(tokenMs <= 1000, `the revoked token was accepted on the other replica for ${tokenMs} ms`);

    assert.equal((await call(b, 'GET', '/api/v1/aaa/user-info', { auth: basic('ops', NEW_PASSWORD) })).status, 200);
    assert.equal((await call(a, 'DELETE', '/api/v1/aaa/users/ops')).status, 200);
    const removedMs = await rejectedOnB(basic('ops', NEW_PASSWORD));
    assert.ok(removedMs <= 1000, `the removed user was accepted on the other replica for ${removedMs} ms`);
  });

  it('the audit log holds every change made through either replica', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      call(i % 2 ? a : b, 'PATCH', `${GROUPS}/audit-${i}`, { body: { display_name: `g${i}` } })));
    assert.ok(answers.every((r) => r.status === 200), answers.map((r) => r.status).join(','));
    for (const r of [a, b]) {
      const log = await call(r, 'GET', '/api/v1/audit-log?action=group.patch&page_size=1000');
      const targets = new Set(log.body.results.map((e: { target: string }) => e.target));
      for (let i = 0; i < 40; i++) assert.ok(targets.has(`/infra/domains/default/groups/audit-${i}`), `audit-${i} in the log read from ${r === a ? 'A' : 'B'}`);
    }
  });

  it('SIGTERM stops a replica cleanly (exit 0, no longer ready) while the other keeps serving', async () => {
    const c = await startReplica(dbPath);
    assert.equal((await fetch(`${c.url}/readyz`)).status, 200);
    c.child.kill('SIGTERM');
    const { code } = await c.exited;
    assert.equal(code, 0);
    assert.match(c.output(), /np2dfw serve: stopped/);
    await assert.rejects(fetch(`${c.url}/readyz`));
    assert.equal((await fetch(`${b.url}/readyz`)).status, 200);
    assert.equal((await call(b, 'GET', GROUPS)).status, 200);
  });
});
});
