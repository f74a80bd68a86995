import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAntreaEngine } from '../../../src/evaluate/antrea/antrea-engine.ts';
import type { Endpoint } from '../../../src/evaluate/endpoint.ts';
import { endpointsOf } from '../../../src/evaluate/endpoints.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import type { Cluster } from '../../../src/k8s/cluster.ts';
import type { Protocol } from '../../../src/k8s/protocol.ts';
import type { AntreaObjects, AntreaRule, ClusterGroup, ClusterNetworkPolicy, Tier } from '../../../src/realize/antrea/antrea-objects.ts';
import { clusterFromYaml } from '../../realize/antrea/test-clusters.ts';

const V = 'crd.antrea.io/v1beta1' as const;
const meta = (name: string) => ({ name, labels: {}, annotations: {} });
const cg = (name: string, spec: ClusterGroup['spec']): ClusterGroup => ({ apiVersion: V, kind: 'ClusterGroup', metadata: meta(name), spec });
const acnp = (name: string, tier: string, priority: number, ingress: AntreaRule[] = [], egress: AntreaRule[] = []): ClusterNetworkPolicy =>
  ({ apiVersion: V, kind: 'ClusterNetworkPolicy', metadata: meta(name), spec: { tier, priority, ingress, egress } });
const tier = (name: string, priority: number): Tier => ({ apiVersion: V, kind: 'Tier', metadata: meta(name), spec: { priority } });
const objs = (parts: Partial<AntreaObjects>): AntreaObjects => ({ tiers: [], clusterGroups: [], policies: [], ...parts });

const cluster = clusterFromYaml(`
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {team: blue}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: v1
kind: Pod
metadata: {name: x, namespace: a, labels: {app: x}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
status: {podIP: 10.0.0.1, phase: Running}
---
apiVersion: v1
kind: Pod
metadata: {name: z, namespace: a, labels: {app: z}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 9090}]}]}
status: {podIP: 10.0.1.1, phase: Running}
---
apiVersion: v1
kind: Pod
metadata: {name: x, namespace: b, labels: {app: x}}
spec: {containers: [{name: c}]}
status: {podIP: 10.0.2.1, phase: Running}
`);
const eps = endpointsOf(cluster, 4, ['192.0.2.1']);
const ep = (id: string): Endpoint => eps.find((e) => e.id === id)!;
const allowed = (engine: ReturnType<typeof createAntreaEngine>, src: string, dst: string, port = 80, protocol: Protocol = 'TCP') =>
  engine.decide({ src: ep(src), dst: ep(dst), protocol, port }).allowed;
const toX = [{ group: 'ax' }];
const groups = [cg('ax', { podSelector: { matchLabels: { app: 'x' } }, namespaceSelector: { matchLabels: { team: 'blue' } } }), cg('any-x', { podSelector: { matchLabels: { app: 'x' } } })];

/** The matrix must agree with one-connection decisions everywhere. */
function assertMatrixMatchesDecide(engine: ReturnType<typeof createAntreaEngine>, c: Cluster = cluster, endpoints: Endpoint[] = eps) {
  void c;
  for (const [protocol, port] of [['TCP', 80], ['TCP', 8080], ['TCP', 9090], ['UDP', 53]] as const) {
    const m = engine.matrix(endpoints, { protocol, port });
    for (let i = 0; i < endpoints.length; i++) for (let j = 0; j < endpoints.length; j++) {
      assert.equal(m.get(i, j), engine.decide({ src: endpoints[i], dst: endpoints[j], protocol, port }).allowed, `${endpoints[i].id} -> ${endpoints[j].id} ${port}/${protocol}`);
    }
  }
}

