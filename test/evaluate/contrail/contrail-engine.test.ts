import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createContrailEngine } from '../../../src/evaluate/contrail/contrail-engine.ts';
import { buildContrailTarget, buildContrailTargetWith } from '../../../src/targets/contrail.ts';
import type { Endpoint } from '../../../src/evaluate/endpoint.ts';
import { endpointsOf } from '../../../src/evaluate/endpoints.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { TARGETS } from '../../../src/targets/registry.ts';
import { verifyEngines } from '../../../src/evaluate/verify/verify-engines.ts';
import type { ContrailConfig, FirewallRule, FirewallRuleEndpoint } from '../../../src/realize/contrail/contrail-objects.ts';
import { clusterFromYaml, exampleClusters, generatedClusters } from '../../realize/antrea/test-clusters.ts';
import { SEED_002_POLICY } from '../../realize/contrail/seed-002.ts';

const PODS = `
apiVersion: v1
kind: Namespace
metadata: {name: myproject, labels: {project: myproject}}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: default, labels: {role: db}}
spec: {containers: [{name: c}]}
status: {podIP: 172.17.0.10, phase: Running}
---
apiVersion: v1
kind: Pod
metadata: {name: frontend, namespace: default, labels: {role: frontend}}
spec: {containers: [{name: c}]}
status: {podIP: 172.17.1.20, phase: Running}
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: default, labels: {role: other}}
spec: {containers: [{name: c}]}
status: {podIP: 172.17.1.30, phase: Running}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: myproject, labels: {role: client}}
spec: {containers: [{name: c}]}
status: {podIP: 10.1.0.40, phase: Running}
`;

describe('Contrail evaluator', () => {
  const cluster = clusterFromYaml(`apiVersion: v1
kind: Pod
metadata: {name: a, namespace: ns1, labels: {app: a}}
spec: {containers: [{name: c}]}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: ns1, labels: {app: b}}
spec: {containers: [{name: c}]}
status: {podIP: 10.0.0.2}
`);
  const eps = endpointsOf(cluster, 4, ['192.0.2.9']);
  const ep = (id: string): Endpoint => eps.find((e) => e.id === id)!;
  const rule = (name: string, action: 'pass' | 'deny', e1: FirewallRuleEndpoint, e2: FirewallRuleEndpoint, direction: FirewallRule['direction'], port?: number): FirewallRule => ({
    fq_name: ['default-policy-management', name], parent_type: 'policy-management', name, action_list: { simple_action: action },
    service: port === undefined
      ? { protocol: 'any', src_ports: { start_port: 0, end_port: 65535 }, dst_ports: { start_port: 0, end_port: 65535 } }
      : { protocol: 'tcp', src_ports: { start_port: 0, end_port: 65535 }, dst_ports: { start_port: port, end_port: port } },
    endpoint_1: e1, endpoint_2: e2, direction, match_tags: { tag_list: [] },
  });
  const config = (rules: FirewallRule[], sequences: string[]): ContrailConfig => ({
    tags: [], addressGroups: [{ fq_name: ['default-policy-management', 'ext'], parent_type: 'policy-management', name: 'ext', address_group_prefix: { subnet: [{ ip_prefix: '192.0.2.0', ip_prefix_len: 24 }] } }],
    rules,
    policies: [{ fq_name: ['default-policy-management', 'p'], parent_type: 'policy-management', name: 'p', firewall_rule_refs: rules.map((r, i) => ({ to: [...r.fq_name], attr: { sequence: sequences[i] } })) }],
    applicationPolicySet: { fq_name: ['default-policy-management', 'c1'], parent_type: 'policy-management', name: 'c1', firewall_policy_refs: [{ to: ['default-policy-management', 'p'], attr: { sequence: '00000.0' } }], tag_refs: [] },
    workloads: [{ pod: 'ns1/a', tags: ['app=a'] }, { pod: 'ns1/b', tags: ['app=b'] }],
  });
  const allowed = (cfg: ContrailConfig, src: string, dst: string, port = 80) =>
    createContrailEngine({ cluster, config: cfg }).decide({ src: ep(src), dst: ep(dst), protocol: 'TCP', port }).allowed;

  it('takes rules in sequence order (not list order), first match wins', () => {
    const pass = rule('pass-b', 'pass', { tags: ['app=b'] }, { tags: ['app=a'] }, '<', 80);
    const deny = rule('deny-b', 'deny', { tags: ['app=b'] }, { any: true }, '<');
    assert.equal(allowed(config([pass, deny], ['00001.0', '00002.0']), 'ns1/a', 'ns1/b'), true);
    assert.equal(allowed(config([pass, deny], ['00010.0', '00002.0']), 'ns1/a', 'ns1/b'), false, 'the deny rule now has the lower sequence');
    assert.equal(allowed(config([pass, deny], ['00001.0', '00002.0']), 'ns1/a', 'ns1/b', 443), false, 'service mismatch falls to the deny');
  });

  it('anchors rules at endpoint_1: < where it receives, > where it sends; only workloads enforce', () => {
    const denyOut = rule('a-out', 'deny', { tags: ['app=a'] }, { address_group: 'default-policy-management:ext' }, '>');
    const cfg = config([denyOut], ['00000.0']);
    assert.equal(allowed(cfg, 'ns1/a', '192.0.2.9'), false);
    assert.equal(allowed(cfg, '192.0.2.9', 'ns1/a'), true, 'a > rule is not checked for traffic a receives');
    assert.equal(allowed(cfg, 'ns1/b', '192.0.2.9'), true);
    const both = rule('a-both', 'deny', { tags: ['app=a'] }, { any: true }, '<>');
    assert.equal(allowed(config([both], ['00000.0']), 'ns1/b', 'ns1/a'), false);
    assert.equal(allowed(config([both], ['00000.0']), 'ns1/a', 'ns1/b'), false);
    const e = createContrailEngine({ cluster, config: config([denyOut, both], ['00000.0', '00001.0']) });
    for (const port of [80, 443]) {
      const m = e.matrix(eps, { protocol: 'TCP', port });
      for (let i = 0; i < eps.length; i++) for (let j = 0; j < eps.length; j++) assert.equal(m.get(i, j), e.decide({ src: eps[i], dst: eps[j], protocol: 'TCP', port }).allowed);
    }
  });

  it('refuses a configuration with dangling references', () => {
    const cfg = config([rule('r', 'pass', { address_group: 'default-policy-management:nope' }, { any: true }, '<')], ['00000.0']);
    assert.throws(() => createContrailEngine({ cluster, config: cfg }), /address group default-policy-management:nope does not exist/);
  });
});

