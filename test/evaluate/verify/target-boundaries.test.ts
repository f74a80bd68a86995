// verify cuts its classes at what the target's own objects name, not only at what the NetworkPolicies name: the
// two conversion bugs of issue 10 on examples/seed-003 (an allow rule that also opens 7000/TCP, an IP group that
// also holds 8.8.8.8/32) verify DIFFERENT, and a rule that matches only TCP, UDP and SCTP where Kubernetes allows
// every protocol differs on the other-IP-protocols class.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dfwBoundaries } from '../../../src/evaluate/dfw/dfw-boundaries.ts';
import { createDfwEngine } from '../../../src/evaluate/dfw/dfw-engine.ts';
import { buildNsxState } from '../../../src/targets/nsx.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { TARGETS } from '../../../src/targets/registry.ts';
import { verifyEngines } from '../../../src/evaluate/verify/verify-engines.ts';
import { portClasses } from '../../../src/evaluate/verify/port-classes.ts';
import { addressAtoms } from '../../../src/evaluate/verify/address-atoms.ts';
import { loadClusterFromPaths, loadClusterFromTexts } from '../../../src/k8s/load-cluster.ts';
import type { DfwConfig } from '../../../src/model/dfw-config.ts';
import type { Rule } from '../../../src/model/rule.ts';
import { REPO_ROOT } from '../../cli/run-cli.ts';

const cluster = loadClusterFromPaths([join(REPO_ROOT, 'examples', 'seed-003')], { cluster: 'example' });
const reference = createKubernetesEngine(cluster);
const state = buildNsxState(cluster, { profile: 'nsx', onError: 'abort' });

function editRule(config: DfwConfig, id: string, f: (r: Rule) => Rule): DfwConfig {
  return { ...config, policies: config.policies.map((p) => ({ ...p, rules: p.rules.map((r) => (r.id === id ? f(r) : r)) })) };
}

