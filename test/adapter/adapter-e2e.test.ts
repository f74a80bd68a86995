// np2dfw adapter end to end: the local Kubernetes API server (with a loop playing the Antrea controller, see
// harness.ts) and a real np2dfw serve; the adapter is the code that runs against a real cluster.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningAdapter } from '../../src/adapter/adapter.ts';
import { ANTREA, ANTREA_LIST_KINDS, CORE_LIST_KINDS, kubectlGetYaml, startHarness, until, verifySnapshotWithCli, type Harness } from './harness.ts';
import { allows, loadRbac } from './rbac.ts';

type Json = Record<string, any>;
const FABRIC = '/api/v1/fabric/container-clusters/c1';
const POLICIES = '/policy/api/v1/infra/domains/default/security-policies';

describe('np2dfw adapter against a local API server and np2dfw serve', () => {
  let h: Harness;
  let adapter: RunningAdapter;
  /** The cluster before anything is imported, as `kubectl get namespaces,pods,networkpolicies -A -o yaml` prints it. */
  let original: string;
  const get = async (path: string): Promise<Json> => (await h.manager.call('GET', path, { user: 'admin' })).body;
  const names = async (path: string): Promise<string[]> => ((await get(path)).results ?? []).map((o: Json) => `${o.namespace ? `${o.namespace}/` : ''}${o.name}`).sort();
  const acnps = (): Json[] => h.kube.objects.list(ANTREA, 'ClusterNetworkPolicy');
  const managed = (kind: string): Json[] => h.kube.objects.list(ANTREA, kind).filter((o) => o.metadata.labels?.['np2dfw.io/adapter-cluster'] === 'c1');

  before(async () => {
    h = await startHarness();
    original = await kubectlGetYaml(h.kube, CORE_LIST_KINDS);
    adapter = await h.startAdapter();
  });
  after(() => h.close());

  it('reports the inventory, then follows every change', async () => {
    await until('pods in the manager', async () => (await names(`${FABRIC}/pods`)).length === 4);
    assert.deepEqual(await names(`${FABRIC}/pods`), ['ops/probe', 'shop/api', 'shop/db', 'shop/web']);
    assert.deepEqual(await names(`${FABRIC}/network-policies`), ['ops/deny-all', 'shop/api-from-web', 'shop/db-from-api']);
    assert.deepEqual(await names(`${FABRIC}/nodes`), ['node-1']);
    assert.deepEqual(await names(`${FABRIC}/services`), ['shop/api']);
    assert.deepEqual(await names(`${FABRIC}/ingresses`), ['shop/web']);
    h.kube.objects.put({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'shop', name: 'cache', labels: { app: 'cache' } }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running', podIP: '10.0.0.13', podIPs: [{ ip: '10.0.0.13' }] } });
    await until('new pod reported', async () => (await names(`${FABRIC}/pods`)).includes('shop/cache'));
    h.kube.objects.delete('v1', 'Pod', 'cache', 'shop');
    await until('deleted pod reported', async () => !(await names(`${FABRIC}/pods`)).includes('shop/cache'));
    const cluster = await get(FABRIC);
    assert.ok(typeof cluster.last_report_at === 'number', 'the manager says how fresh the inventory is');
  });

  it('an import makes Tiers, ClusterGroups and ClusterNetworkPolicies appear, then the NetworkPolicies go; realization is reported', async () => {
    const nps = h.kube.objects.list('networking.k8s.io/v1', 'NetworkPolicy').filter((o) => o.metadata.namespace === 'shop');
    const ids = nps.map((o) => o.metadata.uid);
    const r = await h.manager.call('POST', '/policy/api/v1/infra/import-k8s-np-to-dfw?on_error=ABORT', { user: 'secadmin', body: { network_policy_ids: ids } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.success_count, 2);
    await until('imported NetworkPolicies removed', () => h.kube.objects.list('networking.k8s.io/v1', 'NetworkPolicy', 'shop').length === 0, 20_000);
    // Order of the adapter's writes: tiers, then groups, then policies, then the NetworkPolicies' deletion.
    const writes = h.kube.requests.filter((q) => q.user === 'admin' && ['patch', 'create', 'update', 'delete'].includes(q.verb) && q.resource !== 'leases');
    const first = (res: string): number => writes.findIndex((q) => q.resource === res);
    const last = (res: string): number => writes.map((q) => q.resource).lastIndexOf(res);
    assert.ok(first('tiers') >= 0 && first('clustergroups') >= 0 && first('clusternetworkpolicies') >= 0 && first('networkpolicies') >= 0, JSON.stringify(writes.map((w) => `${w.verb} ${w.resource}`)));
    assert.ok(last('tiers') < first('clustergroups'), 'tiers before groups');
    assert.ok(last('clustergroups') < first('clusternetworkpolicies'), 'groups before policies');
    assert.ok(last('clusternetworkpolicies') < first('networkpolicies'), 'the NetworkPolicies go after their replacements');
    assert.ok(writes.filter((q) => q.resource === 'networkpolicies').every((q) => q.verb === 'delete'));
    assert.equal(acnps().length, 4);
    for (const o of acnps()) {
      assert.equal(o.metadata.managedFields.find((m: Json) => m.operation === 'Apply').manager, 'np2dfw-adapter');
      assert.match(o.spec.tier, /^nsx-category-/);
    }
    assert.ok(managed('Tier').length >= 1);
    assert.ok(managed('ClusterGroup').length >= 2);
    await until('realized in the manager', async () => {
      const states = (await get(`${FABRIC}/realization`)).results as Json[];
      return states.length === 4 && states.every((s) => s.state === 'realized');
    });
    // The NetworkPolicy not imported stays; the manager's removal queue is empty.
    assert.deepEqual(h.kube.objects.list('networking.k8s.io/v1', 'NetworkPolicy').map((o) => o.metadata.name), ['deny-all']);
    await until('removals done', async () => (await get(`${FABRIC}/pending-removals`)).results.length === 0);
    // The objects in the cluster now, read back as `kubectl get networkpolicies,tiers,clustergroups,
    // clusternetworkpolicies -A -o yaml` prints them, verify equivalent to the original NetworkPolicies (with the one
    // not imported) with the real CLI.
    const snapshot = await kubectlGetYaml(h.kube, [CORE_LIST_KINDS[2], ...ANTREA_LIST_KINDS]);
    const cli = verifySnapshotWithCli(original, snapshot);
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /equivalent/);
    assert.doesNotMatch(cli.stdout, /not equivalent/);
  });

  it('reverts an edited ClusterNetworkPolicy, brings a deleted one back, and never touches unmanaged objects', async () => {
    const target = acnps().find((o) => o.metadata.name.endsWith('-allow'))!;
    const wanted = JSON.stringify(target.spec);
    const unmanaged = h.kube.objects.put({ apiVersion: ANTREA, kind: 'ClusterNetworkPolicy', metadata: { name: 'hand-made' }, spec: { priority: 1, tier: 'application', appliedTo: [{ podSelector: {} }], ingress: [{ action: 'Allow' }] } });
    h.kube.objects.put({ ...target, spec: { ...target.spec, priority: 99, egress: [{ action: 'Allow' }] } }, 'kubectl-edit');
    await until('edit reverted', () => JSON.stringify(h.kube.objects.get(ANTREA, 'ClusterNetworkPolicy', target.metadata.name)?.spec) === wanted);
    h.kube.objects.delete(ANTREA, 'ClusterNetworkPolicy', target.metadata.name);
    await until('deleted policy back', () => h.kube.objects.get(ANTREA, 'ClusterNetworkPolicy', target.metadata.name) !== undefined);
    assert.equal(JSON.stringify(h.kube.objects.get(ANTREA, 'ClusterNetworkPolicy', target.metadata.name)!.spec), wanted);
    const hand = h.kube.objects.get(ANTREA, 'ClusterNetworkPolicy', 'hand-made')!;
    assert.deepEqual(hand.spec, unmanaged.spec);
    assert.ok(!hand.metadata.managedFields.some((m: Json) => m.manager === 'np2dfw-adapter'));
    assert.ok(!h.kube.requests.some((q) => q.name === 'hand-made' && q.verb !== 'get' && q.verb !== 'list'));
  });

  it('policies deleted in the manager disappear from the cluster, with the groups only they used', async () => {
    const drop = acnps().find((o) => o.metadata.name.endsWith('-drop') && o.metadata.annotations?.['np2dfw.io/nsx-path'])!;
    const base = drop.metadata.name.replace(/-drop$/, '');
    const groupsBefore = managed('ClusterGroup').map((g) => g.metadata.name);
    assert.ok(groupsBefore.some((g) => g.startsWith(base)));
    for (const suffix of ['-drop', '-allow']) {
      const r = await h.manager.call('DELETE', `${POLICIES}/${base}${suffix}`, { user: 'secadmin' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    await until('policies gone from the cluster', () => !acnps().some((o) => o.metadata.name.startsWith(base)));
    await until('their groups gone', () => !managed('ClusterGroup').some((g) => g.metadata.name.startsWith(base)));
    assert.ok(managed('ClusterGroup').length > 0, 'the other policies\' groups stay');
    assert.ok(h.kube.objects.get(ANTREA, 'ClusterNetworkPolicy', 'hand-made'), 'unmanaged object kept');
  });

  it('recovers a watch that gets 410 Gone: relists, and the inventory still follows', async () => {
    const before = adapter.metrics.text();
    h.kube.compact();
    h.kube.closeWatches();
    await until('relisted after 410', () => /np2dfw_adapter_watch_restarts_total\{resource="Pod",reason="gone"\}/.test(adapter.metrics.text()) || /reason="gone"/.test(adapter.metrics.text()) && adapter.metrics.text() !== before);
    h.kube.objects.put({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'ops', name: 'late', labels: { app: 'late' } }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running', podIP: '10.0.1.11', podIPs: [{ ip: '10.0.1.11' }] } });
    await until('pod after 410 reported', async () => (await names(`${FABRIC}/pods`)).includes('ops/late'));
  });

  it('reports health (its own and Antrea\'s), statistics in NSX\'s shape, and a traceflow beside the model', async () => {
    await until('health reported', async () => (await get(FABRIC)).health?.status === 'HEALTHY');
    const health = (await get(FABRIC)).health;
    const comps = health.report.components as Json[];
    assert.ok(comps.some((c) => c.name === 'np2dfw-adapter' && c.status === 'HEALTHY'));
    assert.ok(comps.some((c) => c.name === 'antrea-controller' && /v2\.1\.0, 1 connected agents/.test(c.message)));
    assert.ok(comps.some((c) => c.name === 'antrea-agent/node-1' && c.status === 'HEALTHY'));
    // Playing the Antrea controller's stats API: per-rule counters of an allow policy.
    const allow = acnps().find((o) => o.metadata.name.endsWith('-allow') && o.spec.ingress)!;
    const policyId = allow.metadata.annotations['np2dfw.io/nsx-path'].split('/').pop();
    const ruleName = allow.spec.ingress[0].name as string;
    h.kube.objects.put({
      apiVersion: 'stats.crd.antrea.io/v1alpha1', kind: 'AntreaClusterNetworkPolicyStats', metadata: { name: allow.metadata.name },
      trafficStats: { packets: 10, bytes: 1000, sessions: 2 }, ruleTrafficStats: [{ name: ruleName, trafficStats: { packets: 10, bytes: 1000, sessions: 2 } }],
    });
    await until('statistics served', async () => (await get(`${POLICIES}/${policyId}/statistics`)).result_count === 1);
    const stats = await get(`${POLICIES}/${policyId}/statistics`);
    assert.equal(stats.results[0].enforcement_point_path, '/infra/sites/default/enforcement-points/default/cluster-control-planes/c1');
    assert.deepEqual(stats.results[0].statistics.results.map((x: Json) => [x.internal_rule_id, x.packet_count, x.byte_count, x.session_count]), [[ruleName, 10, 1000, 2]]);

    // A traceflow: web -> api on 8080 is allowed by the model; playing Antrea, the trace says Dropped: a finding.
    const t = await h.manager.call('POST', `${FABRIC}/traceflows`, { user: 'secop', body: { source: { namespace: 'shop', pod: 'web' }, destination: { namespace: 'shop', pod: 'api' }, protocol: 'TCP', port: 8080 } });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    let traceflowName = '';
    await until('Traceflow created in the cluster', () => {
      const tf = h.kube.objects.list(ANTREA, 'Traceflow')[0];
      if (!tf) return false;
      traceflowName = tf.metadata.name;
      assert.deepEqual(tf.spec.source, { namespace: 'shop', pod: 'web' });
      assert.deepEqual(tf.spec.destination, { namespace: 'shop', pod: 'api' });
      h.kube.objects.put({ ...tf, status: { phase: 'Succeeded', results: [{ node: 'node-1', observations: [{ component: 'SpoofGuard', action: 'Forwarded' }, { component: 'NetworkPolicy', componentInfo: 'IngressRule', action: 'Dropped', networkPolicy: 'AntreaClusterNetworkPolicy:x' }] }] } });
      return true;
    });
    await until('traceflow result', async () => (await get(`${FABRIC}/traceflows/${t.body.id}`)).state === 'DONE');
    const done = await get(`${FABRIC}/traceflows/${t.body.id}`);
    assert.equal(done.result.verdict, 'dropped');
    assert.equal(done.model.verdict, 'delivered');
    assert.equal(done.agree, false);
    assert.match(done.finding, /live trace says dropped/);
    await until('Traceflow cleaned up', () => h.kube.objects.get(ANTREA, 'Traceflow', traceflowName) === undefined);
  });

  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    assert.equal((await fetch(`${adapter.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${adapter.url}/readyz`)).status, 200);
    const m = await (await fetch(`${adapter.url}/metrics`)).text();
    for (const name of ['np2dfw_adapter_watch_restarts_total', 'np2dfw_adapter_reconcile_duration_seconds_count', 'np2dfw_adapter_queue_depth', 'np2dfw_adapter_objects_realized', 'np2dfw_adapter_leader 1']) {
      assert.ok(m.includes(name), `${name} in\n${m}`);
    }
  });

  it('made only API calls that deploy/adapter/rbac.yaml allows (least privilege, checked call by call)', () => {
    const rbac = loadRbac(new URL('../../deploy/adapter/rbac.yaml', import.meta.url));
    const calls = h.kube.requests.filter((q) => q.user === 'admin');
    assert.ok(calls.length > 50);
    const denied = calls.filter((q) => !allows(rbac, q)).map((q) => `${q.verb} ${q.group}/${q.resource}${q.subresource ? `/${q.subresource}` : ''} ${q.namespace ?? ''}/${q.name ?? ''}`);
    assert.deepEqual([...new Set(denied)], []);
    // and the rules are not wider than needed: every rule's verbs were used
    const used = new Set(calls.map((q) => `${q.group}|${q.resource}|${q.verb}`));
    for (const r of rbac.cluster) for (const g of r.apiGroups) for (const res of r.resources) for (const v of r.verbs) {
      // update: only when someone adds fields the adapter does not set; tiers go only when a DFW category empties
      if (g === 'crd.antrea.io' && ((res !== 'traceflows' && v === 'update') || (res === 'tiers' && v === 'delete'))) continue;
      assert.ok(used.has(`${g}|${res}|${v}`), `rule ${v} ${g}/${res} was never needed`);
    }
  });
});
