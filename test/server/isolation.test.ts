// Finding 1 (issue 9): one cluster's adapter must not be able to rewrite another cluster's firewall, nor touch its
// import state. Finding 8's CONTINUE case: one bad uid fails that policy only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allowFrom, namespace, networkPolicy, pod, pushInventory, startFixture, uid, type Fixture, BACKENDS } from './server-fixture.ts';

const IMPORT = '/policy/api/v1/infra/import-k8s-np-to-dfw';
const GROUPS = '/policy/api/v1/infra/domains/default/groups';
const CLUSTERS = '/api/v1/fabric/container-clusters';

for (const backend of BACKENDS) describe(backend, () => {
describe('cluster isolation of imports', () => {
  let f: Fixture;
  const prodUid = uid(1);
  before(async () => {
    f = await startFixture({ backend });
    // c1 plays prod, c2 staging (adapter2 is c2's adapter)
    await pushInventory(f, 'c1', [
      namespace('shop'), pod('shop', 'web', '10.0.0.1', { tier: 'web', app: 'frontend' }), pod('shop', 'api', '10.0.0.2', { app: 'api' }),
      networkPolicy('shop', 'api', prodUid, {
        podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'web', app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      }),
    ]);
    await f.call('PUT', `${CLUSTERS}/c2`, { user: 'adapter2' });
    const r = await f.call('POST', IMPORT, { user: 'secadmin', body: { network_policy_ids: [prodUid] } });
    assert.equal(r.body.success_count, 1, JSON.stringify(r.body));
  });
  after(() => f.close());

  it('a NetworkPolicy uid that is not an RFC 4122 UUID is refused from the inventory (no `<prod uid>-rule-0-from`)', async () => {
    const before = (await f.call('GET', `${GROUPS}/${prodUid}-rule-0-from`, { user: 'admin' })).body;
    const bad = networkPolicy('default', 'evil', `${prodUid}-rule-0-from`, { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] });
    for (const [method, body] of [['PUT', { objects: [namespace('default'), bad] }], ['PATCH', { upserts: [bad] }]] as const) {
      const r = await f.call(method, `${CLUSTERS}/c2/inventory`, { user: 'adapter2', body });
      assert.equal(r.status, 400, method);
      assert.equal(r.body.error_code, 10040);
      assert.match(r.body.error_message, /metadata\.uid .* is not a UUID as Kubernetes issues them/);
    }
    // and even imported under a valid uid, the prod group is untouched
    assert.deepEqual((await f.call('GET', `${GROUPS}/${prodUid}-rule-0-from`, { user: 'admin' })).body, before);
  });

  it('another cluster reporting prod\'s uid cannot get it imported, removed or unqueued', async () => {
    const queued = (await f.call('GET', `${CLUSTERS}/c1/pending-removals`, { user: 'adapter1' })).body.results;
    assert.deepEqual(queued.map((x: { uid: string }) => x.uid), [prodUid]);
    const copy = allowFrom('default', 'api', prodUid, 'x', 'y', 1);
    assert.equal((await f.call('PUT', `${CLUSTERS}/c2/inventory`, { user: 'adapter2', body: { objects: [namespace('default'), copy] } })).status, 200);
    // staging's copy is not prod's: importing the uid is ambiguous, nothing changes
    const r = await f.call('POST', `${IMPORT}?on_error=CONTINUE`, { user: 'secadmin', body: { network_policy_ids: [prodUid] } });
    assert.equal(r.body.success_count, 0);
    assert.equal(r.body.errors[0].errors[0].error_code, 'AMBIGUOUS_NETWORK_POLICY_ID');
    // staging deletes its copy, then reports an empty snapshot: prod's removal stays queued
    assert.equal((await f.call('PATCH', `${CLUSTERS}/c2/inventory`, { user: 'adapter2', body: { deletes: [{ kind: 'NetworkPolicy', namespace: 'default', name: 'api' }] } })).status, 200);
    assert.equal((await f.call('PUT', `${CLUSTERS}/c2/inventory`, { user: 'adapter2', body: { objects: [] } })).status, 200);
    assert.deepEqual((await f.call('GET', `${CLUSTERS}/c1/pending-removals`, { user: 'adapter1' })).body.results, queued);
    const listed = (await f.call('GET', `/api/v1/fabric/container-network-policies?cluster=c1`, { user: 'admin' })).body.results;
    assert.equal(listed[0].imported.removal, 'queued');
  });

  it('an import never overwrites an existing group: the policy fails in NSX\'s error shape, and ABORT writes nothing', async () => {
    const victim = uid(20);
    const other = uid(21);
    await f.call('PATCH', `${CLUSTERS}/c2/inventory`, { user: 'adapter2', body: { upserts: [
      namespace('default'), pod('default', 'a', '10.9.0.1', { app: 'a' }),
      allowFrom('default', 'np20', victim, 'a', 'a', 80), allowFrom('default', 'np21', other, 'a', 'a', 81),
    ] } });
    // someone holds the id the conversion of np20 would use
    const g = await f.call('PUT', `${GROUPS}/${victim}-rule-0-from`, { user: 'secadmin', body: { display_name: 'mine', expression: [] } });
    assert.equal(g.status, 200);
    const r = await f.call('POST', `${IMPORT}?on_error=ABORT`, { user: 'secadmin', body: { network_policy_ids: [other, victim] } });
    assert.equal(r.status, 200);
    assert.equal(r.body.success_count, 0);
    assert.deepEqual(r.body.errors.map((e: { network_policy_id: string }) => e.network_policy_id), [victim]);
    assert.equal(r.body.errors[0].errors[0].error_code, 'DFW_OBJECT_EXISTS');
    assert.match(r.body.errors[0].errors[0].error_message, /exists already; an import never replaces an object/);
    assert.equal((await f.call('GET', `/policy/api/v1/infra/domains/default/security-policies/${other}-drop`, { user: 'admin' })).status, 404);
    const kept = (await f.call('GET', `${GROUPS}/${victim}-rule-0-from`, { user: 'admin' })).body;
    assert.equal(kept.display_name, 'mine');
    assert.equal(kept._revision, 0);
    // CONTINUE imports the other one only
    const c = await f.call('POST', `${IMPORT}?on_error=CONTINUE`, { user: 'secadmin', body: { network_policy_ids: [other, victim] } });
    assert.equal(c.body.success_count, 1);
    assert.equal((await f.call('GET', `${GROUPS}/${victim}-rule-0-from`, { user: 'admin' })).body.display_name, 'mine');
  });

  it('one id that is not a uid fails that policy only under CONTINUE', async () => {
    const good = uid(30);
    await f.call('PATCH', `${CLUSTERS}/c2/inventory`, { user: 'adapter2', body: { upserts: [allowFrom('default', 'np30', good, 'a', 'a', 82)] } });
    const r = await f.call('POST', `${IMPORT}?on_error=CONTINUE`, { user: 'secadmin', body: { network_policy_ids: ['../../etc', good] } });
    assert.equal(r.status, 200);
    assert.equal(r.body.success_count, 1);
    assert.deepEqual(r.body.errors, [{ network_policy_id: '../../etc', errors: [{ error_code: 'INVALID_NETWORK_POLICY_ID',
      error_message: '"../../etc" is not a NetworkPolicy uid (an RFC 4122 UUID as Kubernetes issues them)' }] }]);
  });

  it('two NetworkPolicies of one cluster cannot share a uid', async () => {
    const dup = uid(40);
    const r = await f.call('PATCH', `${CLUSTERS}/c2/inventory`, { user: 'adapter2', body: { upserts: [allowFrom('default', 'x1', dup, 'a', 'a', 1), allowFrom('default', 'x2', dup, 'a', 'a', 2)] } });
    assert.equal(r.status, 400);
    assert.match(r.body.error_message, /is also the uid of NetworkPolicy default\/x1/);
    assert.equal((await f.call('PATCH', `${CLUSTERS}/c2/inventory`, { user: 'adapter2', body: { upserts: [allowFrom('default', 'x1', dup, 'a', 'a', 1)] } })).status, 200);
    const again = await f.call('PATCH', `${CLUSTERS}/c2/inventory`, { user: 'adapter2', body: { upserts: [allowFrom('default', 'x2', dup, 'a', 'a', 2)] } });
    assert.equal(again.status, 400);
    assert.match(again.body.error_message, /is the uid of NetworkPolicy default\/x1 of cluster c2 already/);
  });
});
});
