// `np2dfw lab` and `np2dfw apply` as a user runs them: the reach JSON exactly, SCTP skipped with a notice, Ctrl-C
// cleans up, a non-root user is refused with a clear message.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { REPO_ROOT, runNp2dfw } from '../cli/run-cli.ts';
import { labSkipReason } from './lab-harness.ts';

const skip = await labSkipReason();
const MAIN = join(REPO_ROOT, 'src', 'cli', 'main.ts');

function labNamespacesOf(pid: number): string[] {
  const out = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  return out.split('\n').map((l) => l.split(' ')[0]).filter((n) => n.startsWith(`np2dfw-${pid}-`));
}

test('lab -o json prints exactly what reach -o json prints when the kernel agrees; SCTP is skipped with a notice', { skip }, () => {
  const args = ['-f', 'examples/seed-003', '--port', '6379', '--port', '80/TCP', '--port', '5000/SCTP', '-o', 'json'];
  const lab = runNp2dfw(['lab', '--target', 'iptables', ...args]);
  assert.equal(lab.code, 0, lab.stderr);
  const reach = runNp2dfw(['reach', '-f', 'examples/seed-003', '--port', '6379', '--port', '80/TCP', '-o', 'json']);
  assert.equal(reach.code, 0, reach.stderr);
  assert.equal(lab.stdout, reach.stdout);
  assert.match(lab.stderr, /5000\/SCTP skipped/);
  assert.match(lab.stderr, /behaved exactly as the Kubernetes semantics say/);
});

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`lab cleans up every namespace on ${signal} and exits ${code}`, { skip }, async () => {
    const child = spawn(process.execPath, [MAIN, 'lab', '-f', 'examples/shop', '--target', 'nftables'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const started = new Promise<void>((resolve) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (/attaching/.test(stderr)) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    await started;
    assert.ok(labNamespacesOf(child.pid!).length > 0, 'the lab has namespaces while it runs');
    child.kill(signal);
    assert.equal(await exited, code);
    assert.match(stderr, new RegExp(`interrupted \\(${signal}\\)`));
    assert.deepEqual(labNamespacesOf(child.pid!), []);
  });
}

// Whoever runs as nobody must not need to read the checkout (it may live in /root/... or a mktemp -d folder):
// node starts as root, loads the whole CLI, then drops to nobody; the input comes on stdin.
const AS_NOBODY = `
const [main, ...args] = process.argv.slice(1);
const { runCli } = await import(main);
process.setgroups([]); process.setgid(65534); process.setuid(65534);
process.exitCode = await runCli(args);`;

test('lab and apply refuse clearly when not run as root', { skip }, () => {
  for (const args of [['lab', '-f', '-', '--target', 'nftables'], ['apply', '-f', '-', '--target', 'nftables', '--node', 'node-1']]) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', AS_NOBODY, '--', pathToFileURL(MAIN).href, ...args], {
      cwd: tmpdir(), encoding: 'utf8', input: readFileSync(join(REPO_ROOT, 'examples', 'seed-003', 'pods.yaml'), 'utf8'),
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /must run as root/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
  }
});

test('apply --dry-run prints the scripts; apply needs --node when pods run on several nodes', { skip }, () => {
  const dry = runNp2dfw(['apply', '-f', 'examples/seed-003', '--target', 'iptables', '--node', 'node-1', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /# ipset restore\ncreate np2dfw-a-/);
  assert.match(dry.stdout, /# iptables-restore --noflush\n\*filter\n:NP2DFW - \[0:0\]/);
  assert.match(dry.stdout, /# ip6tables-restore --noflush\n\*filter/);
  const nft = runNp2dfw(['apply', '-f', 'examples/seed-003', '--target', 'nftables', '--node', 'node-1', '--dry-run']);
  assert.match(nft.stdout, /table inet np2dfw \{\}\ndelete table inet np2dfw\ntable inet np2dfw \{/);
  const noNode = runNp2dfw(['apply', '-f', 'examples/seed-003', '--target', 'nftables', '--dry-run']);
  assert.equal(noNode.code, 2);
  assert.match(noNode.stderr, /2 nodes \(node-1, node-2\): give --node NAME/);
});

test('apply --netns loads a node\'s ruleset into a namespace and --remove takes it away', { skip }, () => {
  const ns = `np2dfw-${process.pid}-cli-apply`;
  spawnSync('ip', ['netns', 'add', ns]);
  try {
    for (const target of ['nftables', 'iptables']) {
      const r = runNp2dfw(['apply', '-f', 'examples/seed-003', '--target', target, '--node', 'node-1', '--netns', ns]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /node node-1: 1 protected pod,/);
      const listed = target === 'nftables'
        ? spawnSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'inet', 'np2dfw'], { encoding: 'utf8' }).stdout
        : spawnSync('ip', ['netns', 'exec', ns, 'iptables-save'], { encoding: 'utf8' }).stdout;
      assert.match(listed, /10\.244\.1\.10/);
      const rm = runNp2dfw(['apply', '--target', target, '--remove', '--netns', ns]);
      assert.equal(rm.code, 0, rm.stderr);
    }
    assert.doesNotMatch(spawnSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'ruleset'], { encoding: 'utf8' }).stdout, /np2dfw|NP2DFW/);
  } finally {
    spawnSync('ip', ['netns', 'delete', ns]);
  }
});
