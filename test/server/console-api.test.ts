// The console's read-only API (/api/v1/console): tables against the NSX API, the heatmap against per-connection
// traces, group members against the pods' labels, the views following the database's changes, bad parameters.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readInventoryObjects } from '../../src/cli/commands/inventory.ts';
import { pushInventory, startFixture, type Fixture, BACKENDS } from './server-fixture.ts';

const IMPORT = '/policy/api/v1/infra/import-k8s-np-to-dfw';
const C = '/api/v1/console';

for (const backend of BACKENDS) describe(backend, () => {
describe('console API', () => {
  let f: Fixture;
  const get = async (path: string, user = 'auditor') => {
    const r = await f.call('GET', path, { user });
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  before(async () => {
    f = await startFixture({ backend });
    const root = new URL('../../', import.meta.url).pathname;
    await pushInventory(f, 'store', readInventoryObjects([`${root}examples/named-ports`]));
    await pushInventory(f, 'shop', readInventoryObjects([`${root}examples/shop`]));
  });
  after(() => f.close());

  it('the heatmap follows the database: no difference before an import, the cut-off connections after', async () => {
    const before = await get(`${C}/clusters/store/reachability?port=9113`);
    assert.equal(before.level, 'namespaces');
    assert.equal(before.totals.changed, 0);
    assert.equal(before.totals.before, before.totals.after);
    const ids = (await get('/api/v1/fabric/container-network-policies?cluster=store')).results.filter((p: any) => p.name === 'default-deny').map((p: any) => p.uid);
    const r = await f.call('POST', `${IMPORT}?on_error=CONTINUE`, { user: 'secadmin', body: { network_policy_ids: ids } });
    assert.equal(r.body.success_count, 1);
    const now = await get(`${C}/clusters/store/reachability?port=9113`);
    assert.ok(now.totals.changed > 0);
    assert.equal(now.totals.before, before.totals.before, 'the Kubernetes world is the one before any import');
  });

  it('each heatmap cell counts what the trace decides pair by pair, in both worlds', async () => {
    const map = await get(`${C}/clusters/store/reachability?port=9113`);
    for (const [i, src] of map.rows.entries()) {
      for (const [j, dst] of map.columns.entries()) {
        const pods = await get(`${C}/clusters/store/reachability?port=9113&source_namespace=${src.name}&destination_namespace=${dst.name}`);
        const counted = { pairs: 0, before: 0, after: 0, changed: 0 };
        for (const [a, s] of pods.rows.entries()) {
          for (const [b, d] of pods.columns.entries()) {
            const t = await get(`${C}/clusters/store/trace?source=${src.name}/${s.name}&destination=${dst.name}/${d.name}&port=9113`);
            assert.deepEqual(pods.cells[a][b], { before: t.kubernetes.allowed, after: t.dfw.allowed, changed: t.kubernetes.allowed !== t.dfw.allowed },
              `${src.name}/${s.name} -> ${dst.name}/${d.name}`);
            counted.pairs++;
            counted.before += t.kubernetes.allowed ? 1 : 0;
            counted.after += t.dfw.allowed ? 1 : 0;
            counted.changed += t.kubernetes.allowed !== t.dfw.allowed ? 1 : 0;
          }
        }
        assert.deepEqual(map.cells[i][j], counted, `${src.name} -> ${dst.name}`);
      }
    }
  });

  it('the policy table is the NSX list in evaluation order, filtered and windowed on the server', async () => {
    const ids = (await get('/api/v1/fabric/container-network-policies?cluster=shop')).results.map((p: any) => p.uid);
    assert.equal((await f.call('POST', `${IMPORT}?on_error=ABORT`, { user: 'secadmin', body: { network_policy_ids: ids } })).body.success_count, ids.length);
    const nsx = (await get('/policy/api/v1/infra/domains/default/security-policies')).results
      .sort((a: any, b: any) => a.sequence_number - b.sequence_number || (a.id < b.id ? -1 : 1));
    const whole = await get(`${C}/security-policies?limit=500`);
    assert.deepEqual(whole.results.map((p: any) => p.id), nsx.map((p: any) => p.id));
    const pages = [];
    for (let offset = 0; offset < whole.result_count; offset += 7) pages.push(...(await get(`${C}/security-policies?limit=7&offset=${offset}`)).results);
    assert.deepEqual(pages.map((p: any) => [p.position, p.id]), whole.results.map((p: any, i: number) => [i + 1, p.id]));
    const tagged = (scope: string, tag: string) => nsx.filter((p: any) => p.tags.some((t: any) => t.scope === scope && t.tag === tag)).map((p: any) => p.id);
    assert.deepEqual((await get(`${C}/security-policies?namespace=web&limit=500`)).results.map((p: any) => p.id), tagged('k8s-namespace', 'web'));
    assert.deepEqual((await get(`${C}/security-policies?tag=${encodeURIComponent('k8s-network-policy|default-deny')}&limit=500`)).results.map((p: any) => p.id), tagged('k8s-network-policy', 'default-deny'));
    assert.deepEqual((await get(`${C}/security-policies?cluster=store&limit=500`)).results.map((p: any) => p.id), tagged('k8s-cluster', 'store'));
    assert.deepEqual((await get(`${C}/security-policies?q=-drop&limit=500`)).results.map((p: any) => p.id), nsx.filter((p: any) => p.id.includes('-drop')).map((p: any) => p.id));
    // one policy: its rules as the NSX API has them, each with the Kubernetes rule it came from
    const allow = nsx.find((p: any) => p.id.endsWith('-allow'));
    const one = await get(`${C}/security-policies/${allow.id}`);
    const stored = await get(`/policy/api/v1/infra/domains/default/security-policies/${allow.id}`);
    assert.deepEqual(one.rules.map((r: any) => r.id), stored.rules.map((r: any) => r.id));
    for (const r of one.rules) {
      const m = /^(ingress|egress)-rule-(\d+)$/.exec(r.id)!;
      assert.deepEqual([r.origin.direction, r.origin.ruleIndex], [m[1] === 'ingress' ? 'Ingress' : 'Egress', Number(m[2])]);
      assert.equal(r.origin.policyName, allow.tags.find((t: any) => t.scope === 'k8s-network-policy').tag);
    }
  });

  it('a group\'s members are the live pods its criteria select', async () => {
    const groups = (await get(`${C}/groups?namespace=web&q=rule&limit=500`)).results.filter((g: any) => !JSON.stringify(g.expression).includes('IPAddressExpression'));
    assert.ok(groups.length > 0);
    for (const g of groups) {
      const m = await get(`${C}/groups/${g.id}/members`);
      assert.deepEqual(m.clusters, ['shop']);
      const pods = (await get('/api/v1/fabric/container-clusters/shop/pods')).results.map((p: any) => p.object);
      const nsLabels = Object.fromEntries((await get('/api/v1/fabric/container-clusters/shop/namespaces')).results.map((n: any) => [n.name, n.labels]));
      // the criteria of these peer groups: Namespace and Pod tag conditions joined by AND, inside NestedExpressions
      const holds = (c: any, pod: any) => {
        if (c.key === 'Name') return pod.metadata.namespace === c.value;
        const [k, v] = c.value.split('|');
        const labels = c.member_type === 'Namespace' ? nsLabels[pod.metadata.namespace] : pod.metadata.labels ?? {};
        return labels[k] === v;
      };
      const chain = (list: any[], pod: any): boolean => list.filter((e) => e.resource_type !== 'ConjunctionOperator').every((e) => (e.resource_type === 'NestedExpression' ? chain(e.expressions, pod) : holds(e, pod)));
      const expected = pods.filter((p: any) => p.status?.phase === 'Running' && !p.spec.hostNetwork && chain(g.expression, p))
        .map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
      assert.deepEqual(m.results.map((x: any) => `${x.namespace}/${x.name}`).sort(), expected, g.display_name);
    }
  });

  it('refuses bad parameters with NSX error bodies, and unknown clusters and objects with 404', async () => {
    const cases: [string, number, RegExp][] = [
      [`${C}/security-policies?limit=0`, 400, /limit: must be an integer from 1 to 500/],
      [`${C}/security-policies?offset=-1`, 400, /offset/],
      [`${C}/clusters/store/reachability`, 400, /port: give the destination port/],
      [`${C}/clusters/store/reachability?port=70000`, 400, /port: must be an integer from 1 to 65535/],
      [`${C}/clusters/store/reachability?port=80&protocol=ICMP`, 400, /protocol: use TCP, UDP or SCTP/],
      [`${C}/clusters/store/reachability?port=80&source_namespace=ops`, 400, /give both, or neither/],
      [`${C}/clusters/store/trace?source=ops/nope&destination=store/web-0&port=80`, 400, /source ops\/nope: no such pod/],
      [`${C}/clusters/nowhere/trace?source=a/b&destination=c/d&port=80`, 404, /cluster nowhere is not registered/],
      [`${C}/groups/nothing/members`, 404, /group nothing does not exist/],
      [`${C}/security-policies/nothing`, 404, /security policy nothing does not exist/],
    ];
    for (const [path, status, message] of cases) {
      const r = await f.call('GET', path, { user: 'auditor' });
      assert.equal(r.status, status, path);
      assert.match(r.body.error_message, message, path);
      assert.equal(typeof r.body.error_code, 'number');
    }
    assert.equal((await f.call('GET', `${C}/security-policies`)).status, 401);
    assert.equal((await f.call('GET', `${C}/security-policies`, { user: 'adapter1' })).status, 403);
  });

  it('serves the console\'s files without credentials, with a Content-Security-Policy and ETags', async () => {
    const page = await fetch(`${f.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await page.text(), /<script type="module" src="\/console\/js\/app.js">/);
    const js = await fetch(`${f.url}/console/js/app.js`);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    const again = await fetch(`${f.url}/console/js/app.js`, { headers: { 'if-none-match': js.headers.get('etag')! } });
    assert.equal(again.status, 304);
    for (const bad of ['/console/../server/app.ts', '/console/js/nothing.js', '/console/%2e%2e/cli/main.ts']) {
      assert.equal((await fetch(`${f.url}${bad}`)).status, 404, bad);
    }
  });
});
});
