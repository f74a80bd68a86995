// SIGTERM to `npm start` or to `npx np2dfw ...` must end np2dfw too: npm signals its `sh -c`, which dies without
// passing the signal on, so np2dfw watches its npm parent (src/cli/npm-parent.ts) and `npm start` execs node.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './run-cli.ts';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

/** Starts `serve` through npm, SIGTERMs npm once it listens, and says whether anything still serves on the port. */
async function servesAfterSigterm(command: string, args: string[]): Promise<{ stillServing: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'np2dfw-signals-'));
  try {
    const child = spawn(command, [...args, '--db', join(dir, 'np2dfw.db'), '--listen', '127.0.0.1:0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const onData = (b: Buffer) => {
        output += b.toString();
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (m) resolve(Number(m[1]));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', () => reject(new Error(`ended before listening: ${output}`)));
    });
    assert.ok(await accepts(port), 'serves before the signal');
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    for (let i = 0; i < 40; i++) {
      if (!(await accepts(port))) return { stillServing: false, output };
      await new Promise((r) => setTimeout(r, 250));
    }
    return { stillServing: true, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('signals through npm', () => {
  it('SIGTERM to `npm start` stops the server (no orphaned node process serving on the port)', async () => {
    const r = await servesAfterSigterm('npm', ['start', '--']);
    assert.equal(r.stillServing, false, r.output);
  });

  it('SIGTERM to `npx np2dfw serve` stops the server', async () => {
    const r = await servesAfterSigterm('npx', ['--no-install', 'np2dfw', 'serve']);
    assert.equal(r.stillServing, false, r.output);
  });
});
