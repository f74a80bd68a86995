// The lab on small generated clusters (several nodes, dual stack, hostNetwork pods, named ports, ipBlocks with
// except), for both dataplanes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPorts } from '../../src/report/ports.ts';
import { convertCluster } from '../../src/convert/convert-cluster.ts';
import { buildCluster } from '../../src/k8s/cluster.ts';
import { generateCluster } from '../../testing/synthetic/generate-cluster.ts';
import { DISPATCH_LEAF } from '../../src/realize/iptables/dispatch-tree.ts';
import { nodesOf, planNode } from '../../src/realize/iptables/node-plan.ts';
import { describe, labSkipReason, labVersusKubernetes } from './lab-harness.ts';

const skip = await labSkipReason();
const runs: { seed: number; target: 'nftables' | 'iptables'; family: 4 | 6 }[] = [
  { seed: 1, target: 'nftables', family: 4 },
  { seed: 1, target: 'iptables', family: 4 },
  { seed: 2, target: 'nftables', family: 6 },
  { seed: 2, target: 'iptables', family: 6 },
  { seed: 3, target: 'iptables', family: 4 },
  { seed: 4, target: 'nftables', family: 4 },
];

for (const { seed, target, family } of runs) {
  test(`lab: generated cluster seed ${seed}, ${target}, IPv${family}: observed = Kubernetes`, { skip }, async () => {
    const cluster = generateCluster('random', { seed, name: 'lab' });
    const externals = family === 4 ? ['198.51.100.7'] : ['2001:db8::7'];
    const { diffs, probed } = await labVersusKubernetes(cluster, target, family, { externals });
    assert.ok(probed > 0);
    assert.equal(diffs.length, 0, describe(diffs));
  });
}

test('lab: more than 8 protected pods on one node (the iptables dispatch tree), iptables and nftables, IPv4', { skip }, async () => {
  const g = generateCluster('random', { seed: 5, scale: 1.5, name: 'lab' });
  const cluster = buildCluster('lab', { namespaces: [...g.namespaces.values()], pods: g.pods.map((p) => ({ ...p, nodeName: undefined })), policies: g.policies });
  const plan = planNode(convertCluster(cluster, { profile: 'extended' }).config, cluster, nodesOf(cluster)[0]);
  assert.ok(plan.pods.filter((p) => p.ips[4] && p.in.length).length > DISPATCH_LEAF, `${plan.pods.length} protected pods`);
  for (const target of ['iptables', 'nftables'] as const) {
    const { diffs } = await labVersusKubernetes(cluster, target, 4, { ports: defaultPorts(cluster).slice(0, 2) });
    assert.equal(diffs.length, 0, describe(diffs));
  }
});
