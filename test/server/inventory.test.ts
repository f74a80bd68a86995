import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { allowFrom, namespace, PASSWORD, pod, startFixture, uid, type Fixture, BACKENDS } from './server-fixture.ts';

const BASE = '/api/v1/fabric/container-clusters';

for (const backend of BACKENDS) describe(backend, () => {
describe('cluster inventory: snapshots, changes, counts, health', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
  });
  after(() => f.close());

  it('an adapter registers its cluster and reports a snapshot; a later snapshot replaces it', async () => {
    assert.equal((await f.call('PUT', `${BASE}/c1`, { user: 'adapter1' })).status, 200);
    assert.equal((await f.call('PUT', `${BASE}/c2`, { user: 'adapter1' })).status, 403);
    const objects = [
      namespace('a', { team: 'x' }), pod('a', 'p1', '10.0.0.1'), pod('a', 'p2', '10.0.0.2'),
      allowFrom('a', 'np1', uid(1), 'x', 'y', 80), allowFrom('a', 'np2', uid(2), 'x', 'y', 81), allowFrom('b', 'np3', uid(3), 'x', 'y', 82),
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'a' }, spec: { ports: [{ port: 80 }] } },
    ];
    const r = await f.call('PUT', `${BASE}/c1/inventory`, { user: 'adapter1', body: { objects } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.counts, { Namespace: 1, Pod: 2, NetworkPolicy: 3, Node: 1, Service: 1, Ingress: 0 });
    assert.equal(r.body.generation, 1);
    // the count per namespace is what kubectl get networkpolicies -n <ns> lists (b is implied by its policy)
    const ns = (await f.call('GET', `${BASE}/c1/namespaces`, { user: 'auditor' })).body.results;
    assert.deepEqual(ns.map((n: any) => [n.name, n.network_policy_count, n.pod_count, n.declared]), [['a', 2, 2, true], ['b', 1, 0, false]]);
    assert.equal(ns[0].labels['kubernetes.io/metadata.name'], 'a');
    const nps = (await f.call('GET', `${BASE}/c1/network-policies?namespace=a`, { user: 'secop' })).body;
    assert.equal(nps.result_count, 2);
    assert.deepEqual(nps.results.map((p: any) => p.uid), [uid(1), uid(2)]);
    // paging across namespaces: one policy per page, in cluster/namespace/name order
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await f.call('GET', `/api/v1/fabric/container-network-policies?page_size=1${cursor ? `&cursor=${cursor}` : ''}`, { user: 'secop' });
      assert.equal(r.body.result_count, 3);
      paged.push(...r.body.results.map((p: any) => `${p.namespace}/${p.name}`));
      cursor = r.body.cursor;
    } while (cursor);
    assert.deepEqual(paged, ['a/np1', 'a/np2', 'b/np3']);
    assert.equal((await f.call('GET', `${BASE}/c1/nodes`, { user: 'secop' })).body.results[0].name, 'node-1');
    assert.equal((await f.call('GET', `${BASE}/c1/services`, { user: 'secop' })).body.results[0].namespace, 'a');
    const again = await f.call('PUT', `${BASE}/c1/inventory`, { user: 'adapter1', body: { objects: [namespace('a'), allowFrom('a', 'np1', uid(1), 'x', 'y', 80)] } });
    assert.deepEqual(again.body.counts, { Namespace: 1, Pod: 0, NetworkPolicy: 1, Node: 0, Service: 0, Ingress: 0 });
    assert.equal(again.body.generation, 2);
  });

  it('incremental changes add, change and delete objects', async () => {
    const r = await f.call('PATCH', `${BASE}/c1/inventory`, {
      user: 'adapter1',
      body: { upserts: [pod('a', 'p3', '10.0.0.3'), allowFrom('a', 'np1', uid(1), 'x', 'z', 8080), allowFrom('a', 'np4', uid(4), 'x', 'y', 90)], deletes: [{ kind: 'Namespace', name: 'a' }, { kind: 'Pod', namespace: 'a', name: 'nope' }] },
    });
    assert.equal(r.status, 200);
    assert.deepEqual([r.body.upserted, r.body.deleted], [3, 1]);
    const nps = (await f.call('GET', `${BASE}/c1/network-policies`, { user: 'admin' })).body.results;
    assert.deepEqual(nps.map((p: any) => p.name), ['np1', 'np4']);
    assert.equal(nps[0].object.spec.ingress[0].ports[0].port, 8080);
    const ns = (await f.call('GET', `${BASE}/c1/namespaces`, { user: 'admin' })).body.results;
    assert.deepEqual(ns.map((n: any) => [n.name, n.network_policy_count, n.declared]), [['a', 2, false]]);
  });

  it('refuses invalid objects with every problem named, and keeps the previous inventory', async () => {
    const bad = await f.call('PATCH', `${BASE}/c1/inventory`, {
      user: 'adapter1',
      body: { upserts: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }, { apiVersion: 'v1', kind: 'Pod', metadata: {} }] },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.related_errors.length, 2);
    assert.match(bad.body.related_errors[0].error_message, /upserts\[0\]: kind "Secret" is not reported/);
    assert.match(bad.body.related_errors[1].error_message, /upserts\[1\]: Pod has no metadata.name/);
    assert.equal((await f.call('GET', `${BASE}/c1`, { user: 'admin' })).body.counts.NetworkPolicy, 2);
  });

  it('keeps and shows the adapter\'s health reports', async () => {
    for (const status of ['HEALTHY', 'DEGRADED']) {
      const r = await f.call('POST', `${BASE}/c1/health`, { user: 'adapter1', body: { status, components: [{ name: 'ccp-adapter', status }] } });
      assert.equal(r.status, 201);
    }
    assert.equal((await f.call('POST', `${BASE}/c1/health`, { user: 'adapter2', body: { status: 'DOWN' } })).status, 403);
    assert.equal((await f.call('POST', `${BASE}/c1/health`, { user: 'adapter1', body: { status: 'FINE' } })).status, 400);
    const c = (await f.call('GET', `${BASE}/c1`, { user: 'auditor' })).body;
    assert.equal(c.health.status, 'DEGRADED');
    const history = (await f.call('GET', `${BASE}/c1/health?page_size=1`, { user: 'auditor' })).body;
    assert.equal(history.result_count, 2);
    assert.equal(history.results[0].status, 'DEGRADED');
    const older = (await f.call('GET', `${BASE}/c1/health?page_size=1&cursor=${history.cursor}`, { user: 'auditor' })).body;
    assert.equal(older.results[0].status, 'HEALTHY');
    assert.equal(older.cursor, undefined);
  });

  /** Runs the CLI as a child process (asynchronously: the server answers from this process). */
  function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, ['src/cli/main.ts', ...args], { env, encoding: 'utf8' }, (err, stdout, stderr) => {
        resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  }

  it('np2dfw inventory push sends kubectl-style files as a cluster\'s inventory', async () => {
    const env = { ...process.env, NP2DFW_USER: 'admin', NP2DFW_PASSWORD: PASSWORD, NP2DFW_SERVER: f.url };
    const push = await cli(['inventory', 'push', '-f', 'examples/shop', '--cluster', 'shop'], env);
    assert.equal(push.status, 0, push.stderr);
    assert.match(push.stdout, /cluster shop: inventory replaced \(6 Namespace, 11 Pod, 15 NetworkPolicy/);
    const list = await cli(['inventory', 'namespaces', '--cluster', 'shop'], env);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /^api +6 +2$/m);
    const anon = await cli(['inventory', 'push', '-f', 'examples/shop', '--cluster', 'shop', '--server', f.url], { PATH: process.env.PATH });
    assert.equal(anon.status, 2);
    assert.match(anon.stderr, /no credentials/);
  });
});
});
