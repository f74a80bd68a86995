// examples/named-ports is the documented refusal case for NSX (seed 000, "Unsupported Kubernetes Network Policy
// Features"): NSX refuses exactly its named ports and its multi-value In, each with its code and field, while
// Antrea and Contrail (which resolve named ports and take several values) verify equivalent. Every other example
// uses only what NSX expresses, and verifies equivalent on every target.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createKubernetesEngine } from '../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { TARGETS } from '../../src/targets/registry.ts';
import { verifyEngines } from '../../src/evaluate/verify/verify-engines.ts';
import { loadClusterFromPaths } from '../../src/k8s/load-cluster.ts';
import { REPO_ROOT } from '../cli/run-cli.ts';

const EXAMPLES = join(REPO_ROOT, 'examples');
const load = (name: string) => loadClusterFromPaths([join(EXAMPLES, name)], { cluster: 'example' });
const target = (name: string) => {
  const builder = TARGETS.get(name)?.build;
  assert.ok(builder, `target ${name} is registered`);
  return builder;
};

describe('examples/named-ports: what NSX refuses and the others express', () => {
  const cluster = load('named-ports');
  const reference = createKubernetesEngine(cluster);

  it('NSX refuses exactly the named ports and the multi-value In, each with its code and field path', () => {
    for (const onError of ['abort', 'continue'] as const) {
      const refusals = target('nsx')(cluster, { onError }).refusals.map((r) => `${r.namespace}/${r.name} ${r.code} ${r.path}`).sort();
      // From examples/named-ports/policies.yaml, by hand: store/default-deny has no rules and converts.
      assert.deepEqual(refusals, [
        'ops/allow-stats MULTI_VALUE_IN_UNSUPPORTED spec.podSelector.matchExpressions[0].values', // app In (statsd, collector)
        'ops/allow-stats NAMED_PORT_UNSUPPORTED spec.ingress[0].ports[0].port', // "stats"/UDP
        'store/allow-metrics NAMED_PORT_UNSUPPORTED spec.ingress[0].ports[0].port', // "metrics"
        'store/api-from-web NAMED_PORT_UNSUPPORTED spec.ingress[0].ports[0].port', // "http"
        'store/web-ingress NAMED_PORT_UNSUPPORTED spec.ingress[0].ports[0].port', // "http"
      ], onError);
    }
  });

  it('NSX with on_error continue leaves a mixed state that differs: the converted default-deny drops what the refused allows let in', () => {
    const mixed = target('nsx')(cluster, { onError: 'continue' });
    const r = verifyEngines(cluster, reference, mixed.engine, { maxCounterexamples: 1000 });
    assert.equal(r.equivalent, false);
    // Every difference is a connection Kubernetes allows and the mixed state denies (never the other way round).
    assert.ok(r.counterexamples.length > 0);
    for (const c of r.counterexamples) assert.deepEqual([c.reference.allowed, c.other.allowed], [true, false], `${c.src} -> ${c.dst} ${c.port}`);
    // For example prometheus scraping web-0's "metrics" (9113), allowed by the refused store/allow-metrics.
    assert.ok(r.counterexamples.some((c) => c.src === 'ops/prometheus-0' && c.dst === 'store/web-0' && c.port === 9113), JSON.stringify(r.counterexamples.map((c) => [c.src, c.dst, c.port])));
  });

  for (const name of ['antrea', 'contrail']) {
    it(`${name} converts every policy and verifies equivalent`, () => {
      const built = target(name)(cluster, { onError: 'abort' });
      assert.deepEqual(built.refusals, []);
      const r = verifyEngines(cluster, reference, built.engine);
      assert.deepEqual(r.counterexamples, []);
      assert.equal(r.equivalent, true);
      assert.ok(r.counts.podEndpoints === 5 && r.counts.connections > 0);
    });
  }
});

describe('every other example is NSX-expressible', () => {
  const others = readdirSync(EXAMPLES, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'named-ports').map((d) => d.name).sort();
  it('finds them', () => assert.ok(others.includes('shop') && others.includes('seed-003'), others.join(', ')));
  for (const ex of others) {
    it(`${ex}: nsx, antrea and contrail refuse nothing and verify equivalent`, () => {
      const cluster = load(ex);
      const reference = createKubernetesEngine(cluster);
      for (const name of ['nsx', 'antrea', 'contrail']) {
        const built = target(name)(cluster, { onError: 'abort' });
        assert.deepEqual(built.refusals, [], `${ex} ${name}`);
        assert.deepEqual(verifyEngines(cluster, reference, built.engine).counterexamples, [], `${ex} ${name}`);
      }
    });
  }
});
