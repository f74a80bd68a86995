// /healthz and /readyz (no credentials, no audit entry, no rate limit; 503 in NSX's shape when not ready) and the
// clean shutdown: not ready at once, no new connection, requests in flight finished, a bound on the wait.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { allowFrom, BACKENDS, namespace, PASSWORD, pod, pushInventory, row, startFixture, uid, type Fixture } from './server-fixture.ts';

const AUTH = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
const GROUP = '/policy/api/v1/infra/domains/default/groups';

async function auditCount(f: Fixture): Promise<number> {
  return (await f.call('GET', '/api/v1/audit-log', { user: 'admin' })).body.result_count as number;
}

/** Opens a raw connection and sends a PUT of a group whose body stops halfway: a request in flight. */
async function halfSentPut(url: string, id: string): Promise<{ socket: Socket; rest: string; answer: Promise<string> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  const body = JSON.stringify({ display_name: `group ${id}`, expression: [] });
  const half = Math.floor(body.length / 2);
  socket.write(`PUT ${GROUP}/${id} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: ${AUTH}\r\nContent-Type: application/json\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`);
  let received = '';
  socket.on('data', (d: Buffer) => { received += d.toString(); });
  const answer = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  socket.on('error', () => undefined);
  return { socket, rest: body.slice(half), answer };
}

