import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAntreaEngine } from '../../../src/evaluate/antrea/antrea-engine.ts';
import { buildAntreaTarget, buildNsxAntreaTarget } from '../../../src/targets/antrea.ts';
import { convertCluster } from '../../../src/convert/convert-cluster.ts';
import { realizeClusterDirect } from '../../../src/realize/antrea/realize-cluster.ts';
import { realizeDfwConfig } from '../../../src/realize/antrea/realize-dfw.ts';
import { validateAntreaObjects } from '../../../src/realize/antrea/validate/validate-objects.ts';
import { endpointsOf } from '../../../src/evaluate/endpoints.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { TARGETS } from '../../../src/targets/registry.ts';
import { verifyEngines } from '../../../src/evaluate/verify/verify-engines.ts';
import { clusterFromYaml, exampleClusters, generatedClusters } from '../../realize/antrea/test-clusters.ts';

const NS = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {role: db}}
spec: {containers: [{name: c, ports: [{name: sql, containerPort: 5432}]}]}
status: {podIP: 10.244.1.10, phase: Running}
---
apiVersion: v1
kind: Pod
metadata: {name: cache, namespace: shop, labels: {role: db}}
spec: {containers: [{name: c, ports: [{name: sql, containerPort: 6432}]}]}
status: {podIP: 10.244.1.11, phase: Running}
---
apiVersion: v1
kind: Pod
metadata: {name: frontend, namespace: shop, labels: {role: frontend}}
spec: {containers: [{name: c}]}
status: {podIP: 10.244.2.20, phase: Running}
---
apiVersion: v1
kind: Pod
metadata: {name: batch, namespace: shop, labels: {role: batch}}
spec: {containers: [{name: c}]}
status: {podIP: 10.244.3.30, phase: Running}
`;

describe('antrea and nsx-antrea verify equivalent to Kubernetes', () => {
  it('on every example (nsx-antrea where NSX can express the example)', () => {
    let nsxChecked = 0;
    for (const [name, cluster] of exampleClusters()) {
      const reference = createKubernetesEngine(cluster);
      const direct = buildAntreaTarget(cluster, { onError: 'abort' });
      assert.deepEqual(direct.refusals, [], name);
      const r = verifyEngines(cluster, reference, direct.engine);
      assert.ok(r.equivalent, `${name}: ${JSON.stringify(r.counterexamples[0])}`);
      const nsx = buildNsxAntreaTarget(cluster, { onError: 'abort' });
      if (nsx.refusals.length === 0) {
        nsxChecked++;
        assert.ok(verifyEngines(cluster, reference, nsx.engine).equivalent, `nsx-antrea ${name}`);
      }
    }
    assert.ok(nsxChecked >= 1);
  });

  it('on generated clusters; refusals only for named ports that hostNetwork pods declare', () => {
    let checked = 0;
    let nsxChecked = 0;
    for (const [name, cluster] of generatedClusters()) {
      const reference = createKubernetesEngine(cluster);
      const direct = buildAntreaTarget(cluster, { onError: 'abort' });
      for (const r of direct.refusals) assert.equal(r.code, 'NAMED_PORT_ON_HOST_NETWORK_POD', name);
      if (direct.refusals.length === 0) {
        checked++;
        const r = verifyEngines(cluster, reference, direct.engine);
        assert.ok(r.equivalent, `${name}: ${JSON.stringify(r.counterexamples[0])}`);
      }
      // With on_error continue, the policies realized plus those left behave as Kubernetes whenever nothing was refused.
      const nsx = buildNsxAntreaTarget(cluster, { onError: 'continue' });
      if (nsx.refusals.length === 0) {
        nsxChecked++;
        assert.ok(verifyEngines(cluster, reference, nsx.engine).equivalent, `nsx-antrea ${name}`);
      }
    }
    assert.ok(checked >= 20, `${checked} generated clusters verified`);
    assert.ok(nsxChecked >= 2, `${nsxChecked} generated clusters verified for nsx-antrea`);
  });

  it("also through the DFW model: the 'extended' conversion (np2dfw's model extensions) realized as the adapter does", () => {
    let checked = 0;
    for (const [name, cluster] of [...exampleClusters(), ...generatedClusters()]) {
      if (buildAntreaTarget(cluster, { onError: 'abort' }).refusals.length) continue;
      const { config, refusals } = convertCluster(cluster, { profile: 'extended', onError: 'abort' });
      assert.deepEqual(refusals, [], name);
      const objects = realizeDfwConfig(config);
      assert.deepEqual(validateAntreaObjects(objects), [], name);
      const r = verifyEngines(cluster, createKubernetesEngine(cluster), createAntreaEngine({ cluster, objects }));
      assert.ok(r.equivalent, `${name}: ${JSON.stringify(r.counterexamples[0])}`);
      checked++;
    }
    assert.ok(checked >= 20);
  });

  it('is registered for --target and --via', () => {
    assert.equal(TARGETS.get('antrea')?.build, buildAntreaTarget);
    assert.equal(TARGETS.get('nsx-antrea')?.build, buildNsxAntreaTarget);
  });
});

describe('the traps', () => {
  it('an except range re-allowed by a sibling peer of the same rule', () => {
    const cluster = clusterFromYaml(`${NS}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-in, namespace: shop}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress:
  - from:
    - ipBlock: {cidr: 10.244.0.0/16, except: [10.244.2.0/24]}
    - podSelector: {matchLabels: {role: frontend}}
