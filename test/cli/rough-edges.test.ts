// Issue 11's rough edges of the CLI, each as a user meets it (a child process, as a user runs np2dfw).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { countOf, formatCount } from '../../src/evaluate/counts.ts';
import { EMITTERS } from '../../src/targets/registry.ts';
import { REPO_ROOT, runNp2dfw } from './run-cli.ts';

describe('convert', () => {
  it('says on stderr when the input holds no NetworkPolicy (and still exits 0)', () => {
    const r = runNp2dfw(['convert', '-f', 'examples/seed-003/pods.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the input holds no NetworkPolicy: there is nothing to convert for nsx/);
  });

  it('--only with an unknown uid is a usage error that names the uid and the uids there are', () => {
    const r = runNp2dfw(['convert', '-f', 'examples/seed-003', '--only', 'nosuch-uid']);
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /\/ \(uid/);
    assert.match(r.stderr, /--only nosuch-uid: no NetworkPolicy of the input has this metadata\.uid; its NetworkPolicies' uids: 5b1c3e44-93a5-4d8e-a1f2-3c0d7e9b0001 \(default\/test-network-policy\)/);
    assert.equal(runNp2dfw(['verify', '-f', 'examples/seed-003', '--only', 'nosuch-uid']).code, 2);
  });

  it('help convert lists the -o formats of every target', () => {
    const r = runNp2dfw(['help', 'convert']);
    assert.equal(r.code, 0, r.stderr);
    const text = r.stdout.replace(/\s+/g, ' ');
    assert.ok(EMITTERS.size >= 4);
    for (const [name, e] of EMITTERS) assert.ok(text.includes(`${name}: ${e.formats.join(', ')}`), `${name}: ${e.formats.join(', ')} in ${text}`);
  });
});

describe('help', () => {
  it('help nosuch is a usage error (exit 2) naming the commands', () => {
    const r = runNp2dfw(['help', 'nosuch']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: unknown command 'nosuch'; commands: reach, explain, convert/);
  });

  it('help GROUP SUBCOMMAND shows the subcommand\'s help', () => {
    for (const [group, sub, usage] of [['inventory', 'push', 'Usage: np2dfw inventory push [options]'], ['user', 'add', 'Usage: np2dfw user add [options] <name>']]) {
      const r = runNp2dfw(['help', group, sub]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.startsWith(usage), r.stdout);
    }
    assert.equal(runNp2dfw(['help', 'inventory', 'nope']).code, 2);
    const top = runNp2dfw(['help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /^Usage: np2dfw \[options\] \[command\]/);
  });

  it('bare np2dfw prints the help on stderr and exits 2 (a usage error, as git does)', () => {
    const r = runNp2dfw([]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Usage: np2dfw \[options\] \[command\]/);
  });
});

describe('keywords in any case', () => {
  it('-o JSON, --target NSX, --via NSX and --port 80/tcp mean what their lower/upper case forms mean', () => {
    const lower = runNp2dfw(['convert', '-f', 'examples/seed-003', '--target', 'nsx', '-o', 'json']);
    const upper = runNp2dfw(['convert', '-f', 'examples/seed-003', '--target', 'NSX', '-o', 'JSON']);
    assert.equal(upper.code, 0, upper.stderr);
    assert.equal(upper.stdout, lower.stdout);
    const reach = runNp2dfw(['reach', '-f', 'examples/seed-003', '--port', '6379/TCP', '-o', 'csv', '--via', 'nsx']);
    const reachMixed = runNp2dfw(['reach', '-f', 'examples/seed-003', '--port', '6379/tcp', '-o', 'CSV', '--via', 'NSX', '--group', 'Auto']);
    assert.equal(reachMixed.code, 0, reachMixed.stderr);
    assert.equal(reachMixed.stdout, reach.stdout);
    const verify = runNp2dfw(['verify', '-f', 'examples/seed-003', '--target', 'Antrea', '-o', 'Json', '--on-error', 'CONTINUE']);
    assert.equal(verify.code, 0, verify.stderr);
    assert.equal(JSON.parse(verify.stdout).other, 'antrea');
  });
});

describe('counts in human output', () => {
  it('separate thousands and use the singular for one', () => {
    assert.equal(formatCount(11138058369), '11,138,058,369');
    assert.equal(countOf(1, 'external address', 'external addresses'), '1 external address');
    assert.equal(countOf(2, 'external address', 'external addresses'), '2 external addresses');
    assert.equal(countOf(4901, 'connection'), '4,901 connections');
  });

  it('verify says "1 external address" and "5,070 connections"', () => {
    const one = runNp2dfw(['verify', '-f', 'examples/named-ports', '--target', 'antrea']);
    assert.match(one.stdout, /5 pod endpoints and 1 external address \(/);
    const shop = runNp2dfw(['verify', '-f', 'examples/shop', '--target', 'nsx']);
    assert.match(shop.stdout, /30 matrices, 5,070 connections/);
  });
});

describe('README', () => {
  it('the named-ports example says as many refused policies as verify prints', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const shown = /\$ np2dfw verify -f examples\/named-ports --target nsx\n(error: [^\n]*)/.exec(readme);
    assert.ok(shown, 'the README shows the example');
    const r = runNp2dfw(['verify', '-f', 'examples/named-ports', '--target', 'nsx']);
    assert.equal(r.code, 3);
    assert.equal(shown[1], r.stderr.split('\n')[0]);
  });

  it('no longer says that npm keeps --help for itself, and npx np2dfw reach --help shows the help', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    assert.doesNotMatch(readme, /npm keeps `--help` for itself/);
    const r = spawnSync('npx', ['--no-install', 'np2dfw', 'reach', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: np2dfw reach \[options\]/);
  });
});
