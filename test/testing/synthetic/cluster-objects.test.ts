// Synthetic clusters written as Kubernetes objects read back through the real loader (validation and
// defaulting included) give the same cluster and the same reachability.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpointsOf } from '../../../src/evaluate/endpoints.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import type { Cluster } from '../../../src/k8s/cluster.ts';
import { loadClusterFromTexts } from '../../../src/k8s/load-cluster.ts';
import { clusterList } from '../../../testing/synthetic/cluster-objects.ts';
import { generateCluster } from '../../../testing/synthetic/generate-cluster.ts';

const reload = (c: Cluster): Cluster => loadClusterFromTexts([{ name: 'synthetic.json', text: JSON.stringify(clusterList(c)) }], { cluster: c.name });
// JSON drops the keys the loader leaves undefined, and the source positions.
const withoutSource = <T extends object>(xs: readonly T[]): Record<string, unknown>[] => JSON.parse(JSON.stringify(xs.map((x) => ({ ...x, source: undefined }))));

describe('clusterObjects', () => {
  it('round-trips random clusters through the loader', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const c = generateCluster('random', { seed });
      const r = reload(c);
      assert.deepEqual([...r.namespaces.keys()], [...c.namespaces.keys()]);
      assert.deepEqual(withoutSource(r.policies), withoutSource(c.policies), `policies, seed ${seed}`);
      assert.deepEqual(withoutSource(r.pods).map((p) => ({ ...p, uid: undefined })), withoutSource(c.pods).map((p) => ({ ...p, uid: undefined })), `pods, seed ${seed}`);
      const q = { protocol: 'TCP' as const, port: 80 };
      const a = createKubernetesEngine(c).matrix(endpointsOf(c, 4), q);
      const b = createKubernetesEngine(r).matrix(endpointsOf(r, 4), q);
      assert.deepEqual(a.differences(b, 3), []);
    }
  });

  it('writes the Antrea shapes as the objects of its test', () => {
    const c = generateCluster('small-namespaces', { scale: 1 / 25_000 });
    const items = clusterList(c).items as { kind: string; metadata: { name: string }; spec?: { podSelector?: unknown; ingress?: unknown[] } }[];
    assert.deepEqual(items.map((i) => i.kind), ['Namespace', 'Pod', 'Pod', 'Pod', 'Pod', 'NetworkPolicy', 'NetworkPolicy', 'NetworkPolicy']);
    const np1 = items.find((i) => i.metadata.name === 'np-1')!;
    assert.deepEqual(np1.spec, { podSelector: { matchLabels: { 'app-1': 'scale-1' } }, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { 'app-1': 'scale-1' } } }] }] });
    assert.equal(reload(c).policies.length, 3);
  });
});
