import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, startFixture, type Fixture, BACKENDS } from './server-fixture.ts';

const IMPORT = '/policy/api/v1/infra/import-k8s-np-to-dfw';

for (const backend of BACKENDS) describe(backend, () => {
describe('bad input: a clear 4xx with an NSX error body, and the server keeps serving', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
  });
  after(() => f.close());

  /** The server still answers a normal request. */
  async function stillServing(): Promise<void> {
    const r = await f.call('GET', '/api/v1/aaa/user-info', { user: 'admin' });
    assert.equal(r.status, 200);
    assert.equal(r.body.user_name, 'admin');
  }

  function expectError(r: { status: number; body: any }, status: number, pattern: RegExp): void {
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).filter((k) => k !== 'related_errors').sort(), ['error_code', 'error_message', 'httpStatus', 'module_name']);
    assert.equal(typeof r.body.error_code, 'number');
    assert.match(r.body.error_message, pattern);
    assert.doesNotMatch(JSON.stringify(r.body), /at .*\.ts:\d+/); // no stack trace
  }

  const cases: { name: string; raw?: string; body?: unknown; query?: string; status: number; pattern: RegExp; contentType?: string }[] = [
    { name: 'malformed JSON', raw: '{"network_policy_ids": ["a",', status: 400, pattern: /not valid JSON/ },
    { name: 'not JSON at all', raw: 'network_policy_ids=a', status: 400, pattern: /not valid JSON/ },
    { name: 'empty body', raw: '', status: 400, pattern: /empty/ },
    { name: 'a JSON array', body: ['a'], status: 400, pattern: /must be object/ },
    { name: 'ids missing', body: {}, status: 400, pattern: /"network_policy_ids" is required/ },
    { name: 'ids of the wrong type', body: { network_policy_ids: 'abc' }, status: 400, pattern: /network_policy_ids: must be array/ },
    { name: 'an id of the wrong type', body: { network_policy_ids: ['a', 7] }, status: 400, pattern: /network_policy_ids\[1\]: must be string/ },
    { name: 'no ids', body: { network_policy_ids: [] }, status: 400, pattern: /must NOT have fewer than 1 items/ },
    { name: 'the same id twice', body: { network_policy_ids: ['a', 'a'] }, status: 400, pattern: /duplicate items/ },
    { name: 'an unknown field', body: { network_policy_ids: ['a'], sequence_number_middle: 3 }, status: 400, pattern: /unknown field "sequence_number_middle"/ },
    { name: 'a sequence number as a string', body: { network_policy_ids: ['a'], sequence_number_upper: '1', sequence_number_lower: 2 }, status: 400, pattern: /sequence_number_upper: must be integer/ },
    { name: 'only one sequence number', body: { network_policy_ids: ['a'], sequence_number_upper: 1 }, status: 400, pattern: /given together/ },
    { name: 'lower not greater than upper', body: { network_policy_ids: ['a'], sequence_number_upper: 10, sequence_number_lower: 10 }, status: 400, pattern: /must be greater than/ },
    { name: '5001 ids', body: { network_policy_ids: Array.from({ length: 5001 }, (_, i) => `id-${i}`) }, status: 400, pattern: /must NOT have more than 5000 items/ },
    { name: 'a bad on_error', body: { network_policy_ids: ['a'] }, query: '?on_error=MAYBE', status: 400, pattern: /on_error: use ABORT or CONTINUE/ },
    { name: 'a wrong content type', raw: '{"network_policy_ids":["a"]}', contentType: 'text/plain', status: 415, pattern: /application\/json/ },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.status}`, async () => {
      const r = await f.call('POST', `${IMPORT}${c.query ?? ''}`, { user: 'admin', body: c.body, raw: c.raw, contentType: c.contentType });
      expectError(r, c.status, c.pattern);
      await stillServing();
    });
  }

  it('5000 ids are accepted (and reported as not found)', async () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `id-${i}`);
    const r = await f.call('POST', IMPORT, { user: 'admin', body: { network_policy_ids: ids } });
    assert.equal(r.status, 200);
    assert.equal(r.body.request_count, 5000);
    assert.equal(r.body.errors.length, 5000);
  });

  it('a huge body: 413 before it is read in full, and the server keeps serving', async () => {
    const huge = `{"network_policy_ids": [${'"x",'.repeat(2_000_000)}"y"]}`; // 8 MB, over the 4 MiB limit
    const r = await f.call('POST', IMPORT, { user: 'admin', raw: huge });
    expectError(r, 413, /larger than this API accepts/);
    await stillServing();
  });

  it('a body that claims a huge length and never sends it does not hold the server', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${f.url}${IMPORT}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024 * 1024), authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` },
      }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"network_policy_ids": [');
    });
    assert.equal(status, 413);
    await stillServing();
  });

  it('wrong types in a group or security policy: 400 naming the field', async () => {
    const g = await f.call('PUT', '/policy/api/v1/infra/domains/default/groups/g', { user: 'admin', body: { display_name: 5 } });
    expectError(g, 400, /display_name: must be string/);
    const p = await f.call('PUT', '/policy/api/v1/infra/domains/default/security-policies/p', { user: 'admin', body: { rules: [{ id: 'r', action: 'PERMIT' }] } });
    expectError(p, 400, /rules\/0\/action|rules\[0\]\.action: must be one of/);
    const id = await f.call('PUT', '/policy/api/v1/infra/domains/default/groups/has%20space', { user: 'admin', body: {} });
    expectError(id, 400, /group id "has space"/);
    const inv = await f.call('PUT', '/api/v1/fabric/container-clusters/c9', { user: 'admin' });
    assert.equal(inv.status, 200);
    const bad = await f.call('PUT', '/api/v1/fabric/container-clusters/c9/inventory', {
      user: 'admin',
      body: { objects: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'a' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 70000 }] }] } }] },
    });
    expectError(bad, 400, /spec\.ingress\[0\]\.ports\[0\]\.port/);
    await stillServing();
  });

  it('unknown paths: 404 with an NSX error body', async () => {
    const r = await f.call('GET', '/policy/api/v1/infra/domains/default/nothing-here', { user: 'admin' });
    expectError(r, 404, /no such API/);
  });
});
});
