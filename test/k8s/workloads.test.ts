// Workload kinds as hostile input and as the pods they stand for; pods to be and their addresses; owners not
// counted twice; the input rough edges (empty files, files without objects, live pods sharing an address).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { checkAssignCidrs } from '../../src/k8s/assign-addresses.ts';
import { InvalidInputError } from '../../src/k8s/invalid-input.ts';
import { loadClusterFromPaths, loadClusterFromTexts } from '../../src/k8s/load-cluster.ts';
import { podId, podIsLive } from '../../src/k8s/pod.ts';
import { described, load, problemsOf } from './load-helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'np2dfw-workloads-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const TEMPLATE = `
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]`;

/** One manifest of each workload kind, named `w`, labelled app=web, with ports http 8080/TCP and dns 53/UDP. */
const MANIFESTS: Record<string, string> = {
  Deployment: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: ns}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:${TEMPLATE}\n`,
  StatefulSet: `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: w, namespace: ns}\nspec:\n  serviceName: w\n  selector: {matchLabels: {app: web}}\n  template:${TEMPLATE}\n`,
  DaemonSet: `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: w, namespace: ns}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:${TEMPLATE}\n`,
  ReplicaSet: `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: w, namespace: ns}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:${TEMPLATE}\n`,
  ReplicationController: `apiVersion: v1\nkind: ReplicationController\nmetadata: {name: w, namespace: ns}\nspec:\n  template:${TEMPLATE}\n`,
  Job: `apiVersion: batch/v1\nkind: Job\nmetadata: {name: w, namespace: ns}\nspec:\n  template:${TEMPLATE}\n      restartPolicy: Never\n`,
  CronJob: `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w, namespace: ns}\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:${TEMPLATE.replaceAll('\n', '\n    ')}\n          restartPolicy: OnFailure\n`,
};

const POD = (name: string, extra = '', status = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ns\n  labels: {app: web}${extra}\nspec:\n  containers: [{name: c}]\n${status}`;

