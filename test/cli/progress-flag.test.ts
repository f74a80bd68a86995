// --progress on the commands that can run long: plain phase lines on stderr when stderr is a pipe; stdout unchanged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNp2dfw } from './run-cli.ts';

describe('--progress in a pipe', () => {
  for (const [command, phases] of [
    ['verify', ['reading and checking the input', 'converting for nsx', 'verifying']],
    ['convert', ['reading and checking the input', 'converting for nsx']],
  ] as const) {
    it(`${command}: a line when each phase starts and ends`, () => {
      const args = [command, '-f', 'examples/seed-003', '--target', 'nsx'];
      const quiet = runNp2dfw(args);
      const loud = runNp2dfw([...args, '--progress']);
      assert.equal(loud.code, quiet.code, loud.stderr);
      assert.equal(loud.stdout, quiet.stdout);
      assert.deepEqual(loud.stderr.split('\n').filter((l) => l.startsWith('np2dfw: ') && / of 1$/.test(l)),
        phases.flatMap((p) => [`np2dfw: ${p}: 0 of 1`, `np2dfw: ${p}: 1 of 1`]));
    });
  }
});
