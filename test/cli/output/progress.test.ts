// Progress goes to a terminal only, and only for work that lasts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stderrProgress } from '../../../src/cli/output/progress.ts';

/** A stand-in for stderr that records what is written (a terminal or not). */
function recorder(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = { isTTY, write: (s: string) => { written.push(s); return true; } } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('stderrProgress', () => {
  it('writes and clears a line on a terminal once the delay has passed', () => {
    const { stream, written } = recorder(true);
    const p = stderrProgress(stream, 0);
    p.update('computing 80/TCP');
    p.done();
    assert.deepEqual(written, ['\r\x1b[Kcomputing 80/TCP', '\r\x1b[K']);
  });
  it('writes nothing for quick work, and nothing at all when stderr is not a terminal', () => {
    const quick = recorder(true);
    const p = stderrProgress(quick.stream, 60_000);
    p.update('computing 80/TCP');
    p.done();
    assert.deepEqual(quick.written, []);
    const pipe = recorder(false);
    const q = stderrProgress(pipe.stream, 0);
    q.update('computing 80/TCP');
    q.done();
    assert.deepEqual(pipe.written, []);
  });
});
