import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAntreaTarget, buildNsxAntreaTarget } from '../../../src/targets/antrea.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { verifyEngines } from '../../../src/evaluate/verify/verify-engines.ts';
import { clusterFromYaml } from '../../realize/antrea/test-clusters.ts';

const cluster = clusterFromYaml(`
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, labels: {app: api}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
status: {podIP: 10.1.0.1, phase: Running}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c}]}
status: {podIP: 10.1.0.2, phase: Running}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c}]}
status: {podIP: 10.1.0.3, phase: Running}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-deny, namespace: shop, uid: 00000000-0000-0000-0000-00000000000a}
spec: {podSelector: {matchLabels: {app: api}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: shop, uid: 00000000-0000-0000-0000-00000000000b}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: http}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-deny, namespace: shop, uid: 00000000-0000-0000-0000-00000000000c}
spec: {podSelector: {matchLabels: {app: db}}}
`);
const reference = createKubernetesEngine(cluster);

describe('mixed states: realized ClusterNetworkPolicies plus the NetworkPolicies left in the cluster', () => {
  it('stay equivalent when the policies left select other pods', () => {
    const t = buildAntreaTarget(cluster, { onError: 'abort', only: ['00000000-0000-0000-0000-00000000000c'] });
    assert.ok(verifyEngines(cluster, reference, t.engine).equivalent);
  });

  it('differ when a realized drop comes before a NetworkPolicy left behind that allows the same pod', () => {
    // on_error continue: api-from-web (named port) is refused by NSX and stays a NetworkPolicy; api-deny's drop
    // ACNP sits in a tier ahead of every NetworkPolicy, so web -> api on http is now dropped.
    const t = buildNsxAntreaTarget(cluster, { onError: 'continue' });
    assert.deepEqual(t.refusals.map((r) => r.name), ['api-from-web']);
    const r = verifyEngines(cluster, reference, t.engine);
    assert.equal(r.equivalent, false);
    assert.deepEqual(r.counterexamples.map((c) => [c.src, c.dst, c.port, c.reference.allowed, c.other.allowed]), [['shop/web', 'shop/api', 8080, true, false]]);
    assert.match(r.counterexamples[0].other.ingress.by, /ClusterNetworkPolicy .*-drop .*Drop \(from NetworkPolicy shop\/api-deny\)/);
    // Realizing the whole namespace with the direct target keeps it equivalent.
    assert.ok(verifyEngines(cluster, reference, buildAntreaTarget(cluster, { onError: 'abort' }).engine).equivalent);
  });
});
