import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { convertCluster } from '../../src/convert/convert-cluster.ts';
import { loadClusterFromTexts } from '../../src/k8s/load-cluster.ts';
import {
  allowFrom, namespace, networkPolicy, pod, pushInventory, sctpPolicy, startFixture, uid, type Fixture, BACKENDS } from './server-fixture.ts';

const IMPORT = '/policy/api/v1/infra/import-k8s-np-to-dfw';
const GROUPS = '/policy/api/v1/infra/domains/default/groups';
const POLICIES = '/policy/api/v1/infra/domains/default/security-policies';

const c1Objects = [
  namespace('a'), namespace('b'),
  pod('a', 'web', '10.0.0.1', { app: 'web' }), pod('a', 'api', '10.0.0.2', { app: 'api' }), pod('a', 'db', '10.0.0.3', { app: 'db' }),
  pod('b', 'web', '10.0.1.1', { app: 'web' }), pod('b', 'api', '10.0.1.2', { app: 'api' }),
  allowFrom('a', 'api-from-web', uid(1), 'api', 'web', 8080),
  sctpPolicy('a', 'sctp', uid(2)),
  allowFrom('a', 'db-from-api', uid(3), 'db', 'api', 5432),
  allowFrom('b', 'api-from-web', uid(11), 'api', 'web', 8080),
];
const c2Objects = [
  namespace('x'),
  pod('x', 'web', '10.1.0.1', { app: 'web' }), pod('x', 'api', '10.1.0.2', { app: 'api' }),
  allowFrom('x', 'api-from-web', uid(10), 'api', 'web', 80),
];

/** The refusal the converter gives for the SCTP policy, as the import API words it. */
function sctpRefusal(): { error_code: string; error_message: string }[] {
  const cluster = loadClusterFromTexts([{ name: 'c1', text: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: c1Objects }) }], { cluster: 'c1' });
  const r = convertCluster(cluster, { only: [uid(2)], onError: 'continue' });
  assert.equal(r.refusals.length, 1);
  return r.refusals.map((x) => ({ error_code: x.code, error_message: `${x.path}: ${x.message}` }));
}

