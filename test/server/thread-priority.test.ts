// The import worker runs at a lower scheduling priority than the request thread (Linux: per-thread nice values).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { currentThreadId, IMPORT_WORKER_NICE } from '../../src/server/import/thread-priority.ts';
import { startFixture } from './server-fixture.ts';

const linux = process.platform === 'linux';

/** The nice value of every thread of this process (/proc/self/task/TID/stat, field 19). */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on
      out.set(Number(tid), Number(fields[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

describe('the import worker\'s thread priority', { skip: !linux && 'threads have no nice value of their own here' }, () => {
  it('lowers only the calling thread', async () => {
    const mine = currentThreadId()!;
    assert.equal(mine, process.pid); // the main thread's id is the process id
    const before = getPriority(0);
    const code = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(new URL('../../src/server/import/thread-priority.ts', import.meta.url).href)}).then((m) => {
        const tid = m.currentThreadId();
        parentPort.postMessage({ tid, lowered: m.lowerThreadPriority(), nice: require('node:os').getPriority(tid) });
      });`;
    const w = new Worker(code, { eval: true });
    const reply = await new Promise<{ tid: number; lowered: boolean; nice: number }>((resolve) => w.once('message', resolve));
    assert.notEqual(reply.tid, mine);
    assert.equal(reply.lowered, true);
    assert.equal(reply.nice, IMPORT_WORKER_NICE);
    assert.equal(getPriority(0), before);
    await w.terminate();
  });

  it('a server on a SQLite file runs its import worker at the lower priority, its request thread unchanged',
    { skip: linux && getPriority(0) >= IMPORT_WORKER_NICE && 'this process already runs at or below that priority' }, async () => {
    const nicesBefore = new Set(threadNices().keys());
    const f = await startFixture({ backend: 'sqlite' });
    try {
      let lowered: number[] = [];
      for (let i = 0; i < 100 && lowered.length === 0; i++) {
        lowered = [...threadNices()].filter(([tid, nice]) => !nicesBefore.has(tid) && nice === IMPORT_WORKER_NICE).map(([tid]) => tid);
        if (lowered.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(lowered.length, 1, 'one new thread (the import worker) at the lower priority');
      assert.equal(threadNices().get(process.pid), getPriority(0));
    } finally {
      await f.close();
    }
  });
});
