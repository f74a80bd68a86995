// `np2dfw reach` through the real CLI: formats, flags, exit codes, targets, and the layout of large clusters.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parsePortArgument } from '../../src/cli/arguments.ts';
import { comparePorts } from '../../src/report/ports.ts';
import { parseReachJson, REPO_ROOT, runNp2dfw } from './run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'np2dfw-reach-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A cluster of `namespaces` x `perNamespace` pods; in every namespace a policy lets only pods labelled
 * role=client of the same namespace in on 80/TCP, and one pod per namespace is a client.
 */
function writeCluster(name: string, namespaces: number, perNamespace: number): string {
  const docs: string[] = [];
  let ip = 1;
  for (let n = 0; n < namespaces; n++) {
    const ns = `ns-${String(n).padStart(2, '0')}`;
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}`);
    for (let p = 0; p < perNamespace; p++) {
      const role = p === 0 ? 'client' : 'server';
      docs.push(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${String(p).padStart(2, '0')}\n  namespace: ${ns}\n  labels:\n    role: ${role}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    ports:\n    - containerPort: 80\nstatus:\n  phase: Running\n  podIP: 10.1.${Math.floor(ip / 250)}.${(ip % 250) + 1}`);
      ip++;
    }
    docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: only-clients\n  namespace: ${ns}\nspec:\n  podSelector:\n    matchLabels:\n      role: server\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          role: client\n    ports:\n    - port: 80`);
  }
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, docs.join('\n---\n') + '\n');
  return file;
}

describe('np2dfw reach', () => {
  it('-o json prints exactly {"ports":[{"protocol","port","matrix"}]} on one line, pods as ns/name, externals as IPs', () => {
    const r = runNp2dfw(['reach', '-f', 'examples/seed-003', '--port', '80', '--external', '10.0.0.5', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^\{"ports":\[\{"protocol":"TCP","port":80,"matrix":\{"default\/db":\{"default\/db":true,"default\/frontend":false,/);
    assert.equal(r.stdout.split('\n').length, 2, 'one line and a newline');
    const m = parseReachJson(r.stdout).get('80/TCP')!;
    assert.deepEqual(m.order, ['default/db', 'default/frontend', 'default/worker', 'myproject/client', 'other/frontend', '10.0.0.5']);
    assert.equal(m.matrix['10.0.0.5']['default/frontend'], true);
  });

  it('--port 80 means 80/TCP; repeated ports keep their order and duplicates are dropped', () => {
    const r = runNp2dfw(['reach', '-f', 'examples/seed-003', '--port', '53/udp', '--port', '80', '--port', '80/TCP', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...parseReachJson(r.stdout).keys()], ['53/UDP', '80/TCP']);
  });

  it('reads several -f and stdin (-f -)', () => {
    const stdin = readFileSync(join(REPO_ROOT, 'examples/seed-003/network-policy.yaml'), 'utf8');
    const r = runNp2dfw(['reach', '-f', 'examples/seed-003/pods.yaml', '-f', 'examples/seed-003/namespaces.yaml', '-f', '-', '--port', '6379', '-o', 'json'], { stdin });
    assert.equal(r.code, 0, r.stderr);
    const m = parseReachJson(r.stdout).get('6379/TCP')!;
    assert.equal(m.matrix['default/frontend']['default/db'], true);
    assert.equal(m.matrix['other/frontend']['default/db'], false, 'the policy read from stdin is in force');
  });

  it('-o csv: one row per port and pair', () => {
    const r = runNp2dfw(['reach', '-f', 'examples/seed-003', '--port', '6379', '--port', '80', '-o', 'csv']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'protocol,port,source,destination,allowed');
    assert.equal(lines.length, 1 + 2 * 5 * 5);
    assert.ok(lines.includes('TCP,6379,other/frontend,default/db,false'));
    assert.ok(lines.includes('TCP,6379,default/frontend,default/db,true'));
    assert.ok(lines.includes('TCP,80,default/frontend,default/db,false'));
  });

  it('the table of 50 pods is a numbered grid that fits in 100 columns', () => {
    const file = writeCluster('fifty', 5, 10);
    const r = runNp2dfw(['reach', '-f', file, '--port', '80']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^80\/TCP: \d+ of 2,500 connections allowed/);
    const rows = lines.filter((l) => /^\s*\d+ {2}ns-/.test(l));
    assert.equal(rows.length, 50);
    for (const l of lines) assert.ok(l.length <= 100, `too wide (${l.length}): ${l}`);
    // Row 2 (ns-00/pod-01, a server) accepts only its namespace's client (column 1) and itself (column 2).
    const cells = (row: string) => row.slice(row.lastIndexOf('  ') + 2).replaceAll(' ', '');
    assert.equal(cells(rows[0]).length, 50);
    const column2 = rows.map((row) => cells(row)[1]).join('');
    assert.equal(column2, '..' + 'X'.repeat(48));
  });

  it('beyond 60 endpoints the table groups by namespace with allowed/total counts', () => {
    const file = writeCluster('seventy', 7, 10);
    const r = runNp2dfw(['reach', '-f', file, '--port', '80']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /by namespace/);
    // Within a namespace: 10x10 pairs; the 9 servers accept the client and themselves: 100 - 9*8 = 28 allowed.
    assert.match(r.stdout, /\n +1 {2}ns-00 \(10\) +28\/100 +10\/100 /);
    // --group pod forces the grid.
    const grid = runNp2dfw(['reach', '-f', file, '--port', '80', '--group', 'pod']);
    assert.equal(grid.stdout.split('\n').filter((l) => /^\s*\d+ {2}ns-/.test(l)).length, 70);
  });

  it('-o md prints a Markdown table per port', () => {
    const r = runNp2dfw(['reach', '-f', 'examples/seed-003', '--port', '6379', '-o', 'md']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^### 6379\/TCP\n/);
    assert.match(r.stdout, /\| 5 \| other\/frontend \| 10\.244\.2\.50 \| X \| \. \| \. \| \. \| \. \|/);
  });

  it('without --port and without any declared port, falls back to the ports the policies name', () => {
    const file = join(tmp, 'no-ports.yaml');
    writeFileSync(file, readFileSync(join(REPO_ROOT, 'examples/seed-003/network-policy.yaml'), 'utf8') +
      '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels:\n    role: db\nstatus:\n  podIP: 10.9.0.1\n');
    const r = runNp2dfw(['reach', '-f', file, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...parseReachJson(r.stdout).keys()], ['5978/TCP', '6379/TCP']);
  });

  it('--family 6 shows the IPv6 endpoints; externals of the other family are noted on stderr', () => {
    const r = runNp2dfw(['reach', '-f', 'examples/dual-stack', '--family', '6', '--port', '443', '--external', '10.9.9.9', '--external', '2001:db8::1', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(parseReachJson(r.stdout).get('443/TCP')!.order, ['edge/admin', 'edge/gateway', '2001:db8::1']);
    assert.match(r.stderr, /10\.9\.9\.9/);
  });

  it('exit 2 for bad flags, with one paragraph and no stack trace', () => {
    for (const args of [
      ['--port', '99999'], ['--port', '0'], ['--port', 'http'], ['--port', '80/ICMP'],
      ['--family', '5'], ['-o', 'xml'], ['--external', 'nope'], ['--via', 'nowhere'], ['--on-error', 'maybe'], ['--group', 'node'],
    ]) {
      const r = runNp2dfw(['reach', '-f', 'examples/seed-003', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^error: /, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(r.stdout, '');
    }
  });

  it('exit 2 for a missing -f, a missing file and an invalid object, naming the file', () => {
    assert.equal(runNp2dfw(['reach']).code, 2);
    const missing = runNp2dfw(['reach', '-f', join(tmp, 'absent.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /absent\.yaml/);
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: Bad_Name\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - port: 99999\n');
    const r = runNp2dfw(['reach', '-f', bad, '--port', '80']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /bad\.yaml/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('--via a target that refuses a policy exits 3 listing the policies; --on-error continue evaluates the mixed state', () => {
    // NSX service entries take port numbers only: examples/named-ports' named ports are refused.
    const r = runNp2dfw(['reach', '-f', 'examples/named-ports', '--via', 'nsx', '--port', '8080', '-o', 'json']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /cannot express \d+ policies/);
    assert.match(r.stderr, /store\/web-ingress \(uid [0-9a-f-]+\): \w+ at spec\.ingress\[0\]\.ports\[0\]\.port/);
    const mixed = runNp2dfw(['reach', '-f', 'examples/named-ports', '--via', 'nsx', '--on-error', 'continue', '--port', '8080', '-o', 'json']);
    assert.equal(mixed.code, 0, mixed.stderr);
    assert.match(mixed.stderr, /stay NetworkPolicies/);
    // The mixed state is what Antrea enforces after a CONTINUE import: converted DFW policies first, then the
    // refused NetworkPolicies. store/default-deny converts (its drop isolates store's pods), store/web-ingress
    // (named port "http") does not, so the internet-facing 8080 of web-0 is cut off: a changed verdict.
    const reference = parseReachJson(runNp2dfw(['reach', '-f', 'examples/named-ports', '--port', '8080', '-o', 'json']).stdout).get('8080/TCP')!;
    const m = parseReachJson(mixed.stdout).get('8080/TCP')!;
    assert.deepEqual(m.order, reference.order);
    assert.equal(reference.matrix['ops/statsd-0']['store/web-0'], true);
    assert.equal(m.matrix['ops/statsd-0']['store/web-0'], false);
    assert.match(mixed.stderr, /the nsx form changes the NetworkPolicies' verdict of \d+ connections on 8080\/TCP/);
  });

  it('--via nsx on seed 003 (which NSX can express) prints the same matrix as the NetworkPolicies', () => {
    const args = ['reach', '-f', 'examples/seed-003', '--port', '6379', '--port', '5978', '--external', '172.17.1.5', '--external', '10.0.0.5', '-o', 'json'];
    const ref = runNp2dfw(args);
    const via = runNp2dfw([...args, '--via', 'nsx']);
    assert.equal(via.code, 0, via.stderr);
    assert.equal(via.stdout, ref.stdout);
    assert.match(via.stderr, /the nsx form gives the same verdict as the NetworkPolicies for every connection shown/);
  });
});

describe('reach into a closed pipe', () => {
  it('ends quietly with exit 0 when the reader stops early (| head -1)', () => {
    const ports = Array.from({ length: 80 }, (_, i) => `--port ${i + 1}`).join(' ');
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" src/cli/main.ts reach -f examples/shop -o csv ${ports} | head -1`], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.stdout, 'protocol,port,source,destination,allowed\n');
    assert.doesNotMatch(r.stderr, /EPIPE|\n\s+at /);
    assert.equal(r.status, 0, r.stderr);
  });
});