/** Waits until the server has read the request's headers (it counts as in flight then). */
async function untilInFlight(f: Fixture, n: number): Promise<void> {
  for (let i = 0; i < 200 && f.server.lifecycle.inFlight < n; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(f.server.lifecycle.inFlight, n, 'the half-sent request is in flight');
}

for (const backend of BACKENDS) describe(backend, () => {
describe('health probes', () => {
  it('/healthz and /readyz answer without credentials, write no audit entry and are not rate limited', async () => {
    const f = await startFixture({ backend, limits: { rateLimit: { perSecond: 1, burst: 3 }, lockout: { maxFailures: 0, resetSeconds: 900, lockSeconds: 900 } } });
    try {
      const before = await auditCount(f);
      for (let i = 0; i < 20; i++) {
        const live = await fetch(`${f.url}/healthz`);
        assert.equal(live.status, 200);
        assert.deepEqual(await live.json(), { status: 'UP' });
        const ready = await fetch(`${f.url}/readyz`);
        assert.equal(ready.status, 200);
        assert.deepEqual(await ready.json(), { status: 'READY' });
      }
      // the API itself is rate limited meanwhile (burst 3 at 1/s): the probes did not count
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await f.call('GET', GROUP, { user: 'admin' })).status);
      assert.ok(statuses.includes(429), `the API is limited: ${statuses.join(',')}`);
      await new Promise((r) => setTimeout(r, 3100));
      assert.equal(await auditCount(f), before, 'no audit entry for the probes');
    } finally {
      await f.close();
    }
  });

  it('/readyz is 503 in NSX\'s error shape when the database does not answer in time, /healthz stays 200', async () => {
    const f = await startFixture({ backend });
    try {
      // the database "hangs": the trivial query never answers
      f.server.context.ping = () => new Promise<void>(() => undefined);
      const t0 = performance.now();
      const r = await f.call('GET', '/readyz');
      assert.equal(r.status, 503);
      assert.ok(performance.now() - t0 >= 1900, 'waited for the timeout');
      assert.equal(r.body.httpStatus, 'SERVICE_UNAVAILABLE');
      assert.equal(r.body.error_code, 10050);
      assert.equal(r.body.module_name, 'np2dfw');
      assert.match(r.body.error_message, /database did not answer within 2000 ms/);
      assert.equal((await f.call('GET', '/healthz')).status, 200);
    } finally {
      await f.close();
    }
  });

  it('/readyz is 503 when the database fails, without the driver\'s message', async () => {
    const f = await startFixture({ backend });
    try {
      f.server.context.ping = async () => { throw new Error('connect ECONNREFUSED db.internal:5432 user=np2dfw'); };
      const r = await f.call('GET', '/readyz');
      assert.equal(r.status, 503);
      assert.equal(r.body.error_code, 10050);
      assert.doesNotMatch(JSON.stringify(r.body), /ECONNREFUSED|db\.internal|user=/);
    } finally {
      await f.close();
    }
  });
});

describe('clean shutdown', () => {
  it('stops being ready and accepting at once, finishes the request in flight, then closes the database', async () => {
    const f = await startFixture({ backend });
    try {
      const inflight = await halfSentPut(f.url, 'late-group');
      await untilInFlight(f, 1);
      const stopping = f.server.shutdown(10_000);
      // not ready at once; the API takes nothing new; the listening socket is closed
      const ready = await f.server.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.equal(JSON.parse(ready.body).error_code, 10050);
      assert.match(JSON.parse(ready.body).error_message, /shutting down/);
      const api = await f.server.app.inject({ method: 'GET', url: GROUP, headers: { authorization: AUTH } });
      assert.equal(api.statusCode, 503);
      assert.equal(JSON.parse(api.body).httpStatus, 'SERVICE_UNAVAILABLE');
      await assert.rejects(fetch(`${f.url}/healthz`), 'no new connection is accepted');
      // the request in flight completes and is answered
      inflight.socket.write(inflight.rest);
      const answer = await inflight.answer;
      assert.match(answer, /^HTTP\/1\.1 200 /);
      assert.match(answer, /connection: close/i);
      assert.deepEqual(await stopping, { finished: true });
      assert.ok(await row(backend, f.dbPath, 'SELECT 1 AS x FROM dfw_groups WHERE id = ?', 'late-group'), 'the group was written');
    } finally {
      await f.close();
    }
  });

  it('abandons an import still running after the grace period: nothing of it is written', async () => {
    const f = await startFixture({ backend });
    try {
      const objects: unknown[] = [namespace('big')];
      for (let p = 0; p < 4; p++) objects.push(pod('big', `p${p}`, `10.0.0.${p + 1}`, { app: `a${p}` }));
      const ids = Array.from({ length: 300 }, (_, j) => uid(j));
      ids.forEach((u, j) => objects.push(allowFrom('big', `np${j}`, u, `a${j % 4}`, `a${(j + 1) % 4}`, 1000 + j)));
      await pushInventory(f, 'c1', objects);
      const importing = f.call('POST', '/policy/api/v1/infra/import-k8s-np-to-dfw', { user: 'admin', body: { network_policy_ids: ids } })
        .then((r) => r.status, () => 0);
      await untilInFlight(f, 1);
      const { finished } = await f.server.shutdown(30);
      const status = await importing;
      const n = (await row<{ n: number }>(backend, f.dbPath, 'SELECT COUNT(*) AS n FROM imported_policies')).n;
      const policies = (await row<{ n: number }>(backend, f.dbPath, 'SELECT COUNT(*) AS n FROM dfw_policies')).n;
      if (finished) assert.ok(status === 200 && n === 300, 'finished in time: fully imported');
      else assert.deepEqual({ status, n, policies }, { status: 0, n: 0, policies: 0 }, 'cut off: no answer and nothing written');
    } finally {
      await f.close();
    }
  });

  it('cuts off a request that does not finish within the grace period', async () => {
    const f = await startFixture({ backend });
    try {
      const inflight = await halfSentPut(f.url, 'never-group');
      await untilInFlight(f, 1);
      const t0 = performance.now();
      assert.deepEqual(await f.server.shutdown(300), { finished: false });
      assert.ok(performance.now() - t0 < 5000, 'the wait is bounded');
      const answer = await inflight.answer;
      assert.doesNotMatch(answer, /^HTTP\/1\.1 200/);
      assert.equal(await row(backend, f.dbPath, 'SELECT 1 AS x FROM dfw_groups WHERE id = ?', 'never-group'), undefined);
    } finally {
      await f.close();
    }
  });
});
});
