// Issue 9, findings 2, 4, 7 and 8: objects that stopped verification, credentials echoed, inputs that got a 500 or
// a non-NSX body, and the smaller ones (file modes, cluster names, WWW-Authenticate, bounded health reports).
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { allowFrom, namespace, pod, pushInventory, startFixture, uid, type Fixture, BACKENDS } from './server-fixture.ts';
import { inTransaction } from '../../src/server/db/database.ts';

const IMPORT = '/policy/api/v1/infra/import-k8s-np-to-dfw';
const DOMAIN = '/policy/api/v1/infra/domains/default';
const CLUSTERS = '/api/v1/fabric/container-clusters';

function nsxError(r: { status: number; body: any }, status: number, pattern?: RegExp): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.deepEqual(Object.keys(r.body).filter((k) => k !== 'related_errors').sort(), ['error_code', 'error_message', 'httpStatus', 'module_name'], JSON.stringify(r.body));
  if (pattern) assert.match(r.body.error_message, pattern);
}

/** Sends raw bytes and returns the status line and body. */
function rawRequest(url: string, text: string): Promise<{ status: number; body: string; head: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => s.write(text));
    let data = '';
    s.on('data', (d) => { data += d.toString('latin1'); });
    s.on('end', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), head, body: rest.join('\r\n\r\n') });
    });
    s.on('error', reject);
    s.setTimeout(5000, () => s.destroy(new Error('timeout')));
  });
}

for (const backend of BACKENDS) describe(backend, () => {
describe('finding 2: objects are decoded when written, and stored data never breaks verification', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
    await pushInventory(f, 'c1', [namespace('a'), pod('a', 'web', '10.0.0.1', { app: 'web' }), pod('a', 'api', '10.0.0.2', { app: 'api' }),
      allowFrom('a', 'p1', uid(1), 'api', 'web', 80), allowFrom('a', 'p2', uid(2), 'web', 'api', 81)]);
  });
  after(() => f.close());

  it('incomplete expressions, rules naming unknown things, huge sequence numbers: 400 naming the field', async () => {
    const cases: [string, string, unknown, RegExp][] = [
      ['PUT', `${DOMAIN}/groups/g1`, { expression: [{ resource_type: 'Condition' }] }, /group \/infra\/domains\/default\/groups\/g1: expression\[0\]\.member_type: expected a string, got nothing/],
      ['PUT', `${DOMAIN}/groups/g2`, { expression: [{ resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: 'a|b' }, { resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: 'c|d' }] }, /groups\/g2: expression\[1\]: an expression has 2 entries: criteria and conjunctions must alternate/],
      ['PUT', `${DOMAIN}/groups/g3`, { expression: [{ resource_type: 'IPAddressExpression', ip_addresses: ['10.0.0.300'] }] }, /ip_addresses\[0\]/],
      ['PUT', `${DOMAIN}/security-policies/p1`, { rules: [{ id: 'r', action: 'DROP', source_groups: ['10.0.0.1'] }] }, /source_groups\[0\]: "10\.0\.0\.1" is not a group path/],
      ['PUT', `${DOMAIN}/security-policies/p2`, { rules: [{ id: 'r', action: 'JUMP_TO_APPLICATION' }] }, /action: must be one of ALLOW, DROP, REJECT/],
      ['PUT', `${DOMAIN}/security-policies/p3`, { rules: [{ id: 'r', services: ['/infra/services/HTTP'] }] }, /services: np2dfw does not know predefined services/],
      ['PUT', `${DOMAIN}/security-policies/p4`, { sequence_number: 1e308 }, /sequence_number/],
      ['PUT', `${DOMAIN}/security-policies/p5`, { sequence_number: 2 ** 63 }, /sequence_number/],
      ['PUT', `${DOMAIN}/security-policies/p6`, { rules: [{ id: 'r', sequence_number: 2 ** 63 }] }, /sequence_number/],
    ];
    for (const [method, path, body, pattern] of cases) {
      nsxError(await f.call(method, path, { user: 'secadmin', body }), 400, pattern);
    }
    assert.deepEqual(await f.server.context.policies.counts(), { groups: 0, policies: 0, rules: 0 });
  });

  it('the objects of the report that are complete are stored, and an import still verifies without a raw error', async () => {
    assert.equal((await f.call('PUT', `${DOMAIN}/groups/g`, { user: 'secadmin', body: { display_name: 'x' } })).status, 200);
    assert.equal((await f.call('PUT', `${DOMAIN}/security-policies/sp`, { user: 'secadmin', body: { rules: [{ id: 'r', action: 'DROP', scope: [`/infra/domains/default/groups/g`] }] } })).status, 200);
    const r = await f.call('POST', IMPORT, { user: 'secadmin', body: { network_policy_ids: [uid(1)] } });
    assert.equal(r.body.success_count, 1);
    assert.equal(r.body.verification[0].error, undefined, JSON.stringify(r.body.verification));
    assert.equal(typeof r.body.verification[0].equivalent, 'boolean');
  });

  it('a damaged stored row: the verification names the object instead of failing with a raw error', async () => {
    // damaged in a write that, like every DFW write, grows the epoch and names what it changed (the import worker
    // keeps the decoded objects and decodes again only the ones the change log names; a write bypassing both is
    // seen only by a full read, as when the worker starts)
    const db = f.server.context.db;
    await inTransaction(db, async () => {
      await db.run(`UPDATE dfw_rules SET body = '{"action":"DROP","source_groups":7}' WHERE policy_id = 'sp'`);
      await db.run("UPDATE epochs SET value = value + 1 WHERE name = 'dfw'");
      await db.run("INSERT INTO dfw_changes (epoch, kind, id) SELECT value, 'policy', 'sp' FROM epochs WHERE name = 'dfw'");
    });
    const r = await f.call('POST', IMPORT, { user: 'secadmin', body: { network_policy_ids: [uid(2)] } });
    assert.equal(r.status, 200);
    const v = r.body.verification[0];
    assert.equal(v.equivalent, false);
    assert.match(v.error, /1 stored object cannot be evaluated: \/infra\/domains\/default\/security-policies\/sp\/rules\/r \(source_groups: must be a list of strings\)/);
    assert.doesNotMatch(v.error, /is not iterable|Cannot read properties/);
  });
});

