import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNp2dfw } from './run-cli.ts';

describe('np2dfw verify --progress', () => {
  it('prints progress lines to stderr into a pipe, first and last matrix included; stdout unchanged', () => {
    const r = runNp2dfw(['verify', '-f', 'examples/seed-003', '--target', 'nsx', '--progress']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^equivalent: /);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines[0], 'np2dfw: reading and checking the input: 0 of 1');
    const matrices = lines.filter((l) => l.startsWith('np2dfw: comparing the matrices of every port class: '));
    assert.match(matrices[0], /: 1 of (\d+)$/);
    const total = Number(/of (\d+)$/.exec(matrices[0])![1]);
    assert.ok(total >= 10, `seed-003 has ${total} port classes`);
    assert.equal(matrices.at(-1), `np2dfw: comparing the matrices of every port class: ${total} of ${total}`);
    assert.ok(matrices.length <= 11, 'at most a line per tenth of the work');
    assert.equal(lines.at(-1), 'np2dfw: verifying: 1 of 1');
  });

  it('prints nothing on stderr without --progress when stderr is not a terminal', () => {
    const r = runNp2dfw(['verify', '-f', 'examples/seed-003', '--target', 'nsx']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
});
