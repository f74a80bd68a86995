// The fast, class-based matrix against the per-connection semantics, on random clusters: they must agree on
// every cell, and countAllowed on the number of allowed pairs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PortQuery } from '../../../src/evaluate/connection.ts';
import { endpointsOf } from '../../../src/evaluate/endpoints.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { generateCluster } from '../../../testing/synthetic/generate-cluster.ts';

// Named-port numbers (80, 8080, 9090, 53, 9100, 3868), endPort edges (79/80/81, 89/90/91, 1079/1080/1081,
// 8000/8010/8011, 9000/9001), and ports no policy names.
const QUERIES: PortQuery[] = [
  ...[79, 80, 81, 90, 91, 443, 1080, 1081, 8000, 8010, 8011, 8080, 9001, 9090, 9100, 12345].map((port) => ({ protocol: 'TCP' as const, port })),
  ...[52, 53, 54, 63, 64, 80, 1053].map((port) => ({ protocol: 'UDP' as const, port })),
  ...[3868, 53].map((port) => ({ protocol: 'SCTP' as const, port })),
];
const EXTERNALS = ['10.0.0.1', '10.0.1.3', '10.1.0.0', '192.168.0.2', '8.8.8.8', '0.0.0.0', '255.255.255.255', 'fd00::1', 'fd00::1:0:2', 'fd00:ffff::1', '2001:db8::1', '::'];

function check(seed: number, scale: number, queries: readonly PortQuery[]): { cells: number; allowed: number } {
  const cluster = generateCluster('random', { seed, scale });
  const engine = createKubernetesEngine(cluster);
  let cells = 0;
  let allowed = 0;
  for (const family of [4, 6] as const) {
    const endpoints = endpointsOf(cluster, family, EXTERNALS);
    for (const q of queries) {
      const fast = engine.matrix(endpoints, q);
      const slow = engine.matrixByConnection(endpoints, q);
      const diff = fast.differences(slow, 3).map(([i, j]) => `${endpoints[i].id} -> ${endpoints[j].id}: fast ${fast.get(i, j)}`);
      assert.deepEqual(diff, [], `seed ${seed} scale ${scale} IPv${family} ${q.port}/${q.protocol}`);
      assert.equal(engine.countAllowed(endpoints, q), slow.count(), `countAllowed, seed ${seed} IPv${family} ${q.port}/${q.protocol}`);
      cells += endpoints.length ** 2;
      allowed += slow.count();
    }
  }
  return { cells, allowed };
}

describe('matrix() equals decide() everywhere', () => {
  it('on 150 random clusters, both families, many ports', () => {
    let cells = 0;
    let allowed = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const r = check(seed, 1, QUERIES);
      cells += r.cells;
      allowed += r.allowed;
    }
    // Sanity of the corpus itself: a good share of cells is allowed and a good share denied.
    assert.ok(allowed > cells * 0.15 && allowed < cells * 0.85, `allowed ${allowed} of ${cells}`);
  });

  it('on larger random clusters', () => {
    for (let seed = 1000; seed < 1006; seed++) check(seed, 3, QUERIES.filter((_, i) => i % 3 === 0));
  });

  it('on clusters large enough for the inverted label indexes (more than 16 namespaces and label groups)', () => {
    for (const seed of [2000, 2003]) {
      const cluster = generateCluster('random', { seed, scale: 6 });
      assert.ok(cluster.namespaces.size > 16, `${cluster.namespaces.size} namespaces`);
      check(seed, 6, [{ protocol: 'TCP', port: 80 }, { protocol: 'UDP', port: 53 }]);
    }
  });

  it('on endpoints the compiled form does not know (a pod given at another address)', () => {
    const cluster = generateCluster('random', { seed: 5 });
    const engine = createKubernetesEngine(cluster);
    const endpoints = endpointsOf(cluster, 4, EXTERNALS).map((e, i) => (e.kind === 'pod' && i % 2 === 0 ? { ...e, ip: `10.200.0.${i}` } : e));
    for (const q of QUERIES.slice(0, 6)) {
      const slow = engine.matrixByConnection(endpoints, q);
      assert.deepEqual(engine.matrix(endpoints, q).differences(slow, 3), []);
      assert.equal(engine.countAllowed(endpoints, q), slow.count());
    }
  });

  it('on the Antrea shapes (scaled down), every egress variant', () => {
    for (const shape of ['small-namespaces', 'large-namespaces', 'one-namespace'] as const) {
      for (const egress of ['deny', 'mirror', 'none'] as const) {
        const cluster = generateCluster(shape, { scale: shape === 'large-namespaces' ? 0.002 : 0.004, egress, seed: 2 });
        const engine = createKubernetesEngine(cluster);
        const endpoints = endpointsOf(cluster, 4).slice(0, 120);
        const q = { protocol: 'TCP' as const, port: 80 };
        const slow = engine.matrixByConnection(endpoints, q);
        assert.deepEqual(engine.matrix(endpoints, q).differences(slow, 3), [], `${shape} ${egress}`);
        assert.equal(engine.countAllowed(endpoints, q), slow.count(), `${shape} ${egress}`);
      }
    }
  });
});