for (const backend of BACKENDS) describe(backend, () => {
describe('POST /policy/api/v1/infra/import-k8s-np-to-dfw', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
    await pushInventory(f, 'c1', c1Objects);
    await pushInventory(f, 'c2', c2Objects);
  });
  after(() => f.close());

  it('ABORT: one unsupported policy among three leaves nothing behind, and lists only the failure', async () => {
    const audit0 = (await f.call('GET', '/api/v1/audit-log', { user: 'admin' })).body.result_count;
    const r = await f.call('POST', `${IMPORT}?on_error=ABORT`, { user: 'secadmin', body: { network_policy_ids: [uid(1), uid(2), uid(3)] } });
    assert.equal(r.status, 200);
    const { verification, ...nsx } = r.body;
    assert.deepEqual(nsx, {
      request_count: 3,
      success_count: 0,
      errors: [{ network_policy_id: uid(2), errors: sctpRefusal() }],
      errors_general: [],
    });
    assert.equal(sctpRefusal()[0].error_code, 'SCTP_UNSUPPORTED');
    // nothing was committed: no group, no policy, nothing imported or queued for removal
    assert.equal((await f.call('GET', GROUPS, { user: 'admin' })).body.result_count, 0);
    assert.equal((await f.call('GET', POLICIES, { user: 'admin' })).body.result_count, 0);
    assert.deepEqual((await f.call('GET', '/api/v1/fabric/container-clusters/c1/pending-removals', { user: 'admin' })).body.results, []);
    const nps = (await f.call('GET', '/api/v1/fabric/container-network-policies?cluster=c1', { user: 'admin' })).body.results;
    assert.ok(nps.every((p: { imported?: unknown }) => p.imported === undefined));
    // the state did not change, so it still verifies equivalent
    assert.equal(verification.length, 1);
    const { summary, ...rest } = verification[0];
    assert.deepEqual(rest, { cluster: 'c1', equivalent: true, differences: 0, counterexamples: [] });
    assert.match(summary, /^checked IPv4: 5 pod endpoints /);
    // the attempt is in the audit log, as a failure, by its user
    const log = (await f.call('GET', `/api/v1/audit-log?action=import`, { user: 'auditor' })).body.results;
    const last = log[log.length - 1];
    assert.equal(last.user, 'secadmin');
    assert.equal(last.result, 'failure');
    assert.match(last.detail, /0 of 3 imported/);
    assert.ok((await f.call('GET', '/api/v1/audit-log', { user: 'admin' })).body.result_count > audit0);
  });

  it('CONTINUE: commits the two supported policies, lists the third, and the verification shows what the skip changed', async () => {
    const r = await f.call('POST', `${IMPORT}?on_error=CONTINUE`, { user: 'admin', body: { network_policy_ids: [uid(1), uid(2), uid(3)] } });
    assert.equal(r.status, 200);
    const { verification, ...nsx } = r.body;
    assert.deepEqual(nsx, {
      request_count: 3,
      success_count: 2,
      errors: [{ network_policy_id: uid(2), errors: sctpRefusal() }],
      errors_general: [],
    });
    const ids = (await f.call('GET', POLICIES, { user: 'secop' })).body.results.map((p: { id: string }) => p.id).sort();
    assert.deepEqual(ids, [`${uid(1)}-allow`, `${uid(1)}-drop`, `${uid(3)}-allow`, `${uid(3)}-drop`]);
    const allow = (await f.call('GET', `${POLICIES}/${uid(1)}-allow`, { user: 'auditor' })).body;
    assert.equal(allow.rules.length, 1);
    assert.equal(allow.rules[0].action, 'ALLOW');
    assert.equal(allow.rules[0].direction, 'IN');
    assert.ok(allow.scope.includes('/infra/sites/default/enforcement-points/default/cluster-control-planes/c1'));
    // both imported policies are marked and queued for removal from c1; the SCTP one is not
    const removals = (await f.call('GET', '/api/v1/fabric/container-clusters/c1/pending-removals', { user: 'adapter1' })).body.results;
    assert.deepEqual(removals.map((x: { uid: string }) => x.uid).sort(), [uid(1), uid(3)]);
    // the SCTP policy still isolates api and db in Kubernetes, but the DFW drop policies now come first:
    // SCTP 9000 into api is allowed by Kubernetes and dropped by the DFW
    assert.equal(verification.length, 1);
    const v = verification[0];
    assert.equal(v.cluster, 'c1');
    assert.equal(v.equivalent, false);
    assert.ok(v.differences > 0);
    const x = v.counterexamples.find((c: { destination: string }) => c.destination === 'a/api');
    assert.ok(x, JSON.stringify(v.counterexamples));
    assert.equal(x.protocol, 'SCTP');
    assert.equal(x.kubernetes, 'allowed');
    assert.equal(x.dfw, 'denied');
    assert.ok(v.counterexamples.every((c: { protocol: string }) => c.protocol === 'SCTP'));
    // realization is pending in c1 for every new policy
    const real = (await f.call('GET', '/api/v1/fabric/container-clusters/c1/realization', { user: 'admin' })).body;
    assert.equal(real.result_count, 4);
    assert.ok(real.results.every((s: { state: string }) => s.state === 'pending'));
  });

  it('importing a policy twice is an error that changes nothing', async () => {
    const before = (await f.call('GET', `${POLICIES}/${uid(1)}-allow`, { user: 'admin' })).body;
    const groupsBefore = (await f.call('GET', GROUPS, { user: 'admin' })).body;
    for (const onError of ['ABORT', 'CONTINUE']) {
      const r = await f.call('POST', `${IMPORT}?on_error=${onError}`, { user: 'admin', body: { network_policy_ids: [uid(1)] } });
      assert.equal(r.status, 200);
      assert.equal(r.body.success_count, 0);
      assert.equal(r.body.errors.length, 1);
      assert.equal(r.body.errors[0].network_policy_id, uid(1));
      assert.equal(r.body.errors[0].errors[0].error_code, 'ALREADY_IMPORTED');
    }
    assert.deepEqual((await f.call('GET', `${POLICIES}/${uid(1)}-allow`, { user: 'admin' })).body, before);
    assert.deepEqual((await f.call('GET', GROUPS, { user: 'admin' })).body, groupsBefore);
  });

  it('ids not in the inventory are errors, and ABORT then imports nothing', async () => {
    const missing = uid(999);
    const a = await f.call('POST', IMPORT, { user: 'admin', body: { network_policy_ids: [uid(11), missing] } });
    assert.deepEqual(a.body.errors, [{ network_policy_id: missing, errors: [{ error_code: 'NETWORK_POLICY_NOT_FOUND', error_message: `no registered cluster reported a NetworkPolicy with uid ${missing}` }] }]);
    assert.equal(a.body.success_count, 0);
    assert.equal((await f.call('GET', `${POLICIES}/${uid(11)}-drop`, { user: 'admin' })).status, 404);
  });

  it('imports policies of several clusters and namespaces in one request, each verified', async () => {
    const r = await f.call('POST', `${IMPORT}?on_error=ABORT`, { user: 'admin', body: { network_policy_ids: [uid(10), uid(11)], sequence_number_upper: 5000, sequence_number_lower: 9000 } });
    assert.equal(r.status, 200);
    assert.deepEqual({ ...r.body, verification: undefined }, { request_count: 2, success_count: 2, errors: [], errors_general: [], verification: undefined });
    assert.deepEqual(r.body.verification.map((v: { cluster: string }) => v.cluster).sort(), ['c1', 'c2']);
    assert.equal(r.body.verification.find((v: { cluster: string }) => v.cluster === 'c2').equivalent, true);
    const p10 = (await f.call('GET', `${POLICIES}/${uid(10)}-allow`, { user: 'admin' })).body;
    const d10 = (await f.call('GET', `${POLICIES}/${uid(10)}-drop`, { user: 'admin' })).body;
    assert.ok(p10.sequence_number >= 5000 && p10.sequence_number < 9000);
    assert.ok(d10.sequence_number >= 9000);
    assert.deepEqual((await f.call('GET', '/api/v1/fabric/container-clusters/c2/pending-removals', { user: 'adapter2' })).body.results.map((x: { uid: string }) => x.uid), [uid(10)]);
  });

  it('the adapter deletes an imported policy: the removal is done, the count drops, and verification still uses the policy as it was', async () => {
    const nsBefore = (await f.call('GET', '/api/v1/fabric/container-clusters/c1/namespaces', { user: 'admin' })).body.results;
    assert.equal(nsBefore.find((n: { name: string }) => n.name === 'a').network_policy_count, 3);
    const del = await f.call('PATCH', '/api/v1/fabric/container-clusters/c1/inventory', {
      user: 'adapter1', body: { deletes: [{ kind: 'NetworkPolicy', namespace: 'a', name: 'api-from-web' }, { kind: 'NetworkPolicy', namespace: 'a', name: 'db-from-api' }] },
    });
    assert.equal(del.status, 200);
    assert.equal(del.body.deleted, 2);
    const nsAfter = (await f.call('GET', '/api/v1/fabric/container-clusters/c1/namespaces', { user: 'admin' })).body.results;
    assert.equal(nsAfter.find((n: { name: string }) => n.name === 'a').network_policy_count, 1);
    assert.deepEqual((await f.call('GET', '/api/v1/fabric/container-clusters/c1/pending-removals', { user: 'adapter1' })).body.results.map((x: { uid: string }) => x.uid), [uid(11)]);
    // verification after the removal: the same SCTP-only differences as right after the CONTINUE import
    const r = await f.call('POST', IMPORT, { user: 'admin', body: { network_policy_ids: [uid(2)] } });
    const v = r.body.verification[0];
    assert.equal(v.equivalent, false);
    assert.ok(v.counterexamples.every((c: { protocol: string }) => c.protocol === 'SCTP'));
  });
});
});
