// The lab on every example, for both dataplanes: the real kernel's verdicts equal the reference engine's.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadClusterFromPaths } from '../../src/k8s/load-cluster.ts';
import { podIsLive } from '../../src/k8s/pod.ts';
import { familyOf } from '../../src/net/ip-address.ts';
import { REPO_ROOT } from '../cli/run-cli.ts';
import { describe, labSkipReason, labVersusKubernetes } from './lab-harness.ts';

const skip = await labSkipReason();
const examples = readdirSync(join(REPO_ROOT, 'examples'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

for (const example of examples) {
  const cluster = loadClusterFromPaths([join(REPO_ROOT, 'examples', example)], { cluster: 'lab' });
  const families = ([4, 6] as const).filter((f) => cluster.pods.filter((p) => podIsLive(p) && p.ips.some((ip) => familyOf(ip) === f)).length > 1);
  for (const target of ['nftables', 'iptables'] as const) {
    for (const family of families) {
      const externals = family === 4 ? ['203.0.113.10'] : ['2001:db8::10'];
      test(`lab: examples/${example}, ${target}, IPv${family}: observed = Kubernetes`, { skip }, async () => {
        const { diffs, probed, result } = await labVersusKubernetes(cluster, target, family, { externals });
        assert.ok(probed > 0 && result.ports.length > 0, 'something was probed');
        assert.equal(diffs.length, 0, describe(diffs));
      });
    }
  }
}
