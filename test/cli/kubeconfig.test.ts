// --kubeconfig / --context / KUBECONFIG: every command that takes -f reads a live cluster's Namespaces, Pods and
// NetworkPolicies through @kubernetes/client-node, paged, exactly as if they had been given as files. The cluster
// is test/kube-apiserver, a local server speaking the Kubernetes API over HTTP, with the kubeconfig it writes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { buildProgram } from '../../src/cli/main.ts';
import { startKubeApiServer, type KubeApiServer } from '../kube-apiserver/kube-apiserver.ts';
import { REPO_ROOT, type CliRun } from './run-cli.ts';

const CORPUS = join(REPO_ROOT, 'test/k8s/fixtures/workload-corpus');
const tmp = mkdtempSync(join(tmpdir(), 'np2dfw-kubeconfig-'));
let kube: KubeApiServer;
/** The cluster's objects as `kubectl get namespaces,pods,networkpolicies -A -o json` would print them. */
let asFile: string;

/** Runs the CLI as a child process without blocking this process (the API server answers from here). */
function np2dfw(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'src/cli/main.ts'), ...args], {
      cwd: REPO_ROOT, env: { ...process.env, NP2DFW_DEBUG: '', KUBECONFIG: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const objectsOf = (file: string) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, unknown>).filter((o) => o && o.kind);

before(async () => {
  kube = await startKubeApiServer({ namespaces: [] });
  for (const o of [...objectsOf(join(CORPUS, 'workloads/namespaces.yaml')), ...objectsOf(join(CORPUS, 'workloads/policies.yaml')), ...objectsOf(join(CORPUS, 'pods/pods.yaml'))]) {
    kube.objects.put(o);
  }
  const items = [
    ...kube.objects.list('v1', 'Namespace'), ...kube.objects.list('v1', 'Pod'), ...kube.objects.list('networking.k8s.io/v1', 'NetworkPolicy'),
  ];
  asFile = join(tmp, 'cluster.json');
  writeFileSync(asFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2));
});
after(async () => {
  await kube?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** The same command on the live cluster and on its objects written to a file: the same output. */
async function sameAsFile(args: readonly string[]): Promise<CliRun> {
  const live = await np2dfw([...args, '--kubeconfig', kube.kubeconfigPath]);
  const file = await np2dfw([...args, '-f', asFile]);
  assert.equal(live.code, file.code, live.stderr);
  assert.equal(live.stdout, file.stdout);
  assert.match(live.stderr, /^np2dfw: read 17 objects from the cluster of context test$/m);
  return live;
}

describe('--kubeconfig', () => {
  it('every command that takes -f takes --kubeconfig, --context and --chunk-size', async () => {
    const withFiles = (await buildProgram()).commands.filter((c) => c.options.some((o) => o.long === '--filename'));
    assert.deepEqual(withFiles.map((c) => c.name()).sort(), ['apply', 'convert', 'diff', 'explain', 'lab', 'reach', 'verify']);
    for (const c of withFiles) {
      for (const flag of ['--kubeconfig', '--context', '--chunk-size']) assert.ok(c.options.some((o) => o.long === flag), `${c.name()} ${flag}`);
    }
  });

  it('reach: the same matrices as the cluster\'s objects given as a file', async () => {
    const r = await sameAsFile(['reach', '-o', 'json']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /"shop\/frontend":\{/);
  });

  it('verify and convert: the same verdict and the same objects', async () => {
    const v = await sameAsFile(['verify', '--target', 'antrea']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^equivalent/);
    const c = await sameAsFile(['convert', '--target', 'antrea']);
    assert.equal(c.code, 0);
    assert.match(c.stdout, /kind: ClusterNetworkPolicy/);
  });

  it('explain: the same explanation', async () => {
    const x = await sameAsFile(['explain', '--from', 'shop/frontend', '--to', 'shop/cart', '--port', '7070']);
    assert.equal(x.code, 0);
    assert.match(x.stdout, /cart-from-frontend/);
  });

  it('lists are paged with limit and continue (--chunk-size)', async () => {
    const before = kube.requests.length;
    const r = await np2dfw(['reach', '-o', 'json', '--kubeconfig', kube.kubeconfigPath, '--chunk-size', '3']);
    assert.equal(r.code, 0, r.stderr);
    const lists = kube.requests.slice(before).filter((q) => q.verb === 'list');
    // 3 namespaces (1 page), 8 pods (3 pages), 6 policies (2 pages).
    assert.deepEqual(lists.map((q) => q.resource), ['namespaces', 'pods', 'pods', 'pods', 'networkpolicies', 'networkpolicies']);
    assert.equal(r.stdout, (await np2dfw(['reach', '-o', 'json', '-f', asFile])).stdout);
  });

  it('--context picks a context; KUBECONFIG is read when no -f is given; with -f both are read', async () => {
    const ctx = await np2dfw(['reach', '-o', 'json', '--context', 'test'], { KUBECONFIG: kube.kubeconfigPath });
    assert.equal(ctx.code, 0, ctx.stderr);
    const env = await np2dfw(['reach', '-o', 'json'], { KUBECONFIG: kube.kubeconfigPath });
    assert.equal(env.code, 0, env.stderr);
    assert.equal(env.stdout, ctx.stdout);
    const extra = join(tmp, 'extra-policy.yaml');
    writeFileSync(extra, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-batch, namespace: batch}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n');
    const both = await np2dfw(['explain', '--kubeconfig', kube.kubeconfigPath, '-f', extra, '--from', 'shop/frontend', '--to', 'batch/cleanup', '--port', '8443']);
    assert.equal(both.code, 0, both.stderr);
    assert.match(both.stdout, /DENIED/);
    assert.match(both.stdout, /batch\/deny-batch/);
  });

  it('a kubeconfig that cannot be used is exit 2; a cluster that cannot be reached or refuses is exit 1; no token is printed', async () => {
    const noCtx = await np2dfw(['reach', '--kubeconfig', kube.kubeconfigPath, '--context', 'nosuch']);
    assert.equal(noCtx.code, 2);
    assert.match(noCtx.stderr, /--context nosuch: no such context in the kubeconfig/);
    const missing = await np2dfw(['reach', '--kubeconfig', join(tmp, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: cannot use the kubeconfig .*nope: /m);
    const config = readFileSync(kube.kubeconfigPath, 'utf8');
    const badToken = join(tmp, 'bad-token');
    writeFileSync(badToken, config.replace(/token: .*/, 'token: wrong-secret-token'));
    const unauthorized = await np2dfw(['reach', '--kubeconfig', badToken]);
    assert.equal(unauthorized.code, 1);
    assert.match(unauthorized.stderr, /^error: cannot list namespaces of the cluster http:\/\/127\.0\.0\.1:\d+ \(context test\): unauthorized: /m);
    assert.doesNotMatch(unauthorized.stderr + unauthorized.stdout, /wrong-secret-token/);
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const closed = join(tmp, 'closed');
    writeFileSync(closed, config.replace(/server: .*/, `server: http://127.0.0.1:${port}`));
    const unreachable = await np2dfw(['reach', '--kubeconfig', closed]);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, new RegExp(`^error: cannot list namespaces of the cluster http://127\\.0\\.0\\.1:${port} \\(context test\\): ECONNREFUSED`, 'm'));
  });
});

describe('--kubeconfig: the cluster\'s objects are hostile input too', () => {
  it('an invalid object and two live pods with one address are refused (exit 2), each named by context and object', async () => {
    const bad = await startKubeApiServer({ namespaces: ['web'] });
    try {
      const pod = (name: string, ip: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'web' }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 99999 }] }] }, status: { phase: 'Running', podIP: ip } });
      bad.objects.put(pod('a', '10.1.1.1'));
      const invalid = await np2dfw(['reach', '--kubeconfig', bad.kubeconfigPath]);
      assert.equal(invalid.code, 2);
      assert.match(invalid.stderr, /^ {2}context test: Pod web\/a: spec\.containers\[0\]\.ports\[0\]\.containerPort: Invalid value: 99999: must be between 1 and 65535, inclusive$/m);
      const ok = (name: string) => ({ ...pod(name, '10.1.1.1'), spec: { containers: [{ name: 'c' }] } });
      bad.objects.put(ok('a'));
      bad.objects.put(ok('b'));
      const dup = await np2dfw(['reach', '--kubeconfig', bad.kubeconfigPath, '--port', '80']);
      assert.equal(dup.code, 2);
      assert.match(dup.stderr, /context test: Pod web\/b: status\.podIPs: Duplicate value: "10\.1\.1\.1": pod web\/a \(context test\) has this address too/);
    } finally {
      await bad.close();
    }
  });
});