describe('findings 4, 7, 8: hostile requests', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
    await pushInventory(f, 'c1', [namespace('a')]);
  });
  after(() => f.close());

  it('finding 4: an Authorization header without a scheme is neither echoed nor stored', async () => {
    for (const secret of ['admin:hunter2-secret-value', 'np2dfw_0123456789ab_sekr1tsekr1tsekr1t']) {
      const res = await fetch(`${f.url}${DOMAIN}/groups/x`, { method: 'PUT', headers: { authorization: secret, 'content-type': 'application/json' }, body: '{}' });
      const text = await res.text();
      assert.equal(res.status, 401);
      assert.ok(!text.includes(secret) && !text.includes(secret.slice(0, 12)), text);
    }
    const dump = JSON.stringify(await f.server.context.db.all('SELECT * FROM audit_log'));
    assert.ok(!dump.includes('hunter2') && !dump.includes('sekr1t'), dump);
  });

  it('finding 7: repeated query parameters are a 400', async () => {
    nsxError(await f.call('GET', '/api/v1/audit-log?user=a&user=b', { user: 'admin' }), 400, /user: give this query parameter once/);
    nsxError(await f.call('GET', `${CLUSTERS}/c1/pods?namespace=a&namespace=b`, { user: 'admin' }), 400, /namespace: give this query parameter once/);
    nsxError(await f.call('GET', '/api/v1/fabric/container-network-policies?cluster=a&cluster=b', { user: 'admin' }), 400, /cluster/);
    nsxError(await f.call('GET', `${DOMAIN}/groups?page_size=1&page_size=2`, { user: 'admin' }), 400, /page_size/);
    nsxError(await f.call('GET', `${DOMAIN}/groups?cursor=a&cursor=b`, { user: 'admin' }), 400, /cursor/);
  });

  it('finding 7: inventory kinds that are Object.prototype names are refused as unknown kinds', async () => {
    for (const kind of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const r = await f.call('PATCH', `${CLUSTERS}/c1/inventory`, { user: 'admin', body: { upserts: [{ apiVersion: 'v1', kind, metadata: { name: 'x' } }] } });
      nsxError(r, 400, /is not reported/);
      const d = await f.call('PATCH', `${CLUSTERS}/c1/inventory`, { user: 'admin', body: { deletes: [{ kind, name: 'x' }] } });
      nsxError(d, 400, /kind/);
    }
  });

  it('finding 7: JSON nested 10,000 levels deep is a 400', async () => {
    const deep = `${'['.repeat(10000)}${']'.repeat(10000)}`;
    const raw = `{"objects":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"a"},"spec":${deep}}]}`;
    nsxError(await f.call('PUT', `${CLUSTERS}/c1/inventory`, { user: 'admin', raw }), 400, /nested/);
    nsxError(await f.call('POST', IMPORT, { user: 'admin', raw: `{"network_policy_ids":${deep}}` }), 400, /nested/);
  });

  it('finding 7: ids of 101-255 characters can be written, read and deleted; longer ones are a 400', async () => {
    const id = 'g'.repeat(255);
    assert.equal((await f.call('PUT', `${DOMAIN}/groups/${id}`, { user: 'admin', body: {} })).status, 200);
    assert.equal((await f.call('GET', `${DOMAIN}/groups/${id}`, { user: 'admin' })).body.id, id);
    assert.equal((await f.call('DELETE', `${DOMAIN}/groups/${id}`, { user: 'admin' })).status, 200);
    nsxError(await f.call('PUT', `${DOMAIN}/groups/${'g'.repeat(256)}`, { user: 'admin', body: {} }), 400, /1-255/);
  });

  it('finding 7: %zz in a path is a 400 in NSX\'s shape that does not echo the URL', async () => {
    const r = await f.call('GET', `${DOMAIN}/groups/%zz-secret-looking-path`, { user: 'admin' });
    nsxError(r, 400);
    assert.ok(!JSON.stringify(r.body).includes('secret-looking'));
    const unknown = await f.call('GET', `/nothing/${'x'.repeat(5000)}?token=abc`, { user: 'admin' });
    nsxError(unknown, 404);
    assert.ok(JSON.stringify(unknown.body).length < 600);
  });

  it('finding 7: oversized headers get 431 with an NSX body', async () => {
    const r = await rawRequest(f.url, `GET /api/v1/aaa/user-info HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\nConnection: close\r\n\r\n`);
    assert.equal(r.status, 431);
    const body = JSON.parse(r.body);
    assert.equal(body.httpStatus, 'REQUEST_HEADER_FIELDS_TOO_LARGE');
    assert.equal(typeof body.error_code, 'number');
  });

  it('finding 7: a health-list cursor that decodes to garbage, sequence_number_lower 1e400: 400', async () => {
    const garbage = Buffer.from('k:garbage').toString('base64url');
    nsxError(await f.call('GET', `${CLUSTERS}/c1/health?cursor=${garbage}`, { user: 'admin' }), 400, /cursor/);
    nsxError(await f.call('GET', `/api/v1/audit-log?cursor=${garbage}`, { user: 'admin' }), 400, /cursor/);
    const r = await f.call('POST', IMPORT, { user: 'admin', raw: `{"network_policy_ids":["${uid(1)}"],"sequence_number_upper":1,"sequence_number_lower":1e400}` });
    nsxError(r, 400, /sequence_number_lower/);
  });

  it('finding 8: database files are created 0600', { skip: backend !== 'sqlite' && 'PostgreSQL keeps its own files' }, () => {
    for (const suffix of ['', '-wal', '-shm']) {
      const mode = statSync(`${f.dbPath}${suffix}`).mode & 0o777;
      assert.equal(mode & 0o077, 0, `${suffix || 'db'}: ${mode.toString(8)}`);
    }
  });

  it('finding 8: adapter users need a DNS-1123 label as their cluster', async () => {
    for (const cluster of ['', '../prod', 'Prod', 'a'.repeat(64), 'a_b']) {
      nsxError(await f.call('PUT', '/api/v1/aaa/users/ad', { user: 'admin', body: { role: 'antrea_adapter', cluster, password: 'Correct-Horse-42' } }), 400, /cluster/);
    }
    nsxError(await f.call('PUT', `${CLUSTERS}/..%2Fprod`, { user: 'admin' }), 400);
    assert.equal((await f.call('PUT', '/api/v1/aaa/users/ad', { user: 'admin', body: { role: 'antrea_adapter', cluster: 'prod-1', password: 'Correct-Horse-42' } })).status, 200);
  });

  it('finding 8: 401 answers carry WWW-Authenticate', async () => {
    const res = await fetch(`${f.url}/api/v1/aaa/user-info`);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm="np2dfw"/);
  });

  it('finding 8: a health report is bounded', async () => {
    const big = { status: 'HEALTHY', message: 'x'.repeat(3_900_000) };
    nsxError(await f.call('POST', `${CLUSTERS}/c1/health`, { user: 'admin', body: big }), 413);
    const many = { status: 'HEALTHY', components: Array.from({ length: 5000 }, (_, i) => ({ name: `c${i}`, status: 'HEALTHY' })) };
    nsxError(await f.call('POST', `${CLUSTERS}/c1/health`, { user: 'admin', body: many }), 400);
  });
});
});
