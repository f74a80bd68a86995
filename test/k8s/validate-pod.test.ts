import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dedent, described, lineOf, load, problemsOf, warningsOf } from './load-helpers.ts';

/** A pod `web` in `shop` with the given containers and status blocks (YAML under `spec:` / `status:`). */
function podYaml(spec: string, status = 'phase: Running\npodIP: 10.0.0.5'): string {
  const indent = (s: string) => dedent(s).split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n  labels: {app: web}\nspec:\n${indent(spec)}\nstatus:\n${indent(status)}\n`;
}

function expectProblems(text: string, expected: string[]): void {
  assert.deepEqual(described(problemsOf(text)), expected);
}

describe('Pod validation', () => {
  test('a pod from kubectl get, with every field np2dfw does not read, is accepted untouched', () => {
    const cluster = load(podYaml(`
      nodeName: node-1
      serviceAccountName: default
      tolerations: [{key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}]
      volumes: [{name: kube-api-access, projected: {sources: []}}]
      containers:
      - name: web
        image: nginx:1.27
        imagePullPolicy: IfNotPresent
        resources: {limits: {cpu: 500m}}
        futureField: {anything: [1, 2]}
        ports:
        - {containerPort: 8080, name: http, protocol: TCP, hostPort: 0}
    `, `
      phase: Running
      hostIP: 192.168.1.10
      podIP: 10.0.0.5
      podIPs: [{ip: 10.0.0.5}]
      conditions: [{type: Ready, status: "True"}]
      containerStatuses: [{name: web, ready: true, restartCount: 0}]
      qosClass: Burstable
      startTime: "2024-05-01T10:00:00Z"
    `));
    assert.deepEqual(cluster.pods[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.equal(cluster.pods[0].nodeName, 'node-1');
  });

  test('name must be a DNS-1123 subdomain', () => {
    expectProblems(podYaml('containers: []').replace('name: web', 'name: Web.1'), [
      "metadata.name: Invalid value: \"Web.1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
  });

  test('labels are validated, and a typo in metadata is refused', () => {
    const text = podYaml('containers: []').replace('labels: {app: web}', 'labels: {app: "web!"}\n  labls: {}');
    const problems = problemsOf(text);
    assert.deepEqual(described(problems).map((d) => d.slice(0, 60)), [
      'metadata: unknown field "labls"',
      'metadata.labels: Invalid value: "web!": a valid label must b',
    ]);
    assert.equal(problems[0].line, lineOf(text, 'labls'));
  });

  test('containerPort is required and 1-65535', () => {
    expectProblems(podYaml(`
      containers:
      - name: a
        ports:
        - {name: http}
        - {containerPort: 0}
        - {containerPort: 65536}
        - {containerPort: "80"}
    `), [
      'spec.containers[0].ports[0].containerPort: Required value',
      'spec.containers[0].ports[1].containerPort: Required value',
      'spec.containers[0].ports[2].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[3].containerPort: Invalid value: "80": must be an integer',
    ]);
  });

  test('port names are IANA_SVC_NAMEs, unique within a container', () => {
    const text = podYaml(`
      containers:
      - name: a
        ports:
        - {containerPort: 80, name: http}
        - {containerPort: 81, name: http}     # marker-dup
        - {containerPort: 82, name: Metrics}
    `);
    const problems = problemsOf(text);
    assert.deepEqual(described(problems), [
      'spec.containers[0].ports[1].name: Duplicate value: "http"',
      'spec.containers[0].ports[2].name: Invalid value: "Metrics": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ]);
    assert.equal(problems[0].line, lineOf(text, 'marker-dup'));
  });

  test('the same name in two containers: refused when a policy naming it would be ambiguous, accepted otherwise', () => {
    expectProblems(podYaml(`
      containers:
      - name: a
        ports: [{containerPort: 80, name: http}]
      initContainers:
      - name: sidecar
        restartPolicy: Always
        ports: [{containerPort: 8080, name: http}]
    `), ['spec.initContainers[0].ports[0].name: Duplicate value: "http": port 80 of another container has this name and protocol; a NetworkPolicy naming it would be ambiguous']);
    const ok = load(podYaml(`
      containers:
      - name: a
        ports: [{containerPort: 53, name: dns}, {containerPort: 9090, name: metrics}]
      - name: b
        ports: [{containerPort: 53, name: dns, protocol: UDP}, {containerPort: 9090, name: metrics}]
    `));
    assert.equal(ok.pods[0].ports.length, 4);
  });

  test('container port protocols are TCP, UDP or SCTP; TCP when absent', () => {
    expectProblems(podYaml(`
      containers:
      - name: a
        ports: [{containerPort: 80, protocol: HTTP}]
    `), ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']);
    const pod = load(podYaml('containers:\n- name: a\n  ports: [{containerPort: 80}, {containerPort: 53, protocol: UDP}]')).pods[0];
    assert.deepEqual(pod.ports.map((p) => p.protocol), ['TCP', 'UDP']);
  });

  test('null entries and an empty protocol are what the API server makes of them, not crashes', () => {
    const pod = load(podYaml('containers:\n- null\n- name: a\n  ports: [{containerPort: 80, protocol: ""}]\n- name: b\n  ports: null')).pods[0];
    assert.deepEqual(pod.ports, [{ name: undefined, port: 80, protocol: 'TCP' }]);
    expectProblems(podYaml('containers:\n- name: a\n  ports: [null]'), ['spec.containers[0].ports[0].containerPort: Required value']);
  });

  test('hostNetwork is a boolean', () => {
    expectProblems(podYaml('hostNetwork: "true"\ncontainers: []'), ['spec.hostNetwork: Invalid value: "true": must be a boolean (true or false)']);
    assert.equal(load(podYaml('hostNetwork: true\ncontainers: []')).pods[0].hostNetwork, true);
  });

  test('pod IPs must be addresses', () => {
    expectProblems(podYaml('containers: []', 'podIP: 10.0.0.256\npodIPs: [{ip: 10.0.0.256}, {ip: "fd00::1/64"}]'), [
      'status.podIP: Invalid value: "10.0.0.256": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'status.podIPs[0]: Invalid value: "10.0.0.256": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'status.podIPs[1]: Invalid value: "fd00::1/64": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'status.podIPs: Invalid value: ["10.0.0.256","fd00::1/64"]: may specify no more than one IP for each IP family',
    ]);
  });

  test('at most one IP per family', () => {
    expectProblems(podYaml('containers: []', 'podIP: 10.0.0.5\npodIPs: [{ip: 10.0.0.5}, {ip: 10.0.0.6}]'), [
      'status.podIPs: Invalid value: ["10.0.0.5","10.0.0.6"]: may specify no more than one IP for each IP family',
    ]);
    expectProblems(podYaml('containers: []', 'podIP: 10.0.0.5\npodIPs: [{ip: 10.0.0.5}, {ip: "fd00::5"}, {ip: "fd00::6"}]'), [
      'status.podIPs: Invalid value: ["10.0.0.5","fd00::5","fd00::6"]: may specify no more than one IP for each IP family',
    ]);
  });

  test('dual stack: one IPv4 and one IPv6, in the order given', () => {
    const pod = load(podYaml('containers: []', 'podIP: "fd00::5"\npodIPs: [{ip: "fd00::5"}, {ip: 10.0.0.5}]')).pods[0];
    assert.deepEqual(pod.ips, ['fd00::5', '10.0.0.5']);
  });

  test('podIP differing from podIPs[0]: podIP alone, as the API server converts it, with a warning', () => {
    const text = podYaml('containers: []', 'podIP: 10.0.0.9\npodIPs: [{ip: 10.0.0.5}, {ip: "fd00::5"}]');
    assert.deepEqual(load(text).pods[0].ips, ['10.0.0.9']);
    assert.equal(warningsOf(text).length, 1);
    assert.match(warningsOf(text)[0], /status\.podIP: "10\.0\.0\.9" differs from status\.podIPs\[0\] \("10\.0\.0\.5"\)/);
  });

  test('leading zeros: accepted with the API server\'s warning, read as decimal', () => {
    const text = podYaml('containers: []', 'podIP: 010.000.000.005');
    assert.deepEqual(load(text).pods[0].ips, ['10.0.0.5']);
    assert.deepEqual(warningsOf(text), [
      `input.yaml:${lineOf(text, 'podIP')}: Pod shop/web: status.podIP: non-standard IP address "010.000.000.005" will be considered invalid in a future Kubernetes release: use "10.0.0.5"`,
    ]);
  });

  test('IPv4-mapped IPv6 pod IPs are refused', () => {
    expectProblems(podYaml('containers: []', 'podIP: "::ffff:10.0.0.5"'), ['status.podIP: Invalid value: "::ffff:10.0.0.5": must not be an IPv4-mapped IPv6 address']);
  });

  test('wrong types in what np2dfw reads are reported, not crashed on', () => {
    expectProblems(podYaml('containers: {name: a}', 'podIPs: 10.0.0.5\nphase: 3'), [
      'spec.containers: Invalid value: {...}: must be a list',
      'status.phase: Invalid value: 3: must be a string',
      'status.podIPs: Invalid value: "10.0.0.5": must be a list',
    ]);
  });
});

describe('Namespace validation', () => {
  const ns = (meta: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n${dedent(meta).split('\n').map((l) => `  ${l}`).join('\n')}\n`;

  test('name must be a DNS-1123 label: no dots, at most 63 characters', () => {
    expectProblems(ns('name: team.a'), ['metadata.name: Invalid value: "team.a": must not contain dots']);
    expectProblems(ns(`name: ${'a'.repeat(64)}`), [`metadata.name: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`]);
    load(ns(`name: ${'a'.repeat(63)}`));
  });

  test('a Namespace has no namespace', () => {
    expectProblems(ns('name: a\nnamespace: b'), ['metadata.namespace: Forbidden: not allowed on this type']);
  });

  test('labels are validated; spec and status are accepted untouched', () => {
    expectProblems(ns('name: a\nlabels: {"team/": x}'), ['metadata.labels: Invalid value: "team/": name part must be non-empty', "metadata.labels: Invalid value: \"team/\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]);
    const cluster = load(ns('name: a') + 'spec: {finalizers: [kubernetes]}\nstatus: {phase: Active}\n');
    assert.equal(cluster.namespaces.get('a')!.declared, true);
  });
});
