// The install story, as a user meets it: `npm pack` the repository, install the tarball into an empty folder, and
// run the installed `np2dfw`. Offline-safe: the dependencies come from npm's cache (filled by `npm ci`) or from the
// registry npm is configured for.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT, runNp2dfw } from '../cli/run-cli.ts';

const work = mkdtempSync(join(tmpdir(), 'np2dfw-install-'));
after(() => rmSync(work, { recursive: true, force: true }));
// This Node (24) first on PATH: the installed bin's `#!/usr/bin/env node` runs on it, as on a machine with Node 24.
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, NP2DFW_DEBUG: '' };

function run(cmd: string, args: readonly string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

describe('npm pack, then npm install of the tarball into an empty folder', () => {
  let app = '';

  it('packs the repository into a tarball with the built JavaScript, the bin and the examples, and no tests', () => {
    const packed = run('npm', ['pack', '--pack-destination', work, '--json'], REPO_ROOT);
    assert.equal(packed.status, 0, packed.stderr);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const paths = info.files.map((f) => f.path);
    assert.ok(paths.includes('bin/np2dfw.js'));
    assert.ok(paths.includes('dist/cli/main.js'));
    assert.ok(paths.includes('dist/lab/agent.js'));
    assert.ok(paths.includes('dist/realize/antrea/crds/v2.7.0/clusternetworkpolicy.yaml'));
    assert.ok(paths.includes('dist/console/index.html'), 'the console\'s static files');
    assert.ok(paths.includes('examples/seed-003/network-policy.yaml'));
    assert.ok(!paths.some((p) => p.startsWith('test/') || p.startsWith('src/')), 'no tests and no TypeScript sources');
    assert.ok(!existsSync(join(REPO_ROOT, 'dist')), 'the build is removed from the repository after packing');
    app = join(work, 'app');
    mkdirSync(app);
    const installed = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-save', join(work, info.filename)], app);
    assert.equal(installed.status, 0, installed.stderr);
    assert.ok(readdirSync(join(app, 'node_modules')).includes('np2dfw'));
  });

  it('the installed np2dfw prints its version', () => {
    const r = run(join(app, 'node_modules', '.bin', 'np2dfw'), ['--version'], app);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '0.1.0\n');
  });

  it('the installed np2dfw computes what the repository computes on an example', () => {
    const args = ['-f', join(app, 'node_modules', 'np2dfw', 'examples', 'shop'), '-o', 'connlist'];
    const installed = run(join(app, 'node_modules', '.bin', 'np2dfw'), ['reach', ...args], app);
    assert.equal(installed.status, 0, installed.stderr);
    const repo = runNp2dfw(['reach', '-f', 'examples/shop', '-o', 'connlist']);
    assert.equal(repo.code, 0, repo.stderr);
    assert.equal(installed.stdout, repo.stdout);
    assert.match(installed.stdout, /^web\/frontend-a => api\/cart-7c9f : TCP 8080-8081$/m);
  });
});