describe('workload kinds', () => {
  for (const [kind, text] of Object.entries(MANIFESTS)) {
    test(`a ${kind} stands for its pods: template labels, named ports with protocols, a pod to be named ns/w[${kind}]`, () => {
      const cluster = load(text);
      assert.equal(cluster.pods.length, 1);
      const pod = cluster.pods[0];
      assert.equal(podId(pod), `ns/w[${kind}]`);
      assert.deepEqual(pod.labels, { app: 'web' });
      assert.deepEqual(pod.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }]);
      assert.equal(pod.toBe, true);
      assert.deepEqual(pod.ips, ['10.244.0.1']);
      assert.ok(podIsLive(pod));
    });
  }

  test('hostNetwork in the template is kept', () => {
    const cluster = load(MANIFESTS.DaemonSet.replace('      containers:', '      hostNetwork: true\n      containers:'));
    assert.equal(cluster.pods[0].hostNetwork, true);
  });

  test('a workload whose selector does not select its template labels is refused, as the API server does', () => {
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']) {
      const problems = problemsOf(MANIFESTS[kind].replace('selector: {matchLabels: {app: web}}', 'selector: {matchLabels: {app: api}}'));
      assert.deepEqual(described(problems), ['spec.template.metadata.labels: Invalid value: {...}: `selector` does not match template `labels`'], kind);
    }
    const rc = problemsOf(MANIFESTS.ReplicationController.replace('spec:\n  template:', 'spec:\n  selector: {app: api}\n  template:'));
    assert.deepEqual(described(rc), ['spec.template.metadata.labels: Invalid value: {...}: `selector` does not match template `labels`']);
  });

  test('the apps/v1 kinds need a selector; every kind needs a template', () => {
    assert.deepEqual(described(problemsOf(MANIFESTS.Deployment.replace('  selector: {matchLabels: {app: web}}\n', ''))), ['spec.selector: Required value']);
    assert.deepEqual(described(problemsOf('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  selector: {matchLabels: {a: b}}\n')), ['spec.template: Required value']);
    assert.deepEqual(described(problemsOf('apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w}\nspec:\n  schedule: "* * * * *"\n')), ['spec.jobTemplate.spec.template: Required value']);
    assert.deepEqual(described(problemsOf('apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w}\nspec:\n  jobTemplate: [1]\n')), ['spec.jobTemplate: Invalid value: [1]: must be an object']);
  });

  test('the pod template is validated like a Pod: ports, names, protocols, labels, unknown metadata fields', () => {
    const bad = MANIFESTS.Deployment
      .replace('{name: http, containerPort: 8080}', '{name: HTTP, containerPort: 70000}')
      .replace("protocol: UDP}", "protocol: ICMP}")
      .replace('labels: {app: web}\n    spec', 'lables: {app: web}\n    spec');
    assert.deepEqual(described(problemsOf(bad)), [
      'spec.template.metadata: unknown field "lables"',
      'spec.template.spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.template.spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain at least one letter (a-z)',
      'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.template.spec.containers[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ]);
  });

  test('hostile shapes are refused with the field, never a crash', () => {
    const shapes = [
      'spec: 7', 'spec: {template: [1]}', 'spec: {template: {spec: {containers: 3}}}', 'spec: {template: {metadata: {labels: [a]}}}',
      'spec: {replicas: -1, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}}}', 'spec: {replicas: "2"}',
      'spec: {selector: {matchLabels: {}}, template: {metadata: {labels: {a: b}}}}',
      'spec: {selector: {matchExpressions: [{key: a, operator: Nope}]}, template: {}}',
    ];
    for (const shape of shapes) {
      const problems = problemsOf(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\n${shape}\n`);
      assert.ok(problems.length > 0 && problems.every((p) => p.object === 'Deployment default/w' && p.message && !/undefined/.test(p.message)), shape);
    }
  });

  test('a Job\'s pods must end: restartPolicy OnFailure or Never', () => {
    assert.deepEqual(described(problemsOf(MANIFESTS.Job.replace('restartPolicy: Never', 'restartPolicy: Always'))),
      ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
  });

  test('the removed beta apiVersions are refused, naming the one served', () => {
    assert.deepEqual(described(problemsOf(MANIFESTS.Deployment.replace('apps/v1', 'extensions/v1beta1'))), ['apiVersion: Unsupported value: "extensions/v1beta1": supported values: "apps/v1"']);
    assert.deepEqual(described(problemsOf(MANIFESTS.CronJob.replace('batch/v1', 'batch/v1beta1'))), ['apiVersion: Unsupported value: "batch/v1beta1": supported values: "batch/v1"']);
  });

  test('ownerReferences are validated: required fields, one controller at most', () => {
    const refs = (list: string) => POD('p', `\n  ownerReferences: ${list}`, 'status: {phase: Running, podIP: 10.0.0.1}\n');
    assert.deepEqual(described(problemsOf(refs('[{kind: ReplicaSet, name: x}]'))), [
      'metadata.ownerReferences[0].apiVersion: Required value', 'metadata.ownerReferences[0].uid: Required value']);
    assert.deepEqual(described(problemsOf(refs('[{apiVersion: apps/v1, kind: ReplicaSet, name: x, uid: "1", controller: true}, {apiVersion: v1, kind: Node, name: z, uid: "2", controller: true}]'))),
      ['metadata.ownerReferences: Invalid value: ["ReplicaSet/x","Node/z"]: Only one reference can have Controller set to true']);
  });
});

describe('pods to be and their addresses', () => {
  test('a Pod without status (or with status: {}) is a pod to be; a Pending one without address takes no part', () => {
    const cluster = load([POD('a'), POD('b', '', 'status: {}\n'), POD('c', '', 'status: {phase: Pending}\n')].join('---\n'));
    assert.deepEqual(cluster.pods.map((p) => [podId(p), p.ips.join(','), podIsLive(p)]), [
      ['ns/a', '10.244.0.1', true], ['ns/b', '10.244.0.2', true], ['ns/c', '', false]]);
  });

  test('addresses follow the ids, not the order of files; given pod addresses and reserved ones are skipped', () => {
    const texts = [
      { name: '1.yaml', text: MANIFESTS.Job.replace('name: w', 'name: b') },
      { name: '2.yaml', text: POD('given', '', 'status: {phase: Running, podIP: 10.244.0.1}\n') },
      { name: '3.yaml', text: MANIFESTS.Deployment.replace('name: w', 'name: a') },
      { name: '4.yaml', text: POD('c') },
    ];
    const one = loadClusterFromTexts(texts, { assign: { reserved: ['10.244.0.3'] } });
    const two = loadClusterFromTexts([...texts].reverse(), { assign: { reserved: ['10.244.0.3'] } });
    const addresses = (c: typeof one) => Object.fromEntries(c.pods.map((p) => [podId(p), p.ips.join(',')]));
    assert.deepEqual(addresses(one), { 'ns/a[Deployment]': '10.244.0.2', 'ns/b[Job]': '10.244.0.4', 'ns/c': '10.244.0.5', 'ns/given': '10.244.0.1' });
    assert.deepEqual(addresses(two), addresses(one));
  });

  test('the range follows the given pods\' families, or --assign-cidr; a full range is an error', () => {
    const v6 = load(`${POD('given', '', 'status: {phase: Running, podIP: "fd00::5"}\n')}---\n${POD('a')}`);
    assert.deepEqual(v6.pods.find((p) => p.name === 'a')!.ips, ['fd00:10:244::1']);
    const dual = loadClusterFromTexts([{ name: 'x', text: POD('a') }], { assign: { cidrs: ['192.168.7.0/24', 'fd00:7::/64'] } });
    assert.deepEqual(dual.pods[0].ips, ['192.168.7.1', 'fd00:7::1']);
    try {
      loadClusterFromTexts([{ name: 'x', text: [POD('a'), POD('b'), POD('c')].join('---\n') }], { assign: { cidrs: ['10.9.0.0/30'] } });
      assert.fail('loaded');
    } catch (e) {
      assert.ok(e instanceof InvalidInputError);
      assert.match(e.message, /the range 10\.9\.0\.0\/30 has no address left for ns\/c/);
    }
  });

  test('--assign-cidr values are checked', () => {
    assert.deepEqual(checkAssignCidrs(['10.1.0.0/16', 'fd00::/64']), { cidrs: ['10.1.0.0/16', 'fd00::/64'] });
    assert.deepEqual(checkAssignCidrs(['10.1.0.1/16']), { error: '10.1.0.1/16: not a network address (did you mean 10.1.0.0/16?)' });
    assert.deepEqual(checkAssignCidrs(['10.1.0.0/16', '10.2.0.0/16']), { error: '10.2.0.0/16: one range per address family (IPv4 already has 10.1.0.0/16)' });
    assert.match((checkAssignCidrs(['banana']) as { error: string }).error, /not a CIDR/);
    assert.match((checkAssignCidrs(['10.0.0.0/31']) as { error: string }).error, /leaves no room/);
  });
});

describe('owners are not counted twice', () => {
  const owned = (name: string, kind: string, owner: string, ip: string, extra = '') =>
    POD(name, `\n  ownerReferences: [{apiVersion: apps/v1, kind: ${kind}, name: ${owner}, uid: u-${owner}, controller: true}]${extra}`, `status: {phase: Running, podIP: ${ip}}\n`);

  test('live pods of a given Deployment (through a ReplicaSet, given or not) stand for it, with their addresses', () => {
    const rs = `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: w-5d8f\n  namespace: ns\n  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: w, uid: u-w, controller: true}]\nspec:\n  selector: {matchLabels: {app: web}}\n  template:${TEMPLATE}\n`;
    const pods = [
      owned('w-5d8f-aaaaa', 'ReplicaSet', 'w-5d8f', '10.0.0.1', '\n  labels: {app: web, pod-template-hash: 5d8f}').replace('  labels: {app: web}\n', ''),
      owned('w-5d8f-bbbbb', 'ReplicaSet', 'w-5d8f', '10.0.0.2', '\n  labels: {app: web, pod-template-hash: 5d8f}').replace('  labels: {app: web}\n', ''),
    ];
    for (const texts of [[MANIFESTS.Deployment, rs, ...pods], [MANIFESTS.Deployment, ...pods]]) {
      const cluster = load(texts.join('---\n'));
      assert.deepEqual(cluster.pods.map((p) => [podId(p), p.ips.join(','), `${p.owner?.kind}/${p.owner?.name}`]), [
        ['ns/w-5d8f-aaaaa', '10.0.0.1', 'Deployment/w'], ['ns/w-5d8f-bbbbb', '10.0.0.2', 'Deployment/w']]);
    }
  });

  test('a ReplicaSet of a given Deployment, and a Job of a given CronJob, are their owner', () => {
    const job = MANIFESTS.Job.replace('name: w, namespace: ns}', 'name: w-28000000, namespace: ns, ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: w, uid: u, controller: true}]}');
    const cluster = load(`${MANIFESTS.CronJob}---\n${job}`);
    assert.deepEqual(cluster.pods.map(podId), ['ns/w[CronJob]']);
  });

  test('a Pending pod of a given workload leaves the workload standing for it', () => {
    const pending = POD('w-x', '\n  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: w, uid: u, controller: true}]', 'status: {phase: Pending}\n');
    const cluster = load(`${MANIFESTS.DaemonSet}---\n${pending}`);
    assert.deepEqual(cluster.pods.map((p) => [podId(p), podIsLive(p)]), [['ns/w[DaemonSet]', true], ['ns/w-x', false]]);
  });
});

describe('input rough edges', () => {
  test('an empty file inside a folder is skipped; only inputs without any object are an error', () => {
    const dir = join(tmp, 'with-empty');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a-empty.yaml'), '');
    writeFileSync(join(dir, 'b.yaml'), MANIFESTS.Deployment);
    assert.deepEqual(loadClusterFromPaths([dir]).pods.map(podId), ['ns/w[Deployment]']);
    const empty = join(tmp, 'empty.yaml');
    writeFileSync(empty, '# nothing\n');
    assert.deepEqual(loadClusterFromPaths([empty, join(dir, 'b.yaml')]).pods.map(podId), ['ns/w[Deployment]']);
    try {
      loadClusterFromPaths([empty, join(dir, 'a-empty.yaml')]);
      assert.fail('loaded');
    } catch (e) {
      assert.ok(e instanceof InvalidInputError);
      assert.deepEqual(e.problems.map((p) => `${p.file}: ${p.message}`), [
        `${empty}: the input holds no Kubernetes object (it is empty)`, `${join(dir, 'a-empty.yaml')}: the input holds no Kubernetes object (it is empty)`]);
    }
  });

  test('-R reads sub-folders in name order; a file without objects in a folder is a warning, named with -f an error', () => {
    const dir = join(tmp, 'tree');
    mkdirSync(join(dir, 'b-sub', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'a.yaml'), MANIFESTS.Job);
    writeFileSync(join(dir, 'b-sub', 'deeper', 'd.yaml'), MANIFESTS.Deployment);
    writeFileSync(join(dir, 'b-sub', 'expected.json'), '{"connections": []}');
    writeFileSync(join(dir, 'c.yml'), MANIFESTS.StatefulSet);
    const warnings: string[] = [];
    const all = loadClusterFromPaths([dir], { recursive: true, onWarning: (w) => warnings.push(w) });
    assert.deepEqual(all.pods.map(podId), ['ns/w[Deployment]', 'ns/w[Job]', 'ns/w[StatefulSet]']);
    assert.deepEqual(warnings, [`${join(dir, 'b-sub', 'expected.json')}: skipped: holds no Kubernetes object (the JSON document has no kind)`]);
    assert.deepEqual(loadClusterFromPaths([dir]).pods.map(podId), ['ns/w[Job]', 'ns/w[StatefulSet]']);
    assert.throws(() => loadClusterFromPaths([join(dir, 'b-sub', 'expected.json')]), /expected\.json:1: kind: the JSON document has no kind/);
  });

  test('two live pods with the same address are refused, naming both; hostNetwork pods may share their node\'s', () => {
    const a = POD('a', '', 'status: {phase: Running, podIP: 10.0.0.9}\n');
    const b = POD('b', '', 'status: {phase: Running, podIP: 10.0.0.9}\n');
    const problems = problemsOf(`${a}---\n${b}`, 'dup.yaml');
    assert.deepEqual(problems.map((p) => `${p.file}:${p.line}: ${p.object}: ${p.message}`),
      ['dup.yaml:19: Pod ns/b: Duplicate value: "10.0.0.9": pod ns/a (dup.yaml:1) has this address too; two live pods cannot share one']);
    const done = POD('b', '', 'status: {phase: Succeeded, podIP: 10.0.0.9}\n');
    assert.equal(load(`${a}---\n${done}`).pods.length, 2);
    const host = (n: string) => POD(n, '', 'status: {phase: Running, podIP: 192.168.0.1}\n').replace('spec:\n', 'spec:\n  hostNetwork: true\n');
    assert.equal(load(`${host('x')}---\n${host('z')}`).pods.length, 2);
  });
});
