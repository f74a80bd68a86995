// The lab on small generated clusters (several nodes, dual stack, hostNetwork pods, named ports, ipBlocks with
// except), for both dataplanes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCluster } from '../../src/k8s/synthetic/generate-cluster.ts';
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