describe('reach argument parsing', () => {
  it('parses ports as kubectl users write them', () => {
    assert.deepEqual(parsePortArgument('80'), { protocol: 'TCP', port: 80 });
    assert.deepEqual(parsePortArgument('53/udp'), { protocol: 'UDP', port: 53 });
    assert.deepEqual(parsePortArgument('65535/SCTP'), { protocol: 'SCTP', port: 65535 });
    assert.throws(() => parsePortArgument('65536'), /between 1 and 65535/);
    assert.throws(() => parsePortArgument('80-90'), /expected a port number/);
  });

  it('orders ports by number, then TCP, UDP, SCTP', () => {
    const ports = [parsePortArgument('53/UDP'), parsePortArgument('80'), parsePortArgument('53/TCP'), parsePortArgument('53/SCTP')];
    assert.deepEqual(ports.sort(comparePorts).map((p) => `${p.port}/${p.protocol}`), ['53/TCP', '53/UDP', '53/SCTP', '80/TCP']);
  });
});

describe('reach --progress', () => {
  it('reports each phase as plain lines on stderr when stderr is a pipe, and nothing without the flag', () => {
    const args = ['reach', '-f', 'examples/seed-003', '--port', '80', '--group', 'namespace'];
    const quiet = runNp2dfw(args);
    const loud = runNp2dfw([...args, '--progress']);
    assert.equal(loud.code, 0, loud.stderr);
    assert.equal(loud.stdout, quiet.stdout);
    assert.equal(quiet.stderr, '');
    assert.deepEqual(loud.stderr.split('\n').filter(Boolean).map((l) => l.replace(/\d[\d,]* endpoints/, 'N endpoints')), [
      'np2dfw: reading the input: 0 of 1',
      'np2dfw: reading the input: 1 of 1',
      'np2dfw: parsing the input: 0 of 3',
      'np2dfw: parsing the input: 1 of 3',
      'np2dfw: parsing the input: 2 of 3',
      'np2dfw: parsing the input: 3 of 3',
      'np2dfw: checking and decoding the objects: 0 of 9',
      'np2dfw: checking and decoding the objects: 9 of 9',
      'np2dfw: compiling the policies: 0 of 1',
      'np2dfw: compiling the policies: 1 of 1',
      'np2dfw: counting the connections of N endpoints per namespace pair and port: 0 of 1',
      'np2dfw: counting the connections of N endpoints per namespace pair and port: 1 of 1',
      'np2dfw: writing the output: 0 of 1',
      'np2dfw: writing the output: 1 of 1',
    ]);
  });
});