describe('contrail verifies equivalent to Kubernetes', () => {
  it('on every example and generated cluster, with no refusal except named ports on hostNetwork pods', () => {
    let checked = 0;
    for (const [name, cluster] of [...exampleClusters(), ...generatedClusters()]) {
      const t = buildContrailTarget(cluster, { onError: 'abort' });
      for (const r of t.refusals) assert.equal(r.code, 'NAMED_PORT_ON_HOST_NETWORK_POD', name);
      if (t.refusals.length) continue;
      checked++;
      const r = verifyEngines(cluster, createKubernetesEngine(cluster), t.engine);
      assert.ok(r.equivalent, `${name}: ${JSON.stringify(r.counterexamples[0])}`);
    }
    assert.ok(checked >= 20, `${checked} clusters verified`);
    assert.equal(TARGETS.get('contrail')?.build, buildContrailTarget);
  });

  it("seed 002's example: our encoding of except is equivalent, seed 002's deny rules are not", () => {
    const cluster = clusterFromYaml(`${PODS}\n---\n${SEED_002_POLICY}`);
    const reference = createKubernetesEngine(cluster);
    const ours = verifyEngines(cluster, reference, buildContrailTargetWith(cluster, { onError: 'abort' }).engine);
    assert.ok(ours.equivalent, JSON.stringify(ours.counterexamples[0]));
    const seed = verifyEngines(cluster, reference, buildContrailTargetWith(cluster, { onError: 'abort', exceptEncoding: 'deny-rules' }).engine);
    assert.equal(seed.equivalent, false);
    // default/frontend (172.17.1.20) is in the except range but allowed by the podSelector peer of the same rule.
    const c = seed.counterexamples.find((x) => x.src === 'default/frontend' && x.dst === 'default/db' && x.port === 6379);
    assert.ok(c, JSON.stringify(seed.counterexamples.map((x) => [x.src, x.dst, x.port])));
    assert.equal(c.reference.allowed, true);
    assert.equal(c.other.allowed, false);
    assert.match(c.other.ingress.by, /ipBlock-0-except0/);
    // default/other (172.17.1.30) is excepted and matched by no other peer: both deny it.
    assert.ok(!seed.counterexamples.some((x) => x.src === 'default/other'));
  });

  it("seed 002's deny rules also shadow another policy's allow; our encoding does not", () => {
    const cluster = clusterFromYaml(`${PODS}\n---\n${SEED_002_POLICY}\n---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: zz-from-other, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{from: [{ipBlock: {cidr: 172.17.1.30/32}}], ports: [{port: 6379}]}]
`);
    const reference = createKubernetesEngine(cluster);
    assert.ok(verifyEngines(cluster, reference, buildContrailTargetWith(cluster, { onError: 'abort' }).engine).equivalent);
    const seed = verifyEngines(cluster, reference, buildContrailTargetWith(cluster, { onError: 'abort', exceptEncoding: 'deny-rules' }).engine);
    assert.ok(seed.counterexamples.some((x) => x.src === 'default/other' && x.dst === 'default/db' && x.port === 6379 && x.reference.allowed && !x.other.allowed));
  });
});
