import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { directionAllowed, pairsAllowed, traceDirection, type ClassRule } from '../../../src/evaluate/core/stage-pipeline.ts';
import type { Endpoint } from '../../../src/evaluate/endpoint.ts';
import { endpointsOf } from '../../../src/evaluate/endpoints.ts';
import type { ReachabilityEngine } from '../../../src/evaluate/engine.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { TARGETS } from '../../../src/targets/registry.ts';
import { verifyEngines } from '../../../src/evaluate/verify/verify-engines.ts';
import { buildCluster } from '../../../src/k8s/cluster.ts';
import { generateCluster } from '../../../testing/synthetic/generate-cluster.ts';

const QUERIES = [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }, { protocol: 'OTHER', port: 0 }] as const;

/** Every cell of matrix() against decide(), on an endpoint list holding some endpoints twice. */
function assertMatrixAgreesWithDuplicates(engine: ReachabilityEngine, endpoints: readonly Endpoint[]) {
  const pods = endpoints.filter((e) => e.kind === 'pod');
  const list = [...endpoints, pods[0], pods[3], pods[0], endpoints.at(-1)!];
  for (const q of QUERIES) {
    const m = engine.matrix(list, q);
    for (let i = 0; i < list.length; i++) {
      for (let j = 0; j < list.length; j++) {
        assert.equal(m.get(i, j), engine.decide({ src: list[i], dst: list[j], ...q }).allowed, `${engine.name}: ${list[i].id} -> ${list[j].id} ${q.port}/${q.protocol}`);
      }
    }
  }
}

describe('evaluator core', () => {
  for (const target of ['nsx', 'antrea', 'nsx-antrea', 'contrail']) {
    it(`${target}: matrix() agrees with decide() when the same endpoint appears twice`, () => {
      const cluster = generateCluster('random', { seed: 4 });
      const built = TARGETS.get(target)!.build(cluster, { onError: 'continue' });
      assertMatrixAgreesWithDuplicates(built.engine, endpointsOf(cluster, 4, ['1.2.3.4', '10.0.0.200']));
    });
  }

  it('a pod listed twice reaches itself in matrix() even when its class is denied to itself (the DFW engine got this wrong)', () => {
    const pod = (name: string, ip: string) => ({ namespace: 'a', name, labels: { app: 'x' }, ips: [ip], hostNetwork: false, phase: 'Running' as const, ports: [] });
    const cluster = buildCluster('c1', {
      namespaces: [{ name: 'a', labels: {}, declared: true }],
      pods: [pod('x', '10.0.0.1'), pod('y', '10.0.0.2')],
      policies: [{ namespace: 'a', name: 'deny', uid: '00000000-0000-4000-8000-000000000001', podSelector: { matchLabels: { app: 'x' }, matchExpressions: [] }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] }],
    });
    const [x, y] = endpointsOf(cluster, 4);
    for (const target of ['nsx', 'antrea', 'nsx-antrea', 'contrail']) {
      const m = TARGETS.get(target)!.build(cluster, { onError: 'continue' }).engine.matrix([x, x, y], { protocol: 'TCP', port: 80 });
      assert.deepEqual([m.get(0, 1), m.get(1, 0), m.get(0, 2), m.get(2, 1)], [true, true, false, false], target);
    }
  });

  it('verify counts the same differences per class as per connection', () => {
    const cluster = generateCluster('random', { seed: 7, scale: 2 });
    const k8s = createKubernetesEngine(cluster);
    // the DFW of a conversion that left every policy out of the DFW and out of the remaining stage: it allows all
    const built = TARGETS.get('nsx')!.build(cluster, { onError: 'continue', only: [] });
    const allowAll = TARGETS.get('nsx')!.build({ ...cluster, policies: [] }, { onError: 'continue' }).engine;
    const byConnection = (e: ReachabilityEngine): ReachabilityEngine => ({ name: e.name, matrix: e.matrix, decide: e.decide });
    const classwise = verifyEngines(cluster, k8s, allowAll, { boundaries: built.boundaries });
    const literal = verifyEngines(cluster, byConnection(k8s), byConnection(allowAll), { boundaries: built.boundaries });
    assert.ok(classwise.differences > 0);
    assert.equal(classwise.differences, literal.differences);
    assert.deepEqual(classwise.counterexamples.map((c) => [c.src, c.dst, c.port]), literal.counterexamples.map((c) => [c.src, c.dst, c.port]));
  });

  it('runs stages in order: first match, Pass to the next stage, a class stage, the default allow', () => {
    // 3 classes; egress of class 0: rule 1 passes peer 1, denies peer 2; a class stage accepts (0,1); baseline denies all
    const bits = (...m: number[]) => { const s = new Uint32Array(1); for (const i of m) s[0] |= 1 << i; return s; };
    const rules: ClassRule<string>[] = [
      { rule: 'pass-1', action: 'Pass', subjects: bits(0), peers: bits(1) },
      { rule: 'deny-2', action: 'Deny', subjects: bits(0), peers: bits(1, 2) },
    ];
    const baseline: ClassRule<string>[] = [{ rule: 'deny-all', action: 'Deny', subjects: bits(0, 1), peers: undefined }];
    const pipeline = {
      direction: 'Egress' as const,
      stages: [
        { kind: 'rules' as const, rules },
        { kind: 'classes' as const, verdict: (s: number, p: number) => (s === 0 && p === 1 ? 'Deny' as const : 'Next' as const) },
        { kind: 'rules' as const, rules: baseline },
      ],
    };
    const q = { protocol: 'TCP', port: 80 } as const;
    const allowed = directionAllowed(pipeline, 3, () => true, q);
    const row = (s: number) => { const out: number[] = []; allowed.rows.forEachMember(allowed.rowOf[s], (i) => out.push(i)); return out; };
    assert.deepEqual(row(0), []); // 0->0 baseline, 0->1 class stage, 0->2 rule
    assert.deepEqual(row(1), []); // baseline denies class 1's egress
    assert.deepEqual(row(2), [0, 1, 2]); // nothing applies to class 2: default allow
    const t = traceDirection(pipeline, 0, 1, () => true, q);
    assert.deepEqual([t.passedBy.map((r) => r.rule), t.stage, t.verdict], [['pass-1'], 1, 'Deny']);
    assert.equal(traceDirection(pipeline, 0, 2, () => true, q).rule?.rule, 'deny-2');
    const ingressAll = directionAllowed({ direction: 'Ingress', stages: [] }, 3, () => true, q);
    const pairs = pairsAllowed(allowed, ingressAll, 3);
    const reached = [0, 1, 2].map((s) => { let n = 0; pairs.rows.forEachMember(pairs.rowOf[s], () => n++); return n; });
    assert.deepEqual(reached, [0, 0, 3]); // 0 and 1 reach nothing, 2 reaches every class
  });
});
