// verify --target nsx reports equivalent on every example and on generated clusters.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildNsxState } from '../../../src/targets/nsx.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { verifyEngines } from '../../../src/evaluate/verify/verify-engines.ts';
import { loadClusterFromPaths } from '../../../src/k8s/load-cluster.ts';
import { generateCluster } from '../../../testing/synthetic/generate-cluster.ts';
import { REPO_ROOT } from '../../cli/run-cli.ts';

const examples = readdirSync(join(REPO_ROOT, 'examples'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
/** The examples that document what NSX refuses (named ports, a multi-value In); every other one must convert. */
const NSX_REFUSAL_EXAMPLES: ReadonlySet<string> = new Set(['named-ports']);

describe('verify on examples/', () => {
  it('finds the examples', () => assert.ok(examples.length >= 2, examples.join(', ')));
  for (const ex of examples) {
    const cluster = loadClusterFromPaths([join(REPO_ROOT, 'examples', ex)], { cluster: 'example' });
    const k8s = createKubernetesEngine(cluster);
    it(`${ex}: the extended profile converts every policy and is equivalent`, () => {
      const state = buildNsxState(cluster, { profile: 'extended' });
      assert.deepEqual(state.conversion.refusals, []);
      assert.equal(state.conversion.convertedUids.length, cluster.policies.length);
      const r = verifyEngines(cluster, k8s, state.engine);
      assert.deepEqual(r.counterexamples, []);
      assert.ok(r.counts.podEndpoints > 0 && r.counts.connections > 0);
    });
    const refuses = NSX_REFUSAL_EXAMPLES.has(ex);
    it(refuses
      ? `${ex}: the nsx profile refuses (abort) and leaves the cluster unchanged`
      : `${ex}: the nsx profile converts every policy and is equivalent`, () => {
      const state = buildNsxState(cluster, { profile: 'nsx', onError: 'abort' });
      if (refuses) {
        assert.notDeepEqual(state.conversion.refusals, []);
        assert.deepEqual(state.conversion.convertedUids, []);
      } else {
        assert.deepEqual(state.conversion.refusals, []);
        assert.equal(state.conversion.convertedUids.length, cluster.policies.length);
      }
      assert.deepEqual(verifyEngines(cluster, k8s, state.engine).counterexamples, []);
    });
  }
});

describe('verify on generated clusters', () => {
  const cases = [
    ['small-namespaces', 0.0004, 'deny'],
    ['small-namespaces', 0.0004, 'mirror'],
    ['large-namespaces', 0.01, 'mirror'],
    ['large-namespaces', 0.01, 'none'],
    ['one-namespace', 0.003, 'deny'],
  ] as const;
  for (const [shape, scale, egress] of cases) {
    for (const seed of [1, 2]) {
      it(`${shape} (egress ${egress}, seed ${seed}): nsx converts everything and is equivalent`, () => {
        const cluster = generateCluster(shape, { seed, scale, egress });
        const state = buildNsxState(cluster, { profile: 'nsx' });
        assert.deepEqual(state.conversion.refusals, []);
        const r = verifyEngines(cluster, createKubernetesEngine(cluster), state.engine);
        assert.deepEqual(r.counterexamples, []);
        assert.equal(r.equivalent, true);
      });
    }
  }
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random (every feature, seed ${seed}): the extended profile is equivalent`, () => {
      const cluster = generateCluster('random', { seed, scale: seed > 3 ? 2 : 1 });
      const state = buildNsxState(cluster, { profile: 'extended' });
      assert.deepEqual(state.conversion.refusals, []);
      assert.deepEqual(verifyEngines(cluster, createKubernetesEngine(cluster), state.engine).counterexamples, []);
    });
  }
});
