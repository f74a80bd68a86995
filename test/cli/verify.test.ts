import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNp2dfw } from './run-cli.ts';

describe('np2dfw verify --target nsx', () => {
  it('prints "equivalent" with what it checked, exit 0', () => {
    const r = runNp2dfw(['verify', '-f', 'examples/seed-003', '--target', 'nsx']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^equivalent: nsx allows exactly what kubernetes allows\nchecked IPv4: \d+ pod endpoints and \d+ external addresses/);
  });

  it('exits 3 listing the policies it cannot convert under --on-error abort', () => {
    // examples/named-ports is the documented refusal case: named ports and a multi-value In.
    const r = runNp2dfw(['verify', '-f', 'examples/named-ports']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /cannot be converted for nsx; nothing was verified/);
    assert.match(r.stderr, /MULTI_VALUE_IN_UNSUPPORTED/);
  });

  it('with --on-error continue verifies the mixed state: a table of counterexamples, exit 1', () => {
    const r = runNp2dfw(['verify', '-f', 'examples/named-ports', '--on-error', 'continue', '--max-counterexamples', '3']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^different: \d+ connections differ between kubernetes and nsx \(the first 3 below\)/);
    assert.match(r.stdout, /\| Source \| Destination \| Port \| kubernetes \| kubernetes: decided by \| nsx \| nsx: decided by \|/);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Source') && !l.startsWith('| ---'));
    assert.equal(rows.length, 3);
    for (const row of rows) assert.match(row, /\| allowed \| .*allowed by .* \| denied \| .*denied by DFW policy/);
  });

  it('-o json gives the report', () => {
    const r = runNp2dfw(['verify', '-f', 'examples/seed-003', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.equivalent, true);
    assert.ok(report.counts.connections > 0);
  });

  it('--only converts the policies named; an unknown uid is a usage error (exit 2) that names it', () => {
    const body = JSON.parse(runNp2dfw(['convert', '-f', 'examples/seed-003', '-o', 'json']).stdout);
    const policy = body.children[0].Domain.children.find((c: { resource_type: string }) => c.resource_type === 'ChildSecurityPolicy').SecurityPolicy;
    const uid = policy.tags.find((t: { scope: string }) => t.scope === 'k8s-network-policy-uid').tag;
    const r = runNp2dfw(['verify', '-f', 'examples/seed-003', '--only', uid]);
    assert.equal(r.code, 0, r.stderr);
    const bad = runNp2dfw(['verify', '-f', 'examples/seed-003', '--only', '00000000-0000-4000-8000-000000000000']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--only 00000000-0000-4000-8000-000000000000: no NetworkPolicy of the input has this metadata\.uid/);
  });
});
