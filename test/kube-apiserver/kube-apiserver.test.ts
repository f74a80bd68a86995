// The local API server, driven through the official client (@kubernetes/client-node) over HTTP with the
// kubeconfig it writes: what a real kube-apiserver answers, it must answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CoreV1Api, CoordinationV1Api, KubeConfig, KubernetesObjectApi, NetworkingV1Api, PatchStrategy, Watch, type KubernetesObject,
} from '@kubernetes/client-node';
import { startKubeApiServer, type KubeApiServer } from './kube-apiserver.ts';

type Json = Record<string, unknown>;

function kubeConfigOf(server: KubeApiServer): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  return kc;
}

function statusCode(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

function body(e: unknown): Json {
  const b = (e as { body?: unknown }).body;
  return typeof b === 'string' ? JSON.parse(b) as Json : (b as Json);
}

async function raw(server: KubeApiServer, method: string, path: string, payload?: unknown, contentType = 'application/json'): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': contentType },
    body: payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  return { status: res.status, body: await res.json() as Json, headers: res.headers };
}

function pod(name: string, labels: Record<string, string>, namespace = 'default'): Json {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
}

describe('local kube-apiserver: get, list, selectors, paging', () => {
  let server: KubeApiServer;
  let core: CoreV1Api;
  before(async () => {
    server = await startKubeApiServer();
    core = kubeConfigOf(server).makeApiClient(CoreV1Api);
    for (let i = 0; i < 7; i++) server.objects.put(pod(`p${i}`, { app: i % 2 ? 'web' : 'db', tier: `t${i % 3}` }));
  });
  after(() => server.close());

  it('refuses a request without the token', async () => {
    const res = await fetch(`${server.url}/api/v1/namespaces`);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as Json).reason, 'Unauthorized');
  });

  it('gets an object and answers 404 in the Status shape for a missing one', async () => {
    const p = await core.readNamespacedPod({ name: 'p1', namespace: 'default' });
    assert.equal(p.metadata?.labels?.app, 'web');
    assert.match(p.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    await assert.rejects(core.readNamespacedPod({ name: 'nope', namespace: 'default' }), (e: unknown) => {
      assert.equal(statusCode(e), 404);
      assert.equal(body(e).reason, 'NotFound');
      assert.equal(body(e).message, 'pods "nope" not found');
      return true;
    });
  });

  it('lists with label selectors (=, !=, in, notin, exists, !)', async () => {
    const names = async (labelSelector: string): Promise<string[]> =>
      (await core.listNamespacedPod({ namespace: 'default', labelSelector })).items.map((p) => p.metadata!.name!).sort();
    assert.deepEqual(await names('app=web'), ['p1', 'p3', 'p5']);
    assert.deepEqual(await names('app!=web'), ['p0', 'p2', 'p4', 'p6']);
    assert.deepEqual(await names('tier in (t0,t2),app=db'), ['p0', 'p2', 'p6']);
    assert.deepEqual(await names('tier notin (t0)'), ['p1', 'p2', 'p4', 'p5']);
    assert.deepEqual(await names('!app'), []);
    assert.deepEqual(await names('app'), ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    await assert.rejects(core.listNamespacedPod({ namespace: 'default', labelSelector: 'a in b' }), (e: unknown) => statusCode(e) === 400);
  });

  it('pages with limit and continue over a consistent snapshot, and expires a token after compaction', async () => {
    const first = await core.listNamespacedPod({ namespace: 'default', limit: 3 });
    assert.deepEqual(first.items.map((p) => p.metadata!.name), ['p0', 'p1', 'p2']);
    assert.equal(first.metadata?.remainingItemCount, 4);
    assert.ok(first.metadata?._continue);
    server.objects.put(pod('p10', { app: 'web' })); // created after the first page: not in this list
    const second = await core.listNamespacedPod({ namespace: 'default', limit: 3, _continue: first.metadata!._continue });
    assert.deepEqual(second.items.map((p) => p.metadata!.name), ['p3', 'p4', 'p5']);
    assert.equal(second.metadata?.resourceVersion, first.metadata?.resourceVersion);
    const third = await core.listNamespacedPod({ namespace: 'default', limit: 3, _continue: second.metadata!._continue });
    assert.deepEqual(third.items.map((p) => p.metadata!.name), ['p6']);
    assert.equal(third.metadata?._continue, undefined);
    const again = await core.listNamespacedPod({ namespace: 'default', limit: 2 });
    server.objects.delete('v1', 'Pod', 'p10', 'default');
    server.compact(); // the list's revision is gone now
    await assert.rejects(core.listNamespacedPod({ namespace: 'default', limit: 2, _continue: again.metadata!._continue }), (e: unknown) => {
      assert.equal(statusCode(e), 410);
      assert.equal(body(e).reason, 'Expired');
      return true;
    });
  });

  it('lists across namespaces and with field selectors, and serves discovery', async () => {
    server.objects.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    server.objects.put(pod('q', { app: 'web' }, 'other'));
    const all = await core.listPodForAllNamespaces({ labelSelector: 'app=web' });
    assert.deepEqual(all.items.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`).sort(), ['default/p1', 'default/p3', 'default/p5', 'other/q']);
    const one = await core.listPodForAllNamespaces({ fieldSelector: 'metadata.namespace=other' });
    assert.deepEqual(one.items.map((p) => p.metadata!.name), ['q']);
    const d = await raw(server, 'GET', '/apis/networking.k8s.io/v1');
    assert.ok((d.body.resources as Json[]).some((r) => r.name === 'networkpolicies' && r.namespaced === true && r.kind === 'NetworkPolicy'));
  });
});

describe('local kube-apiserver: writes', () => {
  let server: KubeApiServer;
  let kc: KubeConfig;
  before(async () => {
    server = await startKubeApiServer();
    kc = kubeConfigOf(server);
  });
  after(() => server.close());

  it('creates (409 AlreadyExists), updates (409 Conflict on a stale resourceVersion), merge-patches and deletes', async () => {
    const net = kc.makeApiClient(NetworkingV1Api);
    const np = { metadata: { name: 'deny', namespace: 'default', labels: { a: 'b' } }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
    const created = await net.createNamespacedNetworkPolicy({ namespace: 'default', body: np });
    assert.equal(created.metadata?.generation, 1);
    await assert.rejects(net.createNamespacedNetworkPolicy({ namespace: 'default', body: np }), (e: unknown) => statusCode(e) === 409 && body(e).reason === 'AlreadyExists');
    const updated = await net.replaceNamespacedNetworkPolicy({ name: 'deny', namespace: 'default', body: { ...created, spec: { podSelector: { matchLabels: { x: 'y' } }, policyTypes: ['Ingress'] } } });
    assert.equal(updated.metadata?.generation, 2);
    assert.notEqual(updated.metadata?.resourceVersion, created.metadata?.resourceVersion);
    await assert.rejects(net.replaceNamespacedNetworkPolicy({ name: 'deny', namespace: 'default', body: created }), (e: unknown) => statusCode(e) === 409 && body(e).reason === 'Conflict');
    const obj = kc.makeApiClient(KubernetesObjectApi);
    const patched = await obj.patch({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'default', labels: { a: null as unknown as string, c: 'd' } } }, undefined, undefined, 'tester', undefined, PatchStrategy.MergePatch);
    assert.deepEqual(patched.metadata?.labels, { c: 'd' });
    await net.deleteNamespacedNetworkPolicy({ name: 'deny', namespace: 'default' });
    await assert.rejects(net.readNamespacedNetworkPolicy({ name: 'deny', namespace: 'default' }), (e: unknown) => statusCode(e) === 404);
    await assert.rejects(net.createNamespacedNetworkPolicy({ namespace: 'missing', body: { ...np, metadata: { name: 'x', namespace: 'missing' } } }), (e: unknown) => statusCode(e) === 404);
  });

  it('Leases: create, then only the holder of the current resourceVersion may take it', async () => {
    const coord = kc.makeApiClient(CoordinationV1Api);
    const lease = await coord.createNamespacedLease({ namespace: 'kube-system', body: { metadata: { name: 'l' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } } });
    const taken = await coord.replaceNamespacedLease({ name: 'l', namespace: 'kube-system', body: { ...lease, spec: { ...lease.spec, holderIdentity: 'b' } } });
    assert.equal(taken.spec?.holderIdentity, 'b');
    await assert.rejects(coord.replaceNamespacedLease({ name: 'l', namespace: 'kube-system', body: { ...lease, spec: { ...lease.spec, holderIdentity: 'c' } } }), (e: unknown) => statusCode(e) === 409);
  });
});

describe('local kube-apiserver: server-side apply', () => {
  let server: KubeApiServer;
  let obj: KubernetesObjectApi;
  before(async () => {
    server = await startKubeApiServer({ antreaCrds: 'current' });
    obj = kubeConfigOf(server).makeApiClient(KubernetesObjectApi);
  });
  after(() => server.close());

  const tier = (priority: number, extra: Json = {}): KubernetesObject & Json => ({ apiVersion: 'crd.antrea.io/v1beta1', kind: 'Tier', metadata: { name: 't1', labels: { m: 'x' } }, spec: { priority, description: 'd', ...extra } });

  it('creates with apply, records the manager, is a no-op when nothing changes', async () => {
    const a = await obj.patch(tier(100), undefined, undefined, 'np2dfw', true, PatchStrategy.ServerSideApply) as Json;
    const meta = a.metadata as Json;
    const mf = meta.managedFields as Json[];
    assert.equal(mf.length, 1);
    assert.equal(mf[0].manager, 'np2dfw');
    assert.equal(mf[0].operation, 'Apply');
    assert.deepEqual(mf[0].fieldsV1, { 'f:metadata': { 'f:labels': { 'f:m': {} } }, 'f:spec': { 'f:priority': {}, 'f:description': {} } });
    const b = await obj.patch(tier(100), undefined, undefined, 'np2dfw', true, PatchStrategy.ServerSideApply) as Json;
    assert.equal((b.metadata as Json).resourceVersion, meta.resourceVersion);
  });

  it('conflicts with another manager that owns a field it changes, unless forced; removes fields it stopped applying', async () => {
    await obj.patch({ apiVersion: 'crd.antrea.io/v1beta1', kind: 'Tier', metadata: { name: 't1' }, spec: { priority: 200 } } as KubernetesObject, undefined, undefined, 'kubectl-edit', undefined, PatchStrategy.MergePatch);
    await assert.rejects(obj.patch(tier(100), undefined, undefined, 'np2dfw', false, PatchStrategy.ServerSideApply), (e: unknown) => {
      assert.equal(statusCode(e), 409);
      assert.match(String(body(e).message), /conflict with "kubectl-edit": \.spec\.priority/);
      return true;
    });
    const forced = await obj.patch(tier(100), undefined, undefined, 'np2dfw', true, PatchStrategy.ServerSideApply) as Json;
    assert.equal((forced.spec as Json).priority, 100);
    const mf = (forced.metadata as Json).managedFields as Json[];
    assert.deepEqual(mf.map((m) => m.manager), ['np2dfw']);
    const shrunk = await obj.patch({ apiVersion: 'crd.antrea.io/v1beta1', kind: 'Tier', metadata: { name: 't1' }, spec: { priority: 100 } } as KubernetesObject, undefined, undefined, 'np2dfw', true, PatchStrategy.ServerSideApply) as Json;
    assert.deepEqual(shrunk.spec, { priority: 100 });
    assert.equal((shrunk.metadata as Json).labels, undefined);
  });

  it('prunes fields the schema does not declare, warns, and refuses them with fieldValidation=Strict', async () => {
    const t = { apiVersion: 'crd.antrea.io/v1beta1', kind: 'Tier', metadata: { name: 't2' }, spec: { priority: 10, bogus: 1 } };
    const warn = await raw(server, 'PATCH', '/apis/crd.antrea.io/v1beta1/tiers/t2?fieldManager=x', t, 'application/apply-patch+yaml');
    assert.equal(warn.status, 201);
    assert.deepEqual(warn.body.spec, { priority: 10 });
    assert.match(warn.headers.get('warning') ?? '', /unknown field \\?"spec.bogus\\?"/);
    const strict = await raw(server, 'PATCH', '/apis/crd.antrea.io/v1beta1/tiers/t2?fieldManager=x&fieldValidation=Strict', t, 'application/apply-patch+yaml');
    assert.equal(strict.status, 400);
    assert.match(String(strict.body.message), /strict decoding error: unknown field "spec.bogus"/);
    const invalid = await raw(server, 'PATCH', '/apis/crd.antrea.io/v1beta1/tiers/t2?fieldManager=x', { ...t, spec: { priority: 'high' } }, 'application/apply-patch+yaml');
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.reason, 'Invalid');
    const notServed = await raw(server, 'GET', '/apis/crd.antrea.io/v1alpha1/tiers');
    assert.equal(notServed.status, 404);
  });

  it('a v2.1.0 server prunes ipBlock except; the current one keeps it', async () => {
    const acnp = (name: string): Json => ({
      apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name },
      spec: { priority: 5, tier: 'application', appliedTo: [{ podSelector: {} }], ingress: [{ action: 'Allow', from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }] },
    });
    const now = await raw(server, 'PATCH', '/apis/crd.antrea.io/v1beta1/clusternetworkpolicies/a?fieldManager=x&fieldValidation=Strict', acnp('a'), 'application/apply-patch+yaml');
    assert.equal(now.status, 201);
    assert.deepEqual(((now.body.spec as Json).ingress as Json[])[0].from, [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }]);
    const old = await startKubeApiServer({ antreaCrds: 'v2.1.0' });
    try {
      const r = await raw(old, 'PATCH', '/apis/crd.antrea.io/v1beta1/clusternetworkpolicies/a?fieldManager=x', acnp('a'), 'application/apply-patch+yaml');
      assert.equal(r.status, 201);
      assert.deepEqual(((r.body.spec as Json).ingress as Json[])[0].from, [{ ipBlock: { cidr: '10.0.0.0/8' } }]);
    } finally {
      await old.close();
    }
  });
});

describe('local kube-apiserver: watch', () => {
  let server: KubeApiServer;
  let kc: KubeConfig;
  before(async () => {
    server = await startKubeApiServer({ bookmarkIntervalMs: 50 });
    kc = kubeConfigOf(server);
  });
  after(() => server.close());

  function collect(path: string, query: Record<string, string | boolean>): Promise<{ events: { type: string; obj: Json }[]; end: Promise<unknown>; stop: () => void }> {
    const events: { type: string; obj: Json }[] = [];
    let finish: (v: unknown) => void = () => {};
    const end = new Promise((r) => { finish = r; });
    return new Watch(kc).watch(path, query, (type, obj) => events.push({ type, obj: obj as Json }), (err) => finish(err ?? 'closed'))
      .then((ctl) => ({ events, end, stop: () => ctl.abort() }));
  }

  async function until(cond: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(cond());
  }

  it('replays from a resourceVersion, follows label-selector transitions, sends bookmarks', async () => {
    const start = server.resourceVersion();
    server.objects.put(pod('w1', { app: 'web' }));
    const w = await collect('/api/v1/namespaces/default/pods', { resourceVersion: start, labelSelector: 'app=web', allowWatchBookmarks: true });
    await until(() => w.events.some((e) => e.type === 'ADDED'));
    server.objects.put(pod('w1', { app: 'db' })); // leaves the selection: DELETED for this watch
    server.objects.put(pod('w1', { app: 'web' })); // comes back: ADDED
    await until(() => w.events.filter((e) => e.type !== 'BOOKMARK').length >= 3);
    assert.deepEqual(w.events.filter((e) => e.type !== 'BOOKMARK').map((e) => e.type), ['ADDED', 'DELETED', 'ADDED']);
    await until(() => w.events.some((e) => e.type === 'BOOKMARK'));
    const bm = w.events.find((e) => e.type === 'BOOKMARK')!;
    assert.equal((bm.obj.metadata as Json).resourceVersion, server.resourceVersion());
    w.stop();
  });

  it('answers a watch from a compacted resourceVersion with 410 Gone and ends it', async () => {
    const old = server.resourceVersion();
    server.objects.put(pod('w2', { app: 'x' }));
    server.compact();
    const w = await collect('/api/v1/namespaces/default/pods', { resourceVersion: old });
    await w.end;
    assert.equal(w.events.length, 1);
    assert.equal(w.events[0].type, 'ERROR');
    assert.equal(w.events[0].obj.code, 410);
  });

  it('ends open watches when told to (a restart), and the client sees the end', async () => {
    const w = await collect('/api/v1/pods', { resourceVersion: server.resourceVersion() });
    await until(() => server.openWatches() > 0);
    server.closeWatches();
    assert.equal(await w.end, 'closed');
  });
});
