// The iptables and nftables evaluators against the real kernel: the lab loads each node's ruleset into network
// namespaces and probes every pair; the matrix the kernel shows must be the evaluator's matrix, cell for cell.
// On examples (where both equal the Kubernetes semantics) and on a hand-made DFW config that Kubernetes could not
// write (categories, REJECT, a DROP before an ALLOW, an address group), where the kernel differs from the
// reference engine and only the evaluator can be right.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultPorts } from '../../src/report/ports.ts';
import { convertCluster } from '../../src/convert/convert-cluster.ts';
import type { PortQuery } from '../../src/evaluate/connection.ts';
import { iptablesNode, nftNode } from '../../src/evaluate/dataplane/dataplane-engine.ts';
import { dataplaneTarget, renderConfig } from '../../src/targets/dataplane.ts';
import { endpointsOf } from '../../src/evaluate/endpoints.ts';
import type { ReachabilityEngine } from '../../src/evaluate/engine.ts';
import { createKubernetesEngine } from '../../src/evaluate/kubernetes/kubernetes-engine.ts';
import type { Cluster } from '../../src/k8s/cluster.ts';
import { loadClusterFromPaths } from '../../src/k8s/load-cluster.ts';
import type { DfwConfig } from '../../src/model/dfw-config.ts';
import type { Family } from '../../src/net/ip-address.ts';
import { compareWithEngine, runLab, type LabTarget } from '../../src/lab/run-lab.ts';
import { REPO_ROOT } from '../cli/run-cli.ts';
import { config, ipGroup, policy, ports, rule, threePods } from '../realize/iptables/dfw-fixture.ts';
import { describe, labSkipReason } from './lab-harness.ts';

const skip = await labSkipReason();

/** The evaluator of a config's rendered rulesets, for one dataplane. */
function evaluatorOf(c: Cluster, cfg: DfwConfig, target: LabTarget): ReachabilityEngine {
  const r = renderConfig(cfg, c);
  const nodes = target === 'iptables' ? [...r.iptables].map(([n, t]) => iptablesNode(n, t)) : [...r.nftables].map(([n, t]) => nftNode(n, t));
  return dataplaneTarget(c, target, nodes, [], []).engine;
}

async function kernelVersusEvaluator(c: Cluster, cfg: DfwConfig, target: LabTarget, family: Family, externals: string[], ports: PortQuery[]) {
  const endpoints = endpointsOf(c, family, externals);
  const result = await runLab({ cluster: c, config: cfg, target, endpoints, ports });
  const evaluator = evaluatorOf(c, cfg, target);
  const denied = result.ports.reduce((n, p) => n + endpoints.length * endpoints.length - p.matrix.count(), 0);
  return { diffs: compareWithEngine(result, evaluator), kubernetes: compareWithEngine(result, createKubernetesEngine(c)), denied };
}

for (const example of ['seed-003', 'dual-stack'] as const) {
  const c = loadClusterFromPaths([join(REPO_ROOT, 'examples', example)], { cluster: 'lab' });
  const family: Family = example === 'dual-stack' ? 6 : 4;
  for (const target of ['iptables', 'nftables'] as const) {
    test(`lab: examples/${example}, ${target}, IPv${family}: the kernel's matrix = the ${target} evaluator's`, { skip }, async () => {
      const cfg = convertCluster(c, { profile: 'extended' }).config;
      const { diffs, denied } = await kernelVersusEvaluator(c, cfg, target, family, [family === 4 ? '203.0.113.10' : '2001:db8::10'], defaultPorts(c));
      assert.ok(denied > 0, 'the kernel denied some connections (the policies do something)');
      assert.equal(diffs.length, 0, describe(diffs));
    });
  }
}

// A DFW config no NetworkPolicy converts to: the kernel differs from Kubernetes here, and must still equal the evaluator.
const { c, A, B, C } = threePods();
const OUTSIDE = ipGroup('outside', ['198.51.100.0/28']);
const cfg = config([A, B, C, OUTSIDE], [
  policy('app-c', 1, C, [rule('from-a', 'ALLOW', 'IN', A, 'ANY', [], 0), rule('rest', 'DROP', 'IN', 'ANY', 'ANY', [], 1)]),
  policy('emergency-c', 1000, C, [rule('no-80', 'DROP', 'IN', 'ANY', 'ANY', [ports('TCP', '80')])], 'Emergency'),
  policy('out-b', 5, B, [rule('rej', 'REJECT', 'OUT', 'ANY', A, [ports('TCP', '81-82')]), rule('no-outside', 'DROP', 'OUT', 'ANY', OUTSIDE, [], 1)]),
  policy('in-a', 6, A, [rule('outside-82', 'ALLOW', 'IN', OUTSIDE, 'ANY', [ports('TCP', '82')], 0), rule('no-82', 'DROP', 'IN', 'ANY', 'ANY', [ports('TCP', '82'), ports('UDP', '82')], 1)]),
]);
const P: PortQuery[] = [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 81 }, { protocol: 'TCP', port: 82 }, { protocol: 'UDP', port: 82 }, { protocol: 'UDP', port: 81 }];
for (const target of ['iptables', 'nftables'] as const) {
  test(`lab: a hand-made DFW config (categories, REJECT, ranges, an address group), ${target}: the kernel's matrix = the evaluator's`, { skip }, async () => {
    const { diffs, kubernetes, denied } = await kernelVersusEvaluator(c, cfg, target, 4, ['198.51.100.5', '203.0.113.7'], P);
    assert.ok(denied > 0 && kubernetes.length > 0, 'the kernel denies connections Kubernetes (no policies) allows: the check has teeth');
    assert.equal(diffs.length, 0, describe(diffs));
  });
}
