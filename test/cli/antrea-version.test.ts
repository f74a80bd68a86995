// --antrea-version on the CLI: convert writes for the release, verify models what its API server keeps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNp2dfw } from './run-cli.ts';

describe('--antrea-version', () => {
  it('convert: 2.1 (and the default) never writes except; 2.2 writes it natively', () => {
    for (const example of ['examples/seed-003', 'examples/dual-stack']) {
      for (const [args, expected] of [[['--antrea-version', '2.1'], false], [[], false], [['--antrea-version', '2.2'], true]] as const) {
        const r = runNp2dfw(['convert', '-f', example, '--target', 'antrea', ...args]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.includes('except'), expected, `${example} ${args.join(' ')}`);
      }
    }
  });

  it('verify: equivalent for 2.1 and 2.2; a hand-made except under 2.1 is pruned and the widening shown as different', () => {
    for (const v of ['2.1', '2.2']) assert.equal(runNp2dfw(['verify', '-f', 'examples/seed-003', '--target', 'antrea', '--antrea-version', v]).code, 0, v);
    const handMade = runNp2dfw(['convert', '-f', 'examples/seed-003', '--target', 'antrea', '--antrea-version', '2.2']).stdout;
    const r = runNp2dfw(['verify', '-f', 'examples/seed-003', '--target', 'antrea', '--antrea-version', '2.1', '--against', '-'], { stdin: handMade });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /warning: <stdin>:\d+: ClusterNetworkPolicy\/default\.test-network-policy\.allow: spec\.ingress\[0\]\.from\[0\]\.ipBlock\.except: unknown to Antrea 2\.1: its API server prunes this field, silently/);
    assert.match(r.stdout, /^different: 1 connection/);
    assert.match(r.stdout, /\| 172\.17\.1\.\d+ \| default\/db \| 6379\/TCP \| denied \| .* \| allowed \| .*ClusterNetworkPolicy default\.test-network-policy\.allow/);
    const at22 = runNp2dfw(['verify', '-f', 'examples/seed-003', '--target', 'antrea', '--antrea-version', '2.2', '--against', '-'], { stdin: handMade });
    assert.equal(at22.code, 0, at22.stderr);
    assert.equal(at22.stderr, '');
  });

  it('is a usage error (exit 2) for an unsupported release or a target it does not apply to', () => {
    const bad = runNp2dfw(['convert', '-f', 'examples/seed-003', '--target', 'antrea', '--antrea-version', '1.15']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--antrea-version 1\.15: Antrea 1\.15 is not supported: np2dfw supports 2\.0 to 2\.7/);
    const nsx = runNp2dfw(['verify', '-f', 'examples/seed-003', '--target', 'nsx', '--antrea-version', '2.1']);
    assert.equal(nsx.code, 2);
    assert.match(nsx.stderr, /--antrea-version applies to antrea and nsx-antrea, not to --target nsx/);
    const reach = runNp2dfw(['reach', '-f', 'examples/seed-003', '--antrea-version', '2.1', '--port', '80']);
    assert.equal(reach.code, 2);
    assert.match(reach.stderr, /give --via/);
  });
});
