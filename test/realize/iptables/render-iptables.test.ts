import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planNode } from '../../../src/realize/iptables/node-plan.ts';
import { DEFAULT_IPTABLES_NAMES, multiportChunks, renderIptablesRuleset, splitZeroPrefix } from '../../../src/realize/iptables/render-iptables.ts';
import { cluster, config, ipGroup, labelGroup, pod, policy, ports, rule } from './dfw-fixture.ts';

test('multiport takes 15 values, a range counting two, ranges written with a colon', () => {
  const values = Array.from({ length: 14 }, (_, i) => String(1000 + i));
  assert.deepEqual(multiportChunks([...values, '8080-8090']), [values, ['8080:8090']]);
  assert.deepEqual(multiportChunks([...values, '99']), [[...values, '99']]);
});

test('hash:net cannot hold a /0: it becomes two halves', () => {
  assert.deepEqual(splitZeroPrefix('0.0.0.0/0'), ['0.0.0.0/1', '128.0.0.0/1']);
  assert.deepEqual(splitZeroPrefix('::/0'), ['::/1', '8000::/1']);
  assert.deepEqual(splitZeroPrefix('10.0.0.0/8'), ['10.0.0.0/8']);
});

test('the ruleset keeps first-match order with one chain per pod and per policy, and a family only sees its sets', () => {
  const c = cluster([pod('x', 'a', ['10.0.0.1'], { app: 'a' }), pod('x', 'b', ['10.0.0.2', 'fd00::2'], { app: 'b' })]);
  const A = labelGroup('ga', 'x', 'app', 'a');
  const B = labelGroup('gb', 'x', 'app', 'b');
  const all = ipGroup('all', ['0.0.0.0/0']);
  const plan = planNode(config([A, B, all], [
    policy('p1', 1, B, [rule('r1', 'ALLOW', 'IN', A, 'ANY', [ports('TCP', '80', '8080-8090')]), rule('r2', 'REJECT', 'IN', all, 'ANY', [ports('UDP')], 1)]),
    policy('p2', 2, B, [rule('r3', 'DROP', 'IN', 'ANY', 'ANY')]),
  ]), c, 'node');
  const r = renderIptablesRuleset(plan, DEFAULT_IPTABLES_NAMES);
  const v4 = r.v4.split('\n');
  const at = (s: string) => v4.findIndex((l) => l.includes(s));
  assert.ok(at('--dports 80,8080:8090 -j MARK') < at('-p udp -j REJECT'));
  assert.ok(at('-j NP2DFW-a-B0') < at('-j NP2DFW-a-B1'));
  assert.ok(at('ESTABLISHED,RELATED') < at('-d 10.0.0.2/32 -j NP2DFW-a-I0'));
  assert.ok(r.ipset.includes('add np2dfw-a-n4-0 0.0.0.0/1'));
  // IPv6: the IPv4-only peers cannot match, only the drop remains
  assert.ok(!r.v6.includes('--match-set'));
  assert.ok(r.v6.includes('-d fd00::2/128 -j NP2DFW-a-I0'));
  assert.ok(r.v6.includes('-A NP2DFW-a-B1 -j DROP'));
});
