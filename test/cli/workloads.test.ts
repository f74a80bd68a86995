// Workload manifests through the real CLI: a netpol-analyzer-style corpus (test/k8s/fixtures/workload-corpus)
// of every workload kind gives the same verdicts as the same workloads written as Pods, in every command.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WORKLOAD_KINDS } from '../../src/k8s/workload.ts';
import { parseReachJson, runNp2dfw } from './run-cli.ts';

const CORPUS = 'test/k8s/fixtures/workload-corpus';
const WORKLOADS = ['-R', '-f', `${CORPUS}/workloads`];
const AS_PODS = ['-f', `${CORPUS}/workloads/namespaces.yaml`, '-f', `${CORPUS}/workloads/policies.yaml`, '-f', `${CORPUS}/pods/pods.yaml`];

const tmp = mkdtempSync(join(tmpdir(), 'np2dfw-workloads-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** `ns/name[Kind]` -> `ns/name`. */
const unkind = (id: string) => id.replace(/\[[A-Za-z]+\]$/, '');

/** Every port's matrix, with workload ids written as the pods' ids. */
function verdicts(args: readonly string[]): Record<string, Record<string, Record<string, boolean>>> {
  const r = runNp2dfw(['reach', ...args, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out: Record<string, Record<string, Record<string, boolean>>> = {};
  for (const [port, { matrix }] of parseReachJson(r.stdout)) {
    out[port] = {};
    for (const [src, row] of Object.entries(matrix)) {
      out[port][unkind(src)] = Object.fromEntries(Object.entries(row).map(([dst, v]) => [unkind(dst), v]));
    }
  }
  return out;
}

describe('workload manifests', () => {
  it('a folder of every workload kind gives the verdicts of the same workloads written as Pods', () => {
    const workloads = verdicts(WORKLOADS);
    const pods = verdicts(AS_PODS);
    assert.deepEqual(Object.keys(workloads).sort(), ['5353/UDP', '7070/TCP', '8080/TCP', '8081/TCP', '8443/TCP', '9100/TCP', '9113/TCP']);
    assert.deepEqual(workloads, pods);
    // The verdicts are not trivial: some allowed, some denied on the named ports.
    assert.equal(workloads['7070/TCP']['shop/frontend']['shop/cart'], true);
    assert.equal(workloads['7070/TCP']['shop/toolbox']['shop/cart'], false);
    assert.equal(workloads['8081/TCP']['batch/report']['shop/catalog'], true);
    assert.equal(workloads['8443/TCP']['batch/report']['batch/cleanup'], false);
  });

  it('every kind is an endpoint named namespace/name[Kind]; the Pod without status too; other files are skipped with a warning', () => {
    const r = runNp2dfw(['reach', ...WORKLOADS, '--port', '8080', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const ids = parseReachJson(r.stdout).get('8080/TCP')!.order;
    for (const kind of WORKLOAD_KINDS) assert.equal(ids.filter((id) => id.endsWith(`[${kind}]`)).length, 1, `${kind} in ${ids.join(', ')}`);
    assert.ok(ids.includes('shop/toolbox'));
    assert.match(r.stderr, /^warning: .*connlist_output\.json: skipped: holds no Kubernetes object/m);
    assert.match(r.stderr, /^warning: .*values\.yaml: skipped: holds no Kubernetes object/m);
    assert.match(r.stderr, /skipped 1 Service \(v1\)/);
    assert.doesNotMatch(r.stderr, /empty\.yaml/);
  });

  it('addresses come from the documented range, the same whatever the order of the files', () => {
    const table = runNp2dfw(['reach', ...WORKLOADS, '--port', '8080', '--group', 'pod']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /batch\/cleanup\[CronJob\]\s+10\.244\.0\.1 /);
    assert.match(table.stdout, /shop\/toolbox\s+10\.244\.0\.8 /);
    // The same files named in another order, folders before files.
    const own = runNp2dfw(['reach', '-f', `${CORPUS}/workloads/policies.yaml`, '-f', `${CORPUS}/workloads/batch`, '-f', `${CORPUS}/workloads/infra`,
      '-f', `${CORPUS}/workloads/backend`, '-f', `${CORPUS}/workloads/frontend/deployment.yaml`, '-f', `${CORPUS}/workloads/toolbox-pod.yaml`,
      '-f', `${CORPUS}/workloads/namespaces.yaml`, '--port', '8080', '--group', 'pod']);
    assert.equal(own.code, 0, own.stderr);
    assert.equal(own.stdout, table.stdout);
    const v6 = runNp2dfw(['reach', ...WORKLOADS, '--port', '8080', '--group', 'pod', '--assign-cidr', 'fd00:1::/64', '--family', '6']);
    assert.equal(v6.code, 0, v6.stderr);
    assert.match(v6.stdout, /batch\/cleanup\[CronJob\]\s+fd00:1::1 /);
  });

  it('verify, convert and explain work on the workloads', () => {
    for (const target of ['antrea', 'contrail']) {
      const v = runNp2dfw(['verify', ...WORKLOADS, '--target', target]);
      assert.equal(v.code, 0, `${target}: ${v.stdout}${v.stderr}`);
      assert.match(v.stdout, /equivalent/i);
    }
    // Contrail's export names workload pods by their id (`shop/cart[StatefulSet]`); reading it back finds them.
    const exported = runNp2dfw(['convert', ...WORKLOADS, '--target', 'contrail']);
    assert.equal(exported.code, 0, exported.stderr);
    const back = runNp2dfw(['verify', ...WORKLOADS, '--target', 'contrail', '--against', '-'], { stdin: exported.stdout });
    assert.equal(back.code, 0, back.stdout + back.stderr);
    assert.match(back.stdout, /equivalent/i);
    const c = runNp2dfw(['convert', ...WORKLOADS, '--target', 'antrea']);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /kind: ClusterNetworkPolicy/);
    const x = runNp2dfw(['explain', ...WORKLOADS, '--from', 'shop/frontend[Deployment]', '--to', 'shop/cart[StatefulSet]', '--port', '7070']);
    assert.equal(x.code, 0, x.stderr);
    assert.match(x.stdout, /allowed/i);
    assert.match(x.stdout, /shop\/cart-from-frontend/);
    // A workload may be named without its kind when no Pod has its name; by one of its assigned addresses too.
    const short = runNp2dfw(['explain', ...WORKLOADS, '--from', 'batch/report', '--to', '10.244.0.5', '--port', '8081', '-o', 'json']);
    assert.equal(short.code, 0, short.stderr);
    const j = JSON.parse(short.stdout) as { allowed: boolean; from: { id: string }; to: { id: string } };
    assert.equal(j.allowed, true);
    assert.equal(j.from.id, 'batch/report[Job]');
    assert.equal(j.to.id, 'shop/catalog[ReplicaSet]');
  });

  it('without -R, sub-folders are not read; a folder of only sub-folders says to use -R', () => {
    const flat = runNp2dfw(['reach', '-f', `${CORPUS}/workloads`, '--port', '8080', '-o', 'json']);
    assert.equal(flat.code, 0, flat.stderr);
    assert.deepEqual(parseReachJson(flat.stdout).get('8080/TCP')!.order, ['shop/toolbox']);
    mkdirSync(join(tmp, 'only-sub', 'deep'), { recursive: true });
    writeFileSync(join(tmp, 'only-sub', 'deep', 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n');
    const none = runNp2dfw(['reach', '-f', join(tmp, 'only-sub'), '--port', '80']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /the folder holds no \.yaml, \.yml or \.json file \(it has sub-folders: -R reads them too\)/);
  });

  it('a file without objects named with -f is still an error', () => {
    const r = runNp2dfw(['reach', '-f', `${CORPUS}/workloads/values.yaml`, '-f', `${CORPUS}/workloads/frontend/deployment.yaml`, '--port', '8080']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /values\.yaml:\d+: .*document 1 has no kind/);
  });
});
