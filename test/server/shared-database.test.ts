// Two servers on one database, as two replicas behind a load balancer: what they must agree on is decided by the
// database (conditional updates and row locks for _revision, the import lock for imports), never by one process's
// memory. Both backends: two connections to one SQLite file, two pools on one PostgreSQL database.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { allowFrom, BACKENDS, namespace, PASSWORD, pod, pushInventory, startFixture, uid, type Fixture } from './server-fixture.ts';

const IMPORT = '/policy/api/v1/infra/import-k8s-np-to-dfw';
const GROUPS = '/policy/api/v1/infra/domains/default/groups';
const POLICIES = '/policy/api/v1/infra/domains/default/security-policies';

for (const backend of BACKENDS) describe(backend, () => {
describe('two servers on one database behave as one manager', () => {
  let a: Fixture;
  let b: RunningServer;
  const call = async (url: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  before(async () => {
    a = await startFixture({ backend });
    b = await startServer({ db: a.dbPath, host: '127.0.0.1', port: 0, limits: { lockout: { maxFailures: 0, resetSeconds: 900, lockSeconds: 900 }, rateLimit: { perSecond: 0, burst: 0 } } });
    const objects: unknown[] = [namespace('x'), pod('x', 'a', '10.1.0.1', { app: 'a' }), pod('x', 'b', '10.1.0.2', { app: 'b' })];
    for (let j = 0; j < 6; j++) objects.push(allowFrom('x', `np${j}`, uid(900 + j), 'a', 'b', 2000 + j));
    await pushInventory(a, 'c1', objects);
  });
  after(async () => {
    await b.close();
    await a.close();
  });

  it('30 concurrent PUTs with one _revision, spread over both servers: exactly one 200, the others 412', async () => {
    assert.equal((await call(a.url, 'PUT', `${GROUPS}/contended`, { description: 'start' })).status, 200);
    const current = (await call(b.url, 'GET', `${GROUPS}/contended`)).body;
    assert.equal(current._revision, 0);
    const rs = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      call(i % 2 ? a.url : b.url, 'PUT', `${GROUPS}/contended`, { ...current, description: `writer ${i}` })));
    const statuses = rs.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, ...Array(29).fill(412)], JSON.stringify(rs.filter((r) => r.status !== 200 && r.status !== 412).map((r) => r.body)));
    const end = (await call(a.url, 'GET', `${GROUPS}/contended`)).body;
    assert.equal(end._revision, 1);
    assert.equal(end.description, `writer ${rs.findIndex((r) => r.status === 200)}`);
  });

  it('30 concurrent creations of one new policy over both servers: one creates it, the others are refused', async () => {
    const rs = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      call(i % 2 ? a.url : b.url, 'PUT', `${POLICIES}/fresh`, { display_name: `creator ${i}` })));
    assert.equal(rs.filter((r) => r.status === 200).length, 1, JSON.stringify(rs.map((r) => r.status)));
    for (const r of rs.filter((x) => x.status !== 200)) assert.equal(r.status, 412, JSON.stringify(r.body));
    assert.equal((await call(b.url, 'GET', `${POLICIES}/fresh`)).body._revision, 0);
  });

  it('two concurrent imports of overlapping ids through different servers: one imports, the other answers ALREADY_IMPORTED', async () => {
    const [ra, rb] = await Promise.all([
      call(a.url, 'POST', IMPORT, { network_policy_ids: [uid(900), uid(901), uid(902)] }),
      call(b.url, 'POST', IMPORT, { network_policy_ids: [uid(902), uid(903), uid(904)] }),
    ]);
    assert.equal(ra.status, 200);
    assert.equal(rb.status, 200);
    const [won, lost] = ra.body.success_count > 0 ? [ra, rb] : [rb, ra];
    assert.equal(won.body.success_count, 3, JSON.stringify(won.body.errors));
    assert.equal(lost.body.success_count, 0, 'ABORT: the other imports nothing');
    assert.deepEqual(lost.body.errors.map((e: { network_policy_id: string; errors: { error_code: string }[] }) => [e.network_policy_id, e.errors[0].error_code]),
      [[uid(902), 'ALREADY_IMPORTED']]);
    const removals = (await call(b.url, 'GET', '/api/v1/fabric/container-clusters/c1/pending-removals')).body;
    assert.equal(removals.result_count, 3);
  });

  it('concurrent writes of a policy with its rules and of one of its rules, over both servers: all succeed (no deadlock)', async () => {
    const path = `${POLICIES}/busy`;
    const rule = (id: string, n: number) => ({ id, action: 'ALLOW', sequence_number: n, display_name: `${id} ${n}` });
    assert.equal((await call(a.url, 'PUT', path, { rules: [rule('r1', 1), rule('r2', 2)] })).status, 200);
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => i % 2
      ? call(i % 4 === 1 ? a.url : b.url, 'PATCH', path, { rules: [rule('r1', 1), rule('r2', 2)] })
      : call(i % 4 === 0 ? a.url : b.url, 'PATCH', `${path}/rules/r2`, rule('r2', 2))));
    assert.deepEqual(rs.map((r) => r.status), Array(20).fill(200), JSON.stringify(rs.filter((r) => r.status !== 200).map((r) => r.body)));
    assert.equal((await call(b.url, 'GET', `${path}/rules/r2`)).body._revision, 20);
  });

  it('a change made through one server is read, and its realization reported, through the other', async () => {
    const path = `${POLICIES}/spanned`;
    const scope = ['/infra/sites/default/enforcement-points/default/cluster-control-planes/c1'];
    assert.equal((await call(a.url, 'PUT', path, { scope })).status, 200);
    const seen = (await call(b.url, 'GET', path)).body;
    assert.deepEqual(seen.scope, scope);
    const report = await call(b.url, 'POST', '/api/v1/fabric/container-clusters/c1/realization', { statuses: [{ policy_id: 'spanned', revision: 0, state: 'REALIZED' }] });
    assert.equal(report.status, 200, JSON.stringify(report.body));
    const status = (await call(a.url, 'GET', `/policy/api/v1/infra/realized-state/status?intent_path=${encodeURIComponent('/infra/domains/default/security-policies/spanned')}`)).body;
    assert.equal(status.consolidated_status.consolidated_status, 'SUCCESS');
  });
});
});