describe('verify over both sides\' boundaries (examples/seed-003)', () => {
  it('an allow rule whose service entry also opens 7000/TCP: different, on that rule', () => {
    const config = editRule(state.conversion.config, 'egress-rule-0', (r) => ({
      ...r, service_entries: r.service_entries.map((e) => (e.resource_type === 'L4PortSetServiceEntry' ? { ...e, destination_ports: [...e.destination_ports, '7000'] } : e)),
    }));
    const engine = createDfwEngine(config, cluster, { remaining: createKubernetesEngine(cluster, { policies: [] }) });
    const r = verifyEngines(cluster, reference, engine, { boundaries: dfwBoundaries(config) });
    assert.equal(r.equivalent, false);
    // default/db may now open 7000/TCP to 10.0.0.0/24 (the one external address standing for it)
    assert.deepEqual(r.counterexamples.map((c) => [c.src, c.dst]), [['default/db', '10.0.0.1']]);
    for (const c of r.counterexamples) {
      assert.deepEqual([c.protocol, c.port, c.reference.allowed, c.other.allowed], ['TCP', 7000, false, true]);
      assert.match(c.other.egress.by, /rule egress-rule-0 /);
    }
    // without the target's boundaries 7000 falls inside the class 5979-6378 that 5979 stands for: unseen
    assert.equal(verifyEngines(cluster, reference, engine).equivalent, true);
  });

  it('an IP group that also holds 8.8.8.8/32: different, on the rule that uses the group', () => {
    const config: DfwConfig = {
      ...state.conversion.config,
      groups: state.conversion.config.groups.map((g) => (g.id.endsWith('-rule-0-to')
        ? { ...g, expression: g.expression.map((e) => (e.resource_type === 'IPAddressExpression' ? { ...e, ip_addresses: [...e.ip_addresses, '8.8.8.8/32'] } : e)) }
        : g)),
    };
    const engine = createDfwEngine(config, cluster, { remaining: createKubernetesEngine(cluster, { policies: [] }) });
    const r = verifyEngines(cluster, reference, engine, { boundaries: dfwBoundaries(config) });
    assert.equal(r.equivalent, false);
    assert.equal(r.differences, 1);
    const [c] = r.counterexamples;
    assert.deepEqual([c.dst, c.protocol, c.port, c.reference.allowed, c.other.allowed], ['8.8.8.8', 'TCP', 5978, false, true]);
    assert.match(c.other.egress.by, /rule egress-rule-0 /);
    assert.equal(verifyEngines(cluster, reference, engine).equivalent, true, 'without the target\'s boundaries no atom holds 8.8.8.8 alone');
  });

  it('every target fills its boundaries from its own objects', () => {
    for (const [name, { build }] of TARGETS) {
      const b = build(cluster, { onError: 'abort' }).boundaries;
      assert.ok(b.ports.some((p) => p.protocol.toUpperCase() === 'TCP' && p.first <= 6379 && p.last >= 6379), `${name}: 6379/TCP`);
      assert.ok(b.addresses.some((a) => a.startsWith('10.0.0.0')), `${name}: 10.0.0.0/24`);
    }
  });

  it('port classes and address atoms cut at the union of both sides; one class for every other IP protocol', () => {
    const target = { ports: [{ protocol: 'any', first: 0, last: 100 }, { protocol: 'tcp', first: 7000, last: 7000 }], addresses: ['8.8.8.8', '192.168.0.10-192.168.0.20'] };
    const tcp = portClasses(cluster, [target]).filter((c) => c.protocol === 'TCP').map((c) => [c.first, c.last]);
    assert.deepEqual(tcp, [[1, 79], [80, 80], [81, 100], [101, 5977], [5978, 5978], [5979, 6378], [6379, 6379], [6380, 6999], [7000, 7000], [7001, 65535]]);
    assert.deepEqual(portClasses(cluster, [target]).filter((c) => c.protocol === 'SCTP').map((c) => [c.first, c.last]), [[1, 100], [101, 65535]]);
    assert.deepEqual(portClasses(cluster).filter((c) => c.protocol === 'OTHER'), [{ protocol: 'OTHER', first: 0, last: 0 }]);
    const reps = addressAtoms(cluster, 4, [target]).map((a) => a.representative);
    for (const ip of ['8.8.8.8', '192.168.0.11']) assert.ok(reps.includes(ip), `${ip} stands for its own atom`);
  });
});

describe('the other-IP-protocols class', () => {
  const c = loadClusterFromTexts([{ name: 't.yaml', text: `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: ns, labels: {app: a}}
spec: {containers: [{name: c, image: x}]}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: ns, labels: {app: b}}
spec: {containers: [{name: c, image: x}]}
status: {podIP: 10.0.0.2}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-a, namespace: ns, uid: 00000000-0000-0000-0000-000000000001}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]
` }], { cluster: 'c' });

  it('a DFW rule that names every port of TCP, UDP and SCTP but no other protocol differs from a rule without ports', () => {
    const s = buildNsxState(c, { profile: 'nsx', onError: 'abort' });
    const entries = (['TCP', 'UDP', 'SCTP'] as const).map((p) => ({ resource_type: 'L4PortSetServiceEntry' as const, id: p, l4_protocol: p, destination_ports: [], source_ports: [] }));
    const allow = s.conversion.config.policies.flatMap((p) => p.rules).find((r) => r.action === 'ALLOW')!;
    const config = editRule(s.conversion.config, allow.id, (r) => ({ ...r, service_entries: entries }));
    const ref = createKubernetesEngine(c);
    assert.equal(verifyEngines(c, ref, s.engine, { boundaries: dfwBoundaries(s.conversion.config) }).equivalent, true);
    const r = verifyEngines(c, ref, createDfwEngine(config, c, { remaining: createKubernetesEngine(c, { policies: [] }) }), { boundaries: dfwBoundaries(config) });
    assert.equal(r.equivalent, false);
    assert.deepEqual(r.counterexamples.map((x) => [x.src, x.dst, x.protocol, x.reference.allowed, x.other.allowed]), [['ns/a', 'ns/b', 'OTHER', true, false]]);
    assert.equal(r.counts.portClasses.OTHER, 1);
  });
});
