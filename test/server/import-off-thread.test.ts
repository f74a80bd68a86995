// Imports run off the request thread on both backends: the server's own connections run none of an import's
// statements, the request thread answers while an import is held inside its write (on PostgreSQL the worker's
// sessions are named `np2dfw import` in pg_stat_activity), and a replica killed in the middle of the worker's
// write leaves nothing of it. Orders of events are asserted, not durations.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { describeDatabase, type SqlValue } from '../../src/server/db/database.ts';
import { ImportWorker } from '../../src/server/import/import-workers.ts';
import { allowFrom, BACKENDS, namespace, PASSWORD, pod, pushInventory, row, startFixture, uid, type Fixture } from './server-fixture.ts';
import { testPostgres } from '../support/postgres.ts';
import { serveChild } from '../support/serve.ts';

const IMPORT = '/policy/api/v1/infra/import-k8s-np-to-dfw';
const POLICIES = 60;
const ids = Array.from({ length: POLICIES }, (_, i) => uid(7000 + i));

/** One namespace, four pods, POLICIES policies. */
function cluster(): unknown[] {
  const objects: unknown[] = [namespace('w')];
  for (let p = 0; p < 4; p++) objects.push(pod('w', `p${p}`, `10.7.0.${p + 1}`, { app: `a${p}` }));
  ids.forEach((u, j) => objects.push(allowFrom('w', `np${j}`, u, `a${j % 4}`, `a${(j + 1) % 4}`, 80 + (j % 5))));
  return objects;
}

/** Polls `check` until it is true (every 20 ms); fails after `tries`. */
async function until(what: string, check: () => Promise<boolean>, tries = 1500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`never happened: ${what}`);
}

/** A client of the test cluster's database `url`, connected. */
async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

/** The worker's sessions waiting for a lock, with what they run (`c` in no transaction: a transaction sees one snapshot of the statistics). */
async function waitingImportSessions(c: pg.Client): Promise<{ wait_event: string; query: string }[]> {
  await c.query('SELECT pg_stat_clear_snapshot()');
  return (await c.query<{ wait_event: string; query: string }>(`SELECT wait_event, query FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = 'np2dfw import' AND wait_event_type = 'Lock'`)).rows;
}

for (const backend of BACKENDS) describe(`imports off the request thread (${backend})`, () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
    await pushInventory(f, 'c1', cluster());
  });
  after(() => f.close());

  it('the server\'s own connections run none of the import\'s writes: the worker\'s do', async () => {
    const db = f.server.context.db;
    const seen: string[] = [];
    const spied = { all: db.all.bind(db), get: db.get.bind(db), run: db.run.bind(db) };
    Object.assign(db, {
      all: (sql: string, ...p: SqlValue[]) => { seen.push(sql); return spied.all(sql, ...p); },
      get: (sql: string, ...p: SqlValue[]) => { seen.push(sql); return spied.get(sql, ...p); },
      run: (sql: string, ...p: SqlValue[]) => { seen.push(sql); return spied.run(sql, ...p); },
    });
    try {
      const r = await f.call('POST', IMPORT, { user: 'admin', body: { network_policy_ids: ids.slice(0, 10) } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.success_count, 10);
      // the spy sees what the request thread reads: the policies just imported
      const list = await f.call('GET', '/policy/api/v1/infra/domains/default/security-policies', { user: 'admin' });
      assert.equal(list.status, 200);
    } finally {
      Object.assign(db, spied);
    }
    assert.ok(seen.some((s) => /\bdfw_policies\b/.test(s)), 'the request thread read the policies on its own connections');
    const writes = seen.filter((s) => /INSERT INTO (imports|imported_policies|dfw_policies|dfw_groups|dfw_rules)\b/.test(s));
    assert.deepEqual(writes, []);
    const marks = await row<{ n: number }>(backend, f.dbPath, `SELECT COUNT(*) AS n FROM imported_policies WHERE uid IN (${ids.slice(0, 10).map(() => '?').join(',')})`, ...ids.slice(0, 10));
    assert.equal(Number(marks.n), 10);
  });

  it('while an import waits inside its write, the request thread keeps answering', { skip: backend !== 'postgres' && 'PostgreSQL shows the worker\'s waiting session' }, async () => {
    const outside = await client(f.dbPath);
    const events: string[] = [];
    try {
      // the import lock, held by another "replica": the worker's write transaction queues on it
      await outside.query('BEGIN');
      await outside.query('SELECT pg_advisory_xact_lock($1, $2)', [0x6e703264, 2]);
      const answer = f.call('POST', IMPORT, { user: 'admin', body: { network_policy_ids: ids.slice(10, 20) } })
        .then((r) => { events.push('import answered'); return r; });
      await until('the worker waits for the import lock', async () => (await waitingImportSessions(outside)).some((s) => s.wait_event === 'advisory'));
      events.push('worker waiting');
      for (let i = 0; i < 3; i++) {
        const me = await f.call('GET', '/api/v1/aaa/user-info', { user: 'auditor' });
        assert.equal(me.status, 200);
        events.push('user-info');
      }
      const list = await f.call('GET', '/policy/api/v1/infra/domains/default/security-policies', { user: 'auditor' });
      assert.equal(list.status, 200);
      events.push('policies');
      await outside.query('ROLLBACK');
      const r = await answer;
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.success_count, 10);
    } finally {
      await outside.end();
    }
    assert.deepEqual(events, ['worker waiting', 'user-info', 'user-info', 'user-info', 'policies', 'import answered']);
  });
});

