import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodesOf, planNode } from '../../../src/realize/iptables/node-plan.ts';
import { cluster, config, ipGroup, labelGroup, named, pod, policy, ports, rule } from './dfw-fixture.ts';

const c = cluster([
  pod('x', 'a', ['10.1.0.1', 'fd00::1'], { app: 'a' }, { node: 'n1' }),
  pod('x', 'a2', ['10.1.0.4'], { app: 'a' }, { node: 'n1' }),
  pod('x', 'b', ['10.1.0.2'], { app: 'b' }, { node: 'n1' }),
  pod('x', 'c', ['10.1.0.3', 'fd00::3'], { app: 'c' }, { node: 'n2', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }),
]);
const A = labelGroup('ga', 'x', 'app', 'a');
const B = labelGroup('gb', 'x', 'app', 'b');
const C = labelGroup('gc', 'x', 'app', 'c');
const net1 = ipGroup('net1', ['10.9.0.0/16']);
const net2 = ipGroup('net2', ['10.9.0.0/16', 'fd09::/32']);
const cfg = config([A, B, C, net1, net2], [
  policy('late', 20, A, [rule('drop-in', 'DROP', 'IN', 'ANY', 'ANY')]),
  policy('early', 10, A, [rule('from-b', 'ALLOW', 'IN', B, 'ANY', [ports('TCP', '80')], 1), rule('from-net', 'ALLOW', 'IN', net1, 'ANY', [], 2)]),
  policy('env', 99, A, [rule('net-http', 'ALLOW', 'IN_OUT', 'ANY', net2, [named('TCP', 'http')])], 'Environment'),
]);

test('nodes: every spec.nodeName of a live pod, sorted', () => {
  assert.deepEqual(nodesOf(c), ['n1', 'n2']);
});

test('a node protects only its own pods, in DFW order: categories, then sequence numbers', () => {
  const plan = planNode(cfg, c, 'n1');
  assert.deepEqual(plan.pods.map((p) => p.id), ['x/a', 'x/a2']);
  const block = (id: string) => plan.blocks.find((b) => b.id === id)!;
  const a = plan.pods[0];
  assert.deepEqual(a.in.map((id) => block(id).policyPath.split('/').pop()), ['env', 'early', 'late']);
  assert.deepEqual(a.out.map((id) => block(id).policyPath.split('/').pop()), ['env']);
  assert.deepEqual(block(a.in[1]).rules.map((r) => r.path.split('/').pop()), ['from-b', 'from-net']);
  // both pods of the applied-to group share the per-policy blocks
  assert.deepEqual(plan.pods[1].in, a.in);
  assert.deepEqual(a.ips, { 4: '10.1.0.1', 6: 'fd00::1' });
  assert.equal(planNode(cfg, c, 'n2').pods.length, 0);
});

test('selector groups become address sets of their pods; address groups get one set per peer, never shared', () => {
  const plan = planNode(cfg, c, 'n1');
  const ipSets = plan.sets.filter((s) => s.kind === 'ip');
  assert.deepEqual(ipSets.map((s) => s.elements), [['10.1.0.2']]);
  const nets = plan.sets.filter((s) => s.kind === 'net' && s.family === 4);
  assert.equal(nets.length, 2);
  assert.notEqual(nets[0].id, nets[1].id);
  for (const s of nets) assert.deepEqual(s.elements, ['10.9.0.0/16']);
  assert.deepEqual(plan.sets.filter((s) => s.kind === 'net' && s.family === 6).map((s) => s.elements), [['fd09::/32']]);
});

test('named ports resolve through the inventory to each pod\'s own number', () => {
  const plan = planNode(cfg, c, 'n1');
  const named4 = plan.sets.find((s) => s.kind === 'ipport' && s.family === 4)!;
  assert.deepEqual(named4.elements, ['10.1.0.3 8080']);
  const named6 = plan.sets.find((s) => s.kind === 'ipport' && s.family === 6)!;
  assert.deepEqual(named6.elements, ['fd00::3 8080']);
});

test('disabled rules are left out and a policy without rules for a stage adds no block', () => {
  const off = { ...rule('off', 'DROP', 'OUT', 'ANY', 'ANY'), disabled: true };
  const plan = planNode(config([A], [policy('p', 1, A, [off])]), c, 'n1');
  assert.equal(plan.pods.length, 0);
  assert.equal(plan.blocks.length, 0);
});
