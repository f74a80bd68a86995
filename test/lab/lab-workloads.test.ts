// `np2dfw lab` on a folder of workload manifests (test/k8s/fixtures/workload-corpus): the workloads get their
// assigned addresses in the lab's namespaces and the kernel's observed matrix is the reference engine's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runNp2dfw } from '../cli/run-cli.ts';
import { labSkipReason } from './lab-harness.ts';

const skip = await labSkipReason();

test('lab -R on workload manifests prints exactly what reach prints', { skip }, () => {
  const args = ['-R', '-f', 'test/k8s/fixtures/workload-corpus/workloads', '--port', '7070', '--port', '5353/UDP', '-o', 'json'];
  const lab = runNp2dfw(['lab', '--target', 'iptables', ...args]);
  assert.equal(lab.code, 0, lab.stderr);
  const reach = runNp2dfw(['reach', ...args]);
  assert.equal(lab.stdout, reach.stdout);
  assert.match(lab.stdout, /"shop\/frontend\[Deployment\]":\{/);
});