/** Starts `np2dfw serve` on the database; resolves with the child and its URL once it listens. */
function serve(db: string): Promise<{ child: ChildProcess; url: string }> {
  return serveChild(db, PASSWORD);
}

if (BACKENDS.includes('postgres')) describe('a replica killed in the middle of its worker\'s write (postgres)', () => {
  let child: ChildProcess | undefined;
  after(() => { if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });

  it('leaves nothing of the import, and the next replica imports it whole', { timeout: 120_000 }, async () => {
    const dbUrl = await (await testPostgres()).createDatabase();
    let url: string;
    ({ child, url } = await serve(dbUrl));
    const auth = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
    const call = async (base: string, method: string, path: string, body?: unknown) => {
      const headers: Record<string, string> = { authorization: auth };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json() as any };
    };
    assert.equal((await call(url, 'PUT', '/api/v1/fabric/container-clusters/c1')).status, 200);
    assert.equal((await call(url, 'PUT', '/api/v1/fabric/container-clusters/c1/inventory', { objects: cluster() })).status, 200);
    const outside = await client(dbUrl);
    try {
      const epoch = Number((await outside.query<{ value: string }>("SELECT value FROM epochs WHERE name = 'dfw'")).rows[0].value);
      // an uncommitted mark of the batch's last policy: the worker's INSERT of the marks waits on it, after its
      // import record, groups, policies and rules are written in its transaction
      await outside.query('BEGIN');
      await outside.query(`INSERT INTO imported_policies (uid, cluster, namespace, name, import_id, imported_at, imported_by, removal, body)
        VALUES ($1, 'c1', 'w', 'np59', 0, 0, 'test', 'queued', '{}')`, [ids[POLICIES - 1]]);
      let answered = false;
      const pending = call(url, 'POST', IMPORT, { network_policy_ids: ids }).then(() => { answered = true; }, () => undefined);
      await until('the worker waits inside its write', async () => (await waitingImportSessions(outside)).some((s) => /^\s*INSERT INTO imported_policies/.test(s.query)));
      const inFlight = await outside.query<{ n: string }>("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'np2dfw import' AND xact_start IS NOT NULL");
      assert.ok(Number(inFlight.rows[0].n) >= 1, 'the worker has its transaction open');
      child.kill('SIGKILL');
      await pending;
      assert.equal(answered, false);
      await outside.query('ROLLBACK');
      await until('the killed replica\'s sessions are gone', async () =>
        Number((await outside.query<{ n: string }>("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'np2dfw%'")).rows[0].n) === 0);
      const count = async (sql: string, params: unknown[]) => Number((await outside.query<{ n: string }>(sql, params)).rows[0].n);
      assert.equal(await count('SELECT COUNT(*) AS n FROM dfw_policies WHERE id = ANY($1)', [ids.map((u) => `${u}-drop`)]), 0);
      assert.equal(await count('SELECT COUNT(*) AS n FROM dfw_rules WHERE policy_id = ANY($1)', [ids.map((u) => `${u}-allow`)]), 0);
      assert.equal(await count('SELECT COUNT(*) AS n FROM imported_policies', []), 0);
      assert.equal(await count('SELECT COUNT(*) AS n FROM imports', []), 0);
      assert.equal(Number((await outside.query<{ value: string }>("SELECT value FROM epochs WHERE name = 'dfw'")).rows[0].value), epoch);

      ({ child, url } = await serve(dbUrl));
      const r = await call(url, 'POST', IMPORT, { network_policy_ids: ids });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.success_count, POLICIES);
      assert.equal(await count('SELECT COUNT(*) AS n FROM imported_policies', []), POLICIES);
    } finally {
      await outside.end();
      child.kill('SIGKILL');
    }
  });
});

if (BACKENDS.includes('postgres')) describe('the import worker\'s pool (postgres)', () => {
  it('has its own sessions, which it ends itself when the server closes it', async () => {
    const f = await startFixture({ backend: 'postgres' });
    await f.close(); // a database with the schema
    const monitor = await client(f.dbPath);
    const sessions = async () => {
      await monitor.query('SELECT pg_stat_clear_snapshot()');
      return Number((await monitor.query<{ n: string }>("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'np2dfw import'")).rows[0].n);
    };
    try {
      const worker = new ImportWorker(describeDatabase(f.dbPath)!, 'nsx');
      worker.start();
      // the worker reads the stored state as soon as it starts: on its own session
      await until('the worker connected', async () => (await sessions()) >= 1);
      assert.deepEqual(await worker.close(), { ended: true });
      await until('the worker\'s sessions ended', async () => (await sessions()) === 0);
    } finally {
      await monitor.end();
    }
  });
});