`);
    const reference = createKubernetesEngine(cluster);
    const eps = endpointsOf(cluster, 4);
    const fe = eps.find((e) => e.id === 'shop/frontend')!;
    const db = eps.find((e) => e.id === 'shop/db')!;
    assert.equal(reference.decide({ src: fe, dst: db, protocol: 'TCP', port: 5432 }).allowed, true, 'the sibling podSelector re-allows the excepted address');
    for (const build of [buildAntreaTarget, buildNsxAntreaTarget]) {
      const t = build(cluster, { onError: 'abort' });
      assert.deepEqual(t.refusals, []);
      assert.equal(t.engine.decide({ src: fe, dst: db, protocol: 'TCP', port: 5432 }).allowed, true);
      assert.ok(verifyEngines(cluster, reference, t.engine).equivalent, t.engine.name);
    }
  });

  it('an except range re-allowed by another policy', () => {
    const cluster = clusterFromYaml(`${NS}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-in, namespace: shop}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{from: [{ipBlock: {cidr: 10.244.0.0/16, except: [10.244.3.0/24]}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-batch, namespace: shop}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{from: [{ipBlock: {cidr: 10.244.3.0/24}}], ports: [{port: 5432}]}]
`);
    const reference = createKubernetesEngine(cluster);
    const eps = endpointsOf(cluster, 4);
    const batch = eps.find((e) => e.id === 'shop/batch')!;
    const db = eps.find((e) => e.id === 'shop/db')!;
    assert.equal(reference.decide({ src: batch, dst: db, protocol: 'TCP', port: 5432 }).allowed, true);
    assert.equal(reference.decide({ src: batch, dst: db, protocol: 'TCP', port: 80 }).allowed, false);
    for (const build of [buildAntreaTarget, buildNsxAntreaTarget]) {
      const t = build(cluster, { onError: 'abort' });
      assert.deepEqual(t.refusals, []);
      assert.equal(t.engine.decide({ src: batch, dst: db, protocol: 'TCP', port: 5432 }).allowed, true, t.engine.name);
      assert.equal(t.engine.decide({ src: batch, dst: db, protocol: 'TCP', port: 80 }).allowed, false, t.engine.name);
      assert.ok(verifyEngines(cluster, reference, t.engine).equivalent, t.engine.name);
    }
  });

  it('a named port resolved per destination pod (antrea direct; nsx-antrea refuses it)', () => {
    const cluster = clusterFromYaml(`${NS}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-sql, namespace: shop}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}], ports: [{port: sql}]}]
`);
    const reference = createKubernetesEngine(cluster);
    const t = buildAntreaTarget(cluster, { onError: 'abort' });
    assert.deepEqual(t.refusals, []);
    const eps = endpointsOf(cluster, 4);
    const fe = eps.find((e) => e.id === 'shop/frontend')!;
    const at = (id: string, port: number) => t.engine.decide({ src: fe, dst: eps.find((e) => e.id === id)!, protocol: 'TCP', port }).allowed;
    assert.equal(at('shop/db', 5432), true);
    assert.equal(at('shop/db', 6432), false);
    assert.equal(at('shop/cache', 6432), true);
    assert.equal(at('shop/cache', 5432), false);
    assert.ok(verifyEngines(cluster, reference, t.engine).equivalent);
    const nsx = buildNsxAntreaTarget(cluster, { onError: 'abort' });
    assert.deepEqual(nsx.refusals.map((r) => [r.code, r.path]), [['NAMED_PORT_UNSUPPORTED', 'spec.ingress[0].ports[0].port']]);
  });

  it('a named egress port that a hostNetwork pod declares is refused, not silently mis-realized', () => {
    const cluster = clusterFromYaml(`${NS}
---
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: shop, labels: {role: agent}}
spec: {hostNetwork: true, containers: [{name: c, ports: [{name: sql, containerPort: 7432}]}]}
status: {podIP: 192.168.0.5, phase: Running}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: fe-out, namespace: shop}
spec:
  podSelector: {matchLabels: {role: frontend}}
  policyTypes: [Egress]
  egress: [{ports: [{port: sql}]}]
`);
    const t = buildAntreaTarget(cluster, { onError: 'abort' });
    assert.deepEqual(t.refusals.map((r) => [r.code, r.path]), [['NAMED_PORT_ON_HOST_NETWORK_POD', 'spec.egress[0].ports[0].port']]);
    assert.ok(verifyEngines(cluster, createKubernetesEngine(cluster), t.engine).equivalent, 'abort: nothing realized, the NetworkPolicy stays');
    // The refusal is needed: realized anyway, frontend -> agent on 7432 would be dropped where Kubernetes allows it.
    const forced = createAntreaEngine({ cluster, objects: realizeClusterDirect(cluster) });
    const r = verifyEngines(cluster, createKubernetesEngine(cluster), forced);
    assert.deepEqual(r.counterexamples.map((c) => [c.src, c.dst, c.port, c.reference.allowed]), [['shop/frontend', 'shop/agent', 7432, true]]);
    // A numeric port covering the number, or a rule whose peers cannot reach the hostNetwork pod, needs no refusal.
    const covered = clusterFromYaml(`${NS}
---
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: shop, labels: {role: agent}}
spec: {hostNetwork: true, containers: [{name: c, ports: [{name: sql, containerPort: 7432}]}]}
status: {podIP: 192.168.0.5, phase: Running}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: fe-out, namespace: shop}
spec:
  podSelector: {matchLabels: {role: frontend}}
  policyTypes: [Egress]
  egress:
  - ports: [{port: sql}, {port: 7000, endPort: 8000}]
  - to: [{podSelector: {}}]
    ports: [{port: sql}]
`);
    const ok = buildAntreaTarget(covered, { onError: 'abort' });
    assert.deepEqual(ok.refusals, []);
    assert.ok(verifyEngines(covered, createKubernetesEngine(covered), ok.engine).equivalent);
  });
});
