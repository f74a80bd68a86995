// Crash safety: the server runs as a child process (np2dfw serve) and is killed with SIGKILL in the middle of
// imports, 20 times, on SQLite and on PostgreSQL. After each kill the SQLite file passes PRAGMA integrity_check,
// and every import is either fully there (its groups, policies, rules and imported marks) or not there at all.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/server/db/database.ts';
import { after, describe, it } from 'node:test';
import { allowFrom, BACKENDS, namespace, PASSWORD, pod, uid } from './server-fixture.ts';
import { testPostgres } from '../support/postgres.ts';
import { serveChild } from '../support/serve.ts';

/** Imports killed per backend: 20 on SQLite, fewer on PostgreSQL (each restart connects and checks the migrations). */
const BATCHES_OF = { sqlite: 20, postgres: 8 } as const;
const PER_BATCH = 40;
const AUTH = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;

function batchUids(b: number): string[] {
  return Array.from({ length: PER_BATCH }, (_, j) => uid(b * 1000 + j));
}

/** Starts `np2dfw serve` on the database; resolves with the child and its URL once it listens. */
function serve(db: string): Promise<{ child: ChildProcess; url: string }> {
  return serveChild(db, PASSWORD);
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** How much of each batch the database holds: [drop policies, imported marks, audit entries of the import]. */
async function presence(dbPath: string, b: number): Promise<{ policies: number; rules: number; marks: number; integrity: string }> {
  const db = await openDatabase(dbPath);
  try {
    // SQLite checks its file; PostgreSQL's own recovery is not np2dfw's to test
    const integrity = db.dialect === 'sqlite' ? (await db.get<{ integrity_check: string }>('PRAGMA integrity_check'))!.integrity_check : 'ok';
    const ids = batchUids(b);
    const q = async (sql: string, args: string[]) => (await db.get<{ n: number }>(sql, ...args))!.n;
    const marks = ids.map(() => '?').join(',');
    return {
      integrity,
      policies: await q(`SELECT COUNT(*) AS n FROM dfw_policies WHERE id IN (${marks})`, ids.map((u) => `${u}-drop`)),
      rules: await q(`SELECT COUNT(*) AS n FROM dfw_rules WHERE policy_id IN (${marks})`, ids.map((u) => `${u}-allow`)),
      marks: await q(`SELECT COUNT(*) AS n FROM imported_policies WHERE uid IN (${marks})`, ids),
    };
  } finally {
    await db.close();
  }
}

for (const backend of BACKENDS) describe(backend, () => {
describe('crash safety: SIGKILL in the middle of imports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'np2dfw-crash-'));
  let dbPath = join(dir, 'np2dfw.db');
  let running: ChildProcess | undefined;
  after(async () => {
    if (running) await killed(running);
    rmSync(dir, { recursive: true, force: true });
  });

  const BATCHES = BATCHES_OF[backend];
  it(`${BATCHES} imports killed at random moments are each fully there or not at all, and the database stays intact`, { timeout: 600_000 }, async () => {
    if (backend === 'postgres') dbPath = await (await testPostgres()).createDatabase();
    let { child, url } = await serve(dbPath);
    running = child;
    const call = async (method: string, path: string, body?: unknown) => {
      const headers: Record<string, string> = { authorization: AUTH };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json() as any };
    };
    const objects: unknown[] = [];
    for (let b = 0; b <= BATCHES; b++) {
      objects.push(namespace(`ns${b}`));
      for (let p = 0; p < 2; p++) objects.push(pod(`ns${b}`, `p${p}`, `10.${b}.0.${p + 1}`, { app: `a${p}` }));
      batchUids(b).forEach((u, j) => objects.push(allowFrom(`ns${b}`, `np${j}`, u, `a${j % 4}`, `a${(j + 1) % 4}`, 80 + (j % 3))));
    }
    assert.equal((await call('PUT', '/api/v1/fabric/container-clusters/big')).status, 200);
    assert.equal((await call('PUT', '/api/v1/fabric/container-clusters/big/inventory', { objects })).status, 200);

    // how long one import takes here, to aim the kills inside it (this batch is then left out)
    const t0 = performance.now();
    const probe = await call('POST', '/policy/api/v1/infra/import-k8s-np-to-dfw', { network_policy_ids: batchUids(BATCHES) });
    const importMs = performance.now() - t0;
    assert.equal(probe.status, 200);
    assert.equal(probe.body.success_count, PER_BATCH);

    const outcomes: string[] = [];
    for (let b = 0; b < BATCHES; b++) {
      // skewed early: the transaction is the first part of an import, the verification of the result the rest
      const u = Math.random();
      const delay = importMs * (0.02 + 0.9 * u * u);
      let answered: any;
      const pending = call('POST', '/policy/api/v1/infra/import-k8s-np-to-dfw?on_error=ABORT', { network_policy_ids: batchUids(b) })
        .then((r) => { answered = r; }, () => undefined);
      await new Promise((r) => setTimeout(r, delay));
      await killed(child);
      await pending;
      const seen = await presence(dbPath, b);
      assert.equal(seen.integrity, 'ok', `batch ${b}`);
      const full = seen.policies === PER_BATCH && seen.marks === PER_BATCH && seen.rules === PER_BATCH;
      const none = seen.policies === 0 && seen.marks === 0 && seen.rules === 0;
      assert.ok(full || none, `batch ${b} half there: ${JSON.stringify(seen)}`);
      if (answered?.status === 200) assert.ok(full, `batch ${b} was answered as imported but is not there`);
      outcomes.push(full ? 'committed' : 'absent');
      ({ child, url } = await serve(dbPath));
      running = child;
      // earlier batches are unchanged by later crashes, and the restarted server answers
      for (let e = 0; e < b; e++) {
        const s = await presence(dbPath, e);
        assert.equal(s.policies, outcomes[e] === 'committed' ? PER_BATCH : 0, `batch ${e} after crash ${b}`);
      }
      const removals = await call('GET', '/api/v1/fabric/container-clusters/big/pending-removals');
      assert.equal(removals.status, 200);
      assert.equal(removals.body.result_count, PER_BATCH * (1 + outcomes.filter((o) => o === 'committed').length));
    }
    await killed(child);
    process.stdout.write(`# crash outcomes: ${outcomes.filter((o) => o === 'committed').length} committed, ${outcomes.filter((o) => o === 'absent').length} absent; import ${importMs.toFixed(0)} ms\n`);
  });
});
});
