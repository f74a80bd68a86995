// DFW semantics in the real kernel, on hand-made DFW configs (not from a conversion): categories before sequence
// numbers, first match wins, DROP and REJECT, OUT at the source and IN at the destination in one pass when both
// pods share a node, default allow. Expected cells are written by hand from those rules. Also: the lab does see
// a difference when the ruleset is not equivalent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PortQuery } from '../../src/evaluate/connection.ts';
import { endpointsOf } from '../../src/evaluate/endpoints.ts';
import { createKubernetesEngine } from '../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { convertCluster } from '../../src/convert/convert-cluster.ts';
import { buildCluster } from '../../src/k8s/cluster.ts';
import { compareWithEngine, runLab } from '../../src/lab/run-lab.ts';
import { config, policy, ports, rule, threePods } from '../realize/iptables/dfw-fixture.ts';
import { labSkipReason } from './lab-harness.ts';

const skip = await labSkipReason();

const { c, A, B, C } = threePods();
const cfg = config([A, B, C], [
  // Application, sequence 1: c takes anything from a, then drops the rest.
  policy('app-c', 1, C, [rule('from-a', 'ALLOW', 'IN', A, 'ANY', [], 0), rule('rest', 'DROP', 'IN', 'ANY', 'ANY', [], 1)]),
  // Emergency comes first whatever its sequence number: nothing reaches c on 80/TCP.
  policy('emergency-c', 1000, C, [rule('no-80', 'DROP', 'IN', 'ANY', 'ANY', [ports('TCP', '80')])], 'Emergency'),
  // b may not send to a on 81 (REJECT at the source), but a same-node IN rule of a also applies:
  policy('out-b', 5, B, [rule('rej', 'REJECT', 'OUT', 'ANY', A, [ports('TCP', '81')])]),
  // a drops everything in on 82/TCP except from b... first match: the allow comes first.
  policy('in-a', 6, A, [rule('b-82', 'ALLOW', 'IN', B, 'ANY', [ports('TCP', '82')], 0), rule('no-82', 'DROP', 'IN', 'ANY', 'ANY', [ports('TCP', '82')], 1)]),
]);
const P: PortQuery[] = [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 81 }, { protocol: 'TCP', port: 82 }, { protocol: 'UDP', port: 81 }];
// denied cells per port, as "src>dst"; every other ordered pair is allowed (default allow, self always)
const denied: Record<string, string[]> = {
  '80/TCP': ['a>c', 'b>c'],
  '81/TCP': ['b>a', 'b>c'],
  '82/TCP': ['c>a', 'b>c'],
  '81/UDP': ['b>c'],
};

for (const target of ['nftables', 'iptables'] as const) {
  test(`lab: DFW order, categories, DROP and REJECT, same-node OUT then IN, with ${target}`, { skip }, async () => {
    const endpoints = endpointsOf(c, 4);
    const r = await runLab({ cluster: c, config: cfg, target, endpoints, ports: P });
    for (const { query, matrix } of r.ports) {
      const key = `${query.port}/${query.protocol}`;
      for (let i = 0; i < endpoints.length; i++) {
        for (let j = 0; j < endpoints.length; j++) {
          const cell = `${endpoints[i].id.split('/')[1]}>${endpoints[j].id.split('/')[1]}`;
          assert.equal(matrix.get(i, j), !denied[key].includes(cell), `${key} ${cell}`);
        }
      }
    }
  });
}

test('lab: a ruleset that is not equivalent shows up as differences', { skip }, async () => {
  // The policy isolates x/b for ingress but allows x/a; realize only its drop policy.
  const k = buildCluster('c', {
    pods: c.pods,
    policies: [{
      namespace: 'x', name: 'b-from-a', uid: '00000000-0000-4000-8000-000000000001', podSelector: { matchLabels: { app: 'b' }, matchExpressions: [] },
      policyTypes: ['Ingress'], ingress: [{ peers: [{ podSelector: { matchLabels: { app: 'a' }, matchExpressions: [] } }] }], egress: [],
    }],
  });
  const conversion = convertCluster(k, { profile: 'extended' });
  const dropOnly = { ...conversion.config, policies: conversion.config.policies.filter((p) => p.display_name.endsWith('-drop')) };
  assert.equal(dropOnly.policies.length, 1);
  const endpoints = endpointsOf(k, 4);
  const r = await runLab({ cluster: k, config: dropOnly, target: 'nftables', endpoints, ports: [{ protocol: 'TCP', port: 80 }] });
  const diffs = compareWithEngine(r, createKubernetesEngine(k));
  assert.deepEqual(diffs.map((d) => `${d.src}>${d.dst} ${d.observed}/${d.expected}`), ['x/a>x/b false/true']);
});
