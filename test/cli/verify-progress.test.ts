import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNp2dfw } from './run-cli.ts';

describe('np2dfw verify --progress', () => {
  it('prints progress lines to stderr into a pipe, first and last matrix included; stdout unchanged', () => {
    const r = runNp2dfw(['verify', '-f', 'examples/seed-003', '--target', 'nsx', '--progress']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^equivalent: /);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0], /^np2dfw verify: matrix 1 of (\d+) \(IPv4, \d+\/TCP\)$/);
    const total = /of (\d+)/.exec(lines[0])![1];
    assert.match(lines.at(-1)!, new RegExp(`^np2dfw verify: matrix ${total} of ${total} \\(IPv4, other IP protocols \\(ICMP, \\.\\.\\.\\)\\)$`));
  });

  it('prints nothing on stderr without --progress when stderr is not a terminal', () => {
    const r = runNp2dfw(['verify', '-f', 'examples/seed-003', '--target', 'nsx']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
});
