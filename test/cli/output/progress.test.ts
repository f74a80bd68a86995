// Progress goes to a terminal only, and only for work that lasts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressReporter, stderrProgress } from '../../../src/cli/output/progress.ts';

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

describe('progressReporter (--progress)', () => {
  it('writes plain lines into a pipe with --progress: when a phase starts and at each tenth of it', () => {
    const pipe = recorder(false);
    const p = progressReporter(true, pipe.stream, 0);
    p.report({ done: 0, total: 1, what: 'loading' });
    p.report({ done: 1, total: 1, what: 'loading' });
    for (let i = 0; i <= 20; i++) p.report({ done: i, total: 20, what: 'counting' });
    p.done();
    assert.deepEqual(pipe.written, [
      'np2dfw: loading: 0 of 1\n', 'np2dfw: loading: 1 of 1\n',
      ...[0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20].map((n) => `np2dfw: counting: ${n} of 20\n`),
    ]);
  });
  it('writes nothing into a pipe without --progress, and one updating line on a terminal', () => {
    const pipe = recorder(false);
    const q = progressReporter(false, pipe.stream, 0);
    q.report({ done: 1, total: 2, what: 'counting' });
    q.done();
    assert.deepEqual(pipe.written, []);
    const tty = recorder(true);
    const t = progressReporter(undefined, tty.stream, 0);
    t.report({ done: 1, total: 2, what: 'counting' });
    t.done();
    assert.deepEqual(tty.written, ['\r\x1b[Knp2dfw: counting (1 of 2)...', '\r\x1b[K']);
  });
});