describe('classes', () => {
  it('group endpoints that no policy tells apart', () => {
    const cluster = generateCluster('small-namespaces', { scale: 0.001 });
    // Per namespace: the app-1 pods and the app-2 pods; plus one external class per family (no ipBlock).
    assert.equal(createKubernetesEngine(cluster).compiled().classCount, 25 * 2 + 2);
    const one = generateCluster('one-namespace', { scale: 0.01 });
    assert.equal(createKubernetesEngine(one).compiled().classCount, 1 + 2);
  });

  it('agree with decide() on endpoint lists mixing both families (the same pod twice)', () => {
    for (let seed = 300; seed < 340; seed++) {
      const cluster = generateCluster('random', { seed });
      const engine = createKubernetesEngine(cluster);
      const endpoints = [...endpointsOf(cluster, 4, EXTERNALS), ...endpointsOf(cluster, 6, EXTERNALS)];
      for (const q of QUERIES.filter((_, i) => i % 4 === 0)) {
        const slow = engine.matrixByConnection(endpoints, q);
        assert.deepEqual(engine.matrix(endpoints, q).differences(slow, 3), [], `seed ${seed}`);
        assert.equal(engine.countAllowed(endpoints, q), slow.count(), `seed ${seed}`);
      }
    }
  });
});

describe('stageVerdict() equals directionVerdict() everywhere', () => {
  it('on random clusters, both directions', () => {
    const seen = new Set<string>();
    for (let seed = 500; seed < 560; seed++) {
      const cluster = generateCluster('random', { seed });
      const engine = createKubernetesEngine(cluster);
      const endpoints = endpointsOf(cluster, seed % 2 ? 4 : 6, EXTERNALS);
      for (const q of QUERIES.filter((_, i) => i % 5 === 0)) {
        for (const src of endpoints) for (const dst of endpoints) {
          for (const direction of ['Ingress', 'Egress'] as const) {
            const c = { src, dst, ...q };
            const expected = engine.directionVerdict(c, direction).verdict;
            assert.equal(engine.stageVerdict(c, direction), expected, `seed ${seed} ${src.id} -> ${dst.id} ${q.port}/${q.protocol} ${direction}`);
            seen.add(expected);
          }
        }
      }
    }
    assert.deepEqual([...seen].sort(), ['Accept', 'Deny', 'Next']);
  });
});

describe('pods given as other objects', () => {
  it('a copy of the cluster\'s pod objects is the same pod (self traffic across addresses included)', () => {
    for (let seed = 700; seed < 720; seed++) {
      const cluster = generateCluster('random', { seed });
      const engine = createKubernetesEngine(cluster);
      const all = [...endpointsOf(cluster, 4, EXTERNALS), ...endpointsOf(cluster, 6, EXTERNALS)];
      // Every other endpoint carries a structurally equal copy of its pod.
      const endpoints = all.map((e, i) => (e.kind === 'pod' && i % 2 ? { ...e, pod: { ...e.pod } } : e));
      for (const q of QUERIES.slice(0, 4)) {
        const slow = engine.matrixByConnection(endpoints, q);
        assert.deepEqual(engine.matrix(endpoints, q).differences(slow, 3), [], `seed ${seed}`);
        assert.equal(engine.countAllowed(endpoints, q), slow.count(), `seed ${seed}`);
      }
    }
  });
});
