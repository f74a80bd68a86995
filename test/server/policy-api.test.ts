import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { convertCluster } from '../../src/convert/convert-cluster.ts';
import { hierarchicalBody } from '../../src/convert/nsx-api-body.ts';
import { loadClusterFromPaths } from '../../src/k8s/load-cluster.ts';
import { startFixture, type Fixture, BACKENDS } from './server-fixture.ts';

const GROUPS = '/policy/api/v1/infra/domains/default/groups';
const POLICIES = '/policy/api/v1/infra/domains/default/security-policies';

function group(n: number): Record<string, unknown> {
  return {
    resource_type: 'Group', display_name: `g${n}`, group_type: ['ANTREA'],
    expression: [{ resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: `app|a${n}` }],
  };
}

for (const backend of BACKENDS) describe(backend, () => {
describe('policy API: groups, security policies, rules', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
  });
  after(() => f.close());

  it('creates with _revision 0, refuses a stale _revision with 412 and overwrites nothing', async () => {
    const created = await f.call('PUT', `${GROUPS}/web`, { user: 'admin', body: group(1) });
    assert.equal(created.status, 200);
    assert.equal(created.body._revision, 0);
    assert.equal(created.body.path, '/infra/domains/default/groups/web');
    assert.equal(created.body._create_user, 'admin');
    // two clients read revision 0; the first update wins, the second is refused
    const first = await f.call('PUT', `${GROUPS}/web`, { user: 'secadmin', body: { ...created.body, display_name: 'first' } });
    assert.equal(first.status, 200);
    assert.equal(first.body._revision, 1);
    assert.equal(first.body._last_modified_user, 'secadmin');
    const second = await f.call('PUT', `${GROUPS}/web`, { user: 'admin', body: { ...created.body, display_name: 'second' } });
    assert.equal(second.status, 412);
    assert.equal(second.body.httpStatus, 'PRECONDITION_FAILED');
    assert.equal(second.body.error_code, 10030);
    assert.match(second.body.error_message, /_revision 0 is stale, the current one is 1/);
    const patchStale = await f.call('PATCH', `${GROUPS}/web`, { user: 'admin', body: { display_name: 'third', _revision: 0 } });
    assert.equal(patchStale.status, 412);
    const now = await f.call('GET', `${GROUPS}/web`, { user: 'auditor' });
    assert.equal(now.body.display_name, 'first');
    assert.equal(now.body._revision, 1);
    // PUT on an existing object without _revision is refused too; PATCH without it merges
    assert.equal((await f.call('PUT', `${GROUPS}/web`, { user: 'admin', body: group(1) })).status, 412);
    const patched = await f.call('PATCH', `${GROUPS}/web`, { user: 'admin', body: { description: 'merged' } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body._revision, 2);
    assert.equal(patched.body.display_name, 'first');
    assert.equal(patched.body.description, 'merged');
  });

  it('keeps rules with their own revisions; a rule must name existing groups; a referenced group cannot be deleted', async () => {
    const body = {
      display_name: 'p', category: 'Application', sequence_number: 10, scope: ['/infra/domains/default/groups/web'],
      rules: [
        { id: 'r1', action: 'ALLOW', direction: 'IN', sequence_number: 1, source_groups: ['/infra/domains/default/groups/web'], destination_groups: ['ANY'], services: ['ANY'] },
        { id: 'r2', action: 'DROP', direction: 'IN_OUT', sequence_number: 2 },
      ],
    };
    const p = await f.call('PUT', `${POLICIES}/p1`, { user: 'admin', body });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.deepEqual(p.body.rules.map((r: { id: string; _revision: number; path: string }) => [r.id, r._revision, r.path]), [
      ['r1', 0, '/infra/domains/default/security-policies/p1/rules/r1'], ['r2', 0, '/infra/domains/default/security-policies/p1/rules/r2'],
    ]);
    const r1 = (await f.call('GET', `${POLICIES}/p1/rules/r1`, { user: 'admin' })).body;
    assert.equal((await f.call('PUT', `${POLICIES}/p1/rules/r1`, { user: 'admin', body: { ...r1, action: 'DROP' } })).body._revision, 1);
    const stale = await f.call('PUT', `${POLICIES}/p1/rules/r1`, { user: 'admin', body: { ...r1, action: 'REJECT' } });
    assert.equal(stale.status, 412);
    assert.equal((await f.call('GET', `${POLICIES}/p1/rules/r1`, { user: 'admin' })).body.action, 'DROP');
    const bad = await f.call('PATCH', `${POLICIES}/p1/rules/r3`, { user: 'admin', body: { source_groups: ['/infra/domains/default/groups/nope'] } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error_message, /groups\/nope does not exist/);
    const inUse = await f.call('DELETE', `${GROUPS}/web`, { user: 'admin' });
    assert.equal(inUse.status, 400);
    assert.match(inUse.body.error_message, /referenced by/);
    assert.equal((await f.call('DELETE', `${POLICIES}/p1/rules/r1`, { user: 'admin' })).status, 200);
    assert.equal((await f.call('GET', `${POLICIES}/p1/rules/r1`, { user: 'admin' })).status, 404);
    assert.equal((await f.call('DELETE', `${POLICIES}/p1`, { user: 'admin' })).status, 200);
    assert.equal((await f.call('GET', `${POLICIES}/p1/rules/r2`, { user: 'admin' })).status, 404);
    assert.equal((await f.call('DELETE', `${GROUPS}/web`, { user: 'admin' })).status, 200);
    assert.equal((await f.call('GET', `${GROUPS}/web`, { user: 'admin' })).status, 404);
  });

  it('pages with cursor and page_size; result_count counts every match', async () => {
    for (let i = 0; i < 25; i++) {
      const r = await f.call('PATCH', `${GROUPS}/page-${String(i).padStart(2, '0')}`, { user: 'admin', body: group(i) });
      assert.equal(r.status, 200);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await f.call('GET', `${GROUPS}?page_size=10${cursor ? `&cursor=${cursor}` : ''}`, { user: 'secop' });
      assert.equal(r.status, 200);
      assert.equal(r.body.result_count, 25);
      assert.ok(r.body.results.length <= 10);
      seen.push(...r.body.results.map((g: { id: string }) => g.id));
      cursor = r.body.cursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `page-${String(i).padStart(2, '0')}`));
    for (const q of ['page_size=0', 'page_size=1001', 'page_size=ten', 'cursor=!!!']) {
      const r = await f.call('GET', `${GROUPS}?${q}`, { user: 'admin' });
      assert.equal(r.status, 400, q);
      assert.equal(r.body.httpStatus, 'BAD_REQUEST');
    }
  });

  it('takes the hierarchical PATCH /policy/api/v1/infra body that np2dfw convert -o json prints, in one transaction', async () => {
    const cluster = loadClusterFromPaths(['examples/seed-003'], { cluster: 'seed' });
    const conversion = convertCluster(cluster, { onError: 'continue' });
    assert.ok(conversion.config.policies.length > 0);
    const body = hierarchicalBody(conversion.config);
    const r = await f.call('PATCH', '/policy/api/v1/infra', { user: 'secadmin', body });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    for (const p of conversion.config.policies) {
      const got = (await f.call('GET', `${POLICIES}/${p.id}`, { user: 'admin' })).body;
      assert.equal(got.display_name, p.display_name);
      assert.equal(got.sequence_number, p.sequence_number);
      assert.deepEqual(got.rules.map((x: { id: string }) => x.id), p.rules.map((x) => x.id));
    }
    for (const g of conversion.config.groups) {
      assert.deepEqual((await f.call('GET', `${GROUPS}/${g.id}`, { user: 'admin' })).body.expression, g.expression);
    }
    // a body with one bad object writes nothing, not even the objects before it
    const countsBefore = await f.server.context.policies.counts();
    const broken = structuredClone(body) as any;
    broken.children[0].Domain.children.push({ resource_type: 'ChildSecurityPolicy', SecurityPolicy: { id: 'bad', category: 'NoSuchCategory' } });
    broken.children[0].Domain.children.push({ resource_type: 'ChildGroup', Group: { id: 'new-group-in-broken-body' } });
    const rb = await f.call('PATCH', '/policy/api/v1/infra', { user: 'admin', body: broken });
    assert.equal(rb.status, 400);
    assert.deepEqual(await f.server.context.policies.counts(), countsBefore);
    assert.equal((await f.call('GET', `${GROUPS}/new-group-in-broken-body`, { user: 'admin' })).status, 404);
    assert.equal((await f.call('GET', `${POLICIES}/${conversion.config.policies[0].id}`, { user: 'admin' })).body._revision, 0);
  });

  it('hierarchical PATCH: ChildRule children, and marked_for_delete removes policies before groups', async () => {
    const domain = (children: unknown[]) => ({ resource_type: 'Infra', children: [{ resource_type: 'ChildDomain', Domain: { resource_type: 'Domain', id: 'default', children } }] });
    const add = await f.call('PATCH', '/policy/api/v1/infra', {
      user: 'admin',
      body: domain([
        { resource_type: 'ChildGroup', Group: { id: 'h-g', display_name: 'h' } },
        { resource_type: 'ChildSecurityPolicy', SecurityPolicy: { id: 'h-p', scope: ['/infra/domains/default/groups/h-g'],
          children: [{ resource_type: 'ChildRule', Rule: { id: 'h-r', action: 'DROP', source_groups: ['/infra/domains/default/groups/h-g'] } }] } },
      ]),
    });
    assert.equal(add.status, 200, JSON.stringify(add.body));
    assert.deepEqual((await f.call('GET', `${POLICIES}/h-p`, { user: 'admin' })).body.rules.map((r: { id: string }) => r.id), ['h-r']);
    const del = await f.call('PATCH', '/policy/api/v1/infra', {
      user: 'admin',
      body: domain([
        { resource_type: 'ChildGroup', marked_for_delete: true, Group: { id: 'h-g' } },
        { resource_type: 'ChildSecurityPolicy', marked_for_delete: true, SecurityPolicy: { id: 'h-p' } },
      ]),
    });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal((await f.call('GET', `${POLICIES}/h-p`, { user: 'admin' })).status, 404);
    assert.equal((await f.call('GET', `${GROUPS}/h-g`, { user: 'admin' })).status, 404);
  });

  it('tracks realization per cluster: pending on change, then what the adapter reports, only for its own cluster', async () => {
    const scope = ['/infra/sites/default/enforcement-points/default/cluster-control-planes/c1'];
    await f.call('PUT', '/api/v1/fabric/container-clusters/c1', { user: 'adapter1' });
    const p = await f.call('PUT', `${POLICIES}/real`, { user: 'admin', body: { scope, rules: [{ id: 'r', action: 'DROP' }] } });
    assert.equal(p.status, 200);
    const status = (q: string) => f.call('GET', `/policy/api/v1/infra/realized-state/status?intent_path=/infra/domains/default/security-policies/real${q}`, { user: 'auditor' });
    let s = (await status('')).body;
    assert.equal(s.consolidated_status.consolidated_status, 'IN_PROGRESS');
    assert.deepEqual(s.clusters.map((c: { cluster: string; state: string }) => [c.cluster, c.state]), [['c1', 'pending']]);
    const other = await f.call('POST', '/api/v1/fabric/container-clusters/c1/realization', { user: 'adapter2', body: { statuses: [{ policy_id: 'real', state: 'REALIZED' }] } });
    assert.equal(other.status, 403);
    const stale = await f.call('POST', '/api/v1/fabric/container-clusters/c1/realization', { user: 'adapter1', body: { statuses: [{ policy_id: 'real', revision: 7, state: 'REALIZED' }] } });
    assert.equal(stale.status, 400);
    const ok = await f.call('POST', '/api/v1/fabric/container-clusters/c1/realization', { user: 'adapter1', body: { statuses: [{ policy_id: 'real', revision: 0, state: 'REALIZED' }] } });
    assert.equal(ok.status, 200);
    s = (await status('')).body;
    assert.equal(s.consolidated_status.consolidated_status, 'SUCCESS');
    assert.equal(s.clusters[0].state, 'realized');
    assert.ok(s.clusters[0].updated_at > 0);
    await f.call('POST', '/api/v1/fabric/container-clusters/c1/realization', { user: 'adapter1', body: { statuses: [{ policy_id: 'real', state: 'ERROR', message: 'CRD rejected' }] } });
    s = (await status('')).body;
    assert.equal(s.consolidated_status.consolidated_status, 'ERROR');
    assert.equal(s.clusters[0].message, 'CRD rejected');
    // a change makes it pending again
    await f.call('PATCH', `${POLICIES}/real`, { user: 'admin', body: { description: 'changed' } });
    assert.equal((await status('')).body.clusters[0].state, 'pending');
  });

  it('publishes an OpenAPI document listing every operation', async () => {
    const r = await fetch(`${f.url}/openapi.json`);
    assert.equal(r.status, 200);
    const doc = await r.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/policy/api/v1/infra/import-k8s-np-to-dfw'].post);
    assert.ok(doc.paths['/policy/api/v1/infra/domains/default/groups/{id}'].put);
    assert.ok(doc.paths['/policy/api/v1/infra/domains/default/security-policies/{id}/rules/{ruleId}'].patch);
    assert.ok(doc.paths['/policy/api/v1/infra'].patch);
  });
});
});
