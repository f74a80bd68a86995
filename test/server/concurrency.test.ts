import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allowFrom, namespace, pod, pushInventory, startFixture, uid, type Fixture, BACKENDS } from './server-fixture.ts';

const IMPORT = '/policy/api/v1/infra/import-k8s-np-to-dfw';
const GROUPS = '/policy/api/v1/infra/domains/default/groups';

for (const backend of BACKENDS) describe(backend, () => {
describe('concurrent imports and edits lose nothing', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
    const objects: unknown[] = [];
    for (let n = 0; n < 10; n++) {
      objects.push(namespace(`ns${n}`), pod(`ns${n}`, 'a', `10.0.${n}.1`, { app: 'a' }), pod(`ns${n}`, 'b', `10.0.${n}.2`, { app: 'b' }));
      for (let j = 0; j < 5; j++) objects.push(allowFrom(`ns${n}`, `np${j}`, uid(n * 100 + j), 'a', 'b', 1000 + j));
    }
    await pushInventory(f, 'c1', objects);
  });
  after(() => f.close());

  it('imports of ten namespaces at once all commit, next to a hundred group edits', async () => {
    const imports = Array.from({ length: 10 }, (_, n) =>
      f.call('POST', IMPORT, { user: n % 2 ? 'admin' : 'secadmin', body: { network_policy_ids: Array.from({ length: 5 }, (_, j) => uid(n * 100 + j)) } }));
    const edits = Array.from({ length: 100 }, (_, i) => f.call('PATCH', `${GROUPS}/edit-${i}`, { user: 'secadmin', body: { display_name: `e${i}` } }));
    const results = await Promise.all([...imports, ...edits]);
    for (const r of results.slice(0, 10)) {
      assert.equal(r.status, 200);
      assert.equal(r.body.success_count, 5, JSON.stringify(r.body.errors));
    }
    for (const r of results.slice(10)) assert.equal(r.status, 200);
    const counts = (await f.server.context.policies.counts());
    assert.equal(counts.policies, 100); // 50 policies, each an allow and a drop
    const groups = (await f.call('GET', `${GROUPS}?page_size=1000`, { user: 'admin' })).body.results.map((g: { id: string }) => g.id);
    for (let i = 0; i < 100; i++) assert.ok(groups.includes(`edit-${i}`));
    // every allow policy precedes every drop policy, whatever order the imports ran in
    const policies = (await f.server.context.policies.allPolicies());
    const allows = policies.filter((p) => (p.id as string).endsWith('-allow')).map((p) => p.sequence_number as number);
    const drops = policies.filter((p) => (p.id as string).endsWith('-drop')).map((p) => p.sequence_number as number);
    assert.equal(new Set([...allows, ...drops]).size, 100, 'sequence numbers are unique');
    const removals = (await f.call('GET', '/api/v1/fabric/container-clusters/c1/pending-removals', { user: 'admin' })).body;
    assert.equal(removals.result_count, 50);
  });

  it('the same policies imported by five clients at once are imported exactly once', async () => {
    await f.call('PATCH', '/api/v1/fabric/container-clusters/c1/inventory', { user: 'admin', body: { upserts: [allowFrom('ns0', 'late', uid(5000), 'b', 'a', 7)] } });
    const rs = await Promise.all(Array.from({ length: 5 }, () => f.call('POST', IMPORT, { user: 'admin', body: { network_policy_ids: [uid(5000)] } })));
    assert.deepEqual(rs.map((r) => r.body.success_count).sort(), [0, 0, 0, 0, 1]);
    assert.equal(rs.filter((r) => r.body.errors[0]?.errors[0].error_code === 'ALREADY_IMPORTED').length, 4);
  });

  it('twenty clients incrementing one group with GET, change, PUT _revision and retry on 412 lose no increment', async () => {
    await f.call('PUT', `${GROUPS}/counter`, { user: 'admin', body: { description: '0' } });
    let conflicts = 0;
    const client = async () => {
      for (;;) {
        const cur = (await f.call('GET', `${GROUPS}/counter`, { user: 'admin' })).body;
        const r = await f.call('PUT', `${GROUPS}/counter`, { user: 'admin', body: { ...cur, description: String(Number(cur.description) + 1) } });
        if (r.status === 200) return;
        assert.equal(r.status, 412);
        conflicts++;
      }
    };
    await Promise.all(Array.from({ length: 20 }, client));
    const end = (await f.call('GET', `${GROUPS}/counter`, { user: 'admin' })).body;
    assert.equal(end.description, '20');
    assert.equal(end._revision, 20);
    assert.ok(conflicts > 0, 'the clients did race');
  });
});
});