describe('Antrea evaluator', () => {
  it('allows by default and never blocks a pod talking to itself', () => {
    const e = createAntreaEngine({ cluster, objects: objs({ clusterGroups: groups, policies: [acnp('deny-all', 'application', 1, [{ name: 'd', action: 'Drop', appliedTo: [{ namespaceSelector: {} }] }])] }) });
    assert.equal(allowed(e, 'b/x', 'a/z'), false);
    assert.equal(allowed(e, 'a/x', 'a/x'), true);
    const none = createAntreaEngine({ cluster, objects: objs({}) });
    assert.equal(allowed(none, 'a/x', 'a/z'), true);
    assertMatrixMatchesDecide(e);
  });

  it('orders tiers by priority: a Drop in an earlier tier beats an Allow in a later one, whatever the policy priority', () => {
    const drop = acnp('drop', 'emergency', 100, [{ name: 'd', action: 'Drop', appliedTo: toX }]);
    const allow = acnp('allow', 'custom', 1, [{ name: 'a', action: 'Allow', appliedTo: toX }]);
    const e1 = createAntreaEngine({ cluster, objects: objs({ tiers: [tier('custom', 60)], clusterGroups: groups, policies: [allow, drop] }) });
    assert.equal(allowed(e1, 'a/z', 'a/x'), false);
    const e2 = createAntreaEngine({ cluster, objects: objs({ tiers: [tier('custom', 10)], clusterGroups: groups, policies: [drop, allow] }) });
    assert.equal(allowed(e2, 'a/z', 'a/x'), true);
    assert.match(e2.decide({ src: ep('a/z'), dst: ep('a/x'), protocol: 'TCP', port: 80 }).ingress.by, /ClusterNetworkPolicy allow \(tier custom/);
  });

  it('orders policies of a tier by priority, and rules of a policy in order (first match)', () => {
    const p1 = acnp('p1', 'application', 2, [{ name: 'a', action: 'Allow', appliedTo: toX, ports: [{ protocol: 'TCP', port: 80 }] }]);
    const p2 = acnp('p2', 'application', 1.5, [
      { name: 'd', action: 'Drop', appliedTo: toX, from: [{ podSelector: { matchLabels: { app: 'z' } } }] },
      { name: 'a', action: 'Allow', appliedTo: toX },
    ]);
    const e = createAntreaEngine({ cluster, objects: objs({ clusterGroups: groups, policies: [p1, p2] }) });
    assert.equal(allowed(e, 'a/z', 'a/x'), false, 'p2 (priority 1.5) comes first and its first rule drops a/z');
    assert.equal(allowed(e, 'b/x', 'a/x', 443), true, "p2's second rule allows the rest");
    assertMatrixMatchesDecide(e);
  });

  it('selects pods of every namespace with a podSelector alone, unlike a NetworkPolicy', () => {
    const e = createAntreaEngine({ cluster, objects: objs({ clusterGroups: groups, policies: [acnp('p', 'application', 1, [{ name: 'd', action: 'Drop', appliedTo: [{ group: 'any-x' }] }])] }) });
    assert.equal(allowed(e, 'a/z', 'a/x'), false);
    assert.equal(allowed(e, 'a/z', 'b/x'), false, 'b/x is selected too');
    assert.equal(allowed(e, 'a/x', 'a/z'), true);
  });

  it('matches ipBlocks with except, pod addresses included, and unites childGroups', () => {
    const g = [
      cg('block', { ipBlocks: [{ cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] }] }),
      cg('ext', { ipBlocks: [{ cidr: '192.0.2.0/24' }] }),
      cg('parent', { childGroups: ['block', 'ext'] }),
      ...groups,
    ];
    const p = acnp('p', 'application', 1, [{ name: 'a', action: 'Allow', appliedTo: toX, from: [{ group: 'parent' }] }, { name: 'd', action: 'Drop', appliedTo: toX }]);
    const e = createAntreaEngine({ cluster, objects: objs({ clusterGroups: g, policies: [p] }) });
    assert.equal(allowed(e, 'b/x', 'a/x'), true, '10.0.2.1 is in the block');
    assert.equal(allowed(e, 'a/z', 'a/x'), false, '10.0.1.1 is excepted');
    assert.equal(allowed(e, '192.0.2.1', 'a/x'), true, 'the other child');
    assertMatrixMatchesDecide(e);
  });

  it('hands Pass to the Kubernetes NetworkPolicies, which come before the baseline tier', () => {
    const np = clusterFromYaml(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-y, namespace: a}
spec:
  podSelector: {matchLabels: {app: x}}
  ingress: [{from: [{podSelector: {matchLabels: {app: z}}}]}]
`);
    const kubernetes = createKubernetesEngine(cluster, { policies: np.policies });
    const pass = acnp('pass', 'application', 1, [{ name: 'p', action: 'Pass', appliedTo: toX }, { name: 'a', action: 'Allow', appliedTo: toX }]);
    const baseline = acnp('base', 'baseline', 1, [{ name: 'd', action: 'Drop', appliedTo: [{ namespaceSelector: {} }] }]);
    const e = createAntreaEngine({ cluster, objects: objs({ clusterGroups: groups, policies: [pass, baseline] }), kubernetes });
    assert.equal(allowed(e, 'a/z', 'a/x'), true, 'the NetworkPolicy allows a/z');
    assert.equal(allowed(e, 'b/x', 'a/x'), false, 'Pass skips the Allow after it; the NetworkPolicy isolates a/x');
    assert.match(e.decide({ src: ep('b/x'), dst: ep('a/x'), protocol: 'TCP', port: 80 }).ingress.notes.join(' '), /passed to the Kubernetes NetworkPolicies/);
    assert.equal(allowed(e, 'a/x', 'a/z'), false, 'a/z is not isolated by any NetworkPolicy: baseline drops');
    const noBaseline = createAntreaEngine({ cluster, objects: objs({ clusterGroups: groups, policies: [pass] }), kubernetes });
    assert.equal(allowed(noBaseline, 'a/x', 'a/z'), true);
    assertMatrixMatchesDecide(e);
  });

  it('evaluates egress at the source and ingress at the destination, both must allow', () => {
    const p = acnp('p', 'application', 1, [], [{ name: 'e', action: 'Drop', appliedTo: toX, to: [{ ipBlock: { cidr: '192.0.2.0/24' } }] }]);
    const e = createAntreaEngine({ cluster, objects: objs({ clusterGroups: groups, policies: [p] }) });
    assert.equal(allowed(e, 'a/x', '192.0.2.1'), false);
    assert.equal(allowed(e, '192.0.2.1', 'a/x'), true);
    assert.equal(allowed(e, 'b/x', '192.0.2.1'), true, 'b/x is not in ax');
    assertMatrixMatchesDecide(e);
  });

  it('resolves a named port at each destination pod', () => {
    const p = acnp('p', 'application', 1, [], [
      { name: 'e', action: 'Allow', appliedTo: [{ group: 'any-x' }], ports: [{ protocol: 'TCP', port: 'http' }] },
      { name: 'd', action: 'Drop', appliedTo: [{ group: 'any-x' }] },
    ]);
    const e = createAntreaEngine({ cluster, objects: objs({ clusterGroups: groups, policies: [p] }) });
    assert.equal(allowed(e, 'b/x', 'a/x', 8080), true);
    assert.equal(allowed(e, 'b/x', 'a/x', 9090), false);
    assert.equal(allowed(e, 'b/x', 'a/z', 9090), true);
    assert.equal(allowed(e, 'b/x', 'a/z', 8080), false);
    assert.equal(allowed(e, 'b/x', '192.0.2.1', 8080), false, 'an outside address has no named port');
    assertMatrixMatchesDecide(e);
  });

  it('refuses objects it cannot evaluate: a missing tier or group', () => {
    assert.throws(() => createAntreaEngine({ cluster, objects: objs({ policies: [acnp('p', 'nope', 1)] }) }), /tier nope does not exist/);
    assert.throws(() => createAntreaEngine({ cluster, objects: objs({ policies: [acnp('p', 'application', 1, [{ name: 'a', action: 'Allow', appliedTo: [{ group: 'missing' }] }])] }) }), /ClusterGroup missing/);
  });
});
