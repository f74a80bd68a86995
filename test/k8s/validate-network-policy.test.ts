import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dedent, described, lineOf, load, policyYaml, problemsOf, warningsOf } from './load-helpers.ts';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const KEY_NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** Asserts that loading `text` reports exactly these `path: message` problems. */
function expectProblems(text: string, expected: string[]): void {
  assert.deepEqual(described(problemsOf(text)), expected);
}

/** The single problem of `text`, with its line. */
function onlyProblem(text: string) {
  const problems = problemsOf(text);
  assert.equal(problems.length, 1, described(problems).join('\n'));
  return problems[0];
}

describe('NetworkPolicy metadata', () => {
  test('name must be a DNS-1123 subdomain', () => {
    const text = policyYaml('podSelector: {}').replace('name: p', 'name: Web_Policy');
    const p = onlyProblem(text);
    assert.deepEqual(described([p]), [`metadata.name: Invalid value: "Web_Policy": ${SUBDOMAIN_MSG}`]);
    assert.equal(p.line, lineOf(text, 'Web_Policy'));
    assert.equal(p.object, 'NetworkPolicy ns/Web_Policy');
    assert.equal(p.file, 'input.yaml');
  });

  test('a dotted name is a valid subdomain; longer than 253 characters is not', () => {
    load(policyYaml('podSelector: {}').replace('name: p', 'name: allow.web-1'));
    const long = `${'a'.repeat(63)}.`.repeat(4).slice(0, 254);
    expectProblems(policyYaml('podSelector: {}').replace('name: p', `name: ${long}`), [
      `metadata.name: Invalid value: "${long}": must be no more than 253 characters`,
    ]);
  });

  test('name is required', () => {
    expectProblems(policyYaml('podSelector: {}').replace('  name: p\n', ''), ['metadata.name: Required value: name or generateName is required']);
  });

  test('namespace must be a DNS-1123 label', () => {
    expectProblems(policyYaml('podSelector: {}').replace('namespace: ns', 'namespace: team.a'), ['metadata.namespace: Invalid value: "team.a": must not contain dots']);
    expectProblems(policyYaml('podSelector: {}').replace('namespace: ns', 'namespace: Team'), [`metadata.namespace: Invalid value: "Team": ${LABEL_MSG}`]);
  });

  test('label keys are qualified names: prefix a DNS-1123 subdomain, name at most 63 characters', () => {
    const text = policyYaml('podSelector: {}').replace('namespace: ns', `namespace: ns\n  labels:\n    "Example.com/app": x\n    ${'k'.repeat(64)}: "y"\n    a/b/c: z`);
    const problems = problemsOf(text);
    assert.deepEqual(described(problems), [
      `metadata.labels: Invalid value: "Example.com/app": prefix part ${SUBDOMAIN_MSG}`,
      `metadata.labels: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
      `metadata.labels: Invalid value: "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ]);
    // Reported at metadata.labels as Kubernetes does, but pointing at the key's own line.
    assert.equal(problems[0].line, lineOf(text, 'Example.com/app'));
    assert.equal(problems[2].line, lineOf(text, 'a/b/c'));
  });

  test('label values: at most 63 characters of the label charset, or empty', () => {
    const text = policyYaml('podSelector: {}').replace('namespace: ns', `namespace: ns\n  labels:\n    empty: ""\n    bad: "-x"\n    long: ${'v'.repeat(64)}`);
    expectProblems(text, [
      `metadata.labels: Invalid value: "-x": ${VALUE_MSG}`,
      `metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
    ]);
  });

  test('label values must be strings, as kubectl decodes them (an unquoted 1 or yes is refused)', () => {
    const text = policyYaml('podSelector: {}').replace('namespace: ns', 'namespace: ns\n  labels:\n    version: 1\n    enabled: yes');
    expectProblems(text, [
      'metadata.labels: Invalid value: 1: must be a string (quote it in YAML)',
      'metadata.labels: Invalid value: true: must be a string (quote it in YAML)',
    ]);
  });

  test('metadata noise from kubectl get is accepted; a typo in metadata is not', () => {
    load(policyYaml('podSelector: {}').replace('namespace: ns', dedent(`
      namespace: ns
        uid: 0b6f3c1e-8a57-4c1e-9a1d-3f0e1c2b4d5e
        resourceVersion: "12345"
        generation: 2
        creationTimestamp: "2024-05-01T10:00:00Z"
        annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}"}
        managedFields: [{manager: kubectl, operation: Update, apiVersion: networking.k8s.io/v1}]`)));
    const text = policyYaml('podSelector: {}').replace('namespace: ns', 'namespace: ns\n  lables: {app: web}');
    const p = onlyProblem(text);
    assert.deepEqual(described([p]), ['metadata: unknown field "lables"']);
    assert.equal(p.line, lineOf(text, 'lables'));
  });
});

describe('NetworkPolicy label selectors', () => {
  test('In and NotIn need values', () => {
    expectProblems(policyYaml(`
      podSelector:
        matchExpressions:
        - {key: tier, operator: In}
        - {key: tier, operator: NotIn, values: []}
    `), [
      "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.podSelector.matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ]);
  });

  test('Exists and DoesNotExist take no values', () => {
    expectProblems(policyYaml(`
      podSelector:
        matchExpressions:
        - {key: tier, operator: Exists, values: [a]}
        - {key: tier, operator: DoesNotExist, values: [b]}
    `), [
      "spec.podSelector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      "spec.podSelector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    ]);
  });

  test('the operator must be one of the four', () => {
    expectProblems(policyYaml(`
      podSelector:
        matchExpressions:
        - {key: tier, operator: in, values: [a]}
    `), ['spec.podSelector.matchExpressions[0].operator: Invalid value: "in": not a valid selector operator']);
  });

  test('keys and values in selectors follow the label rules', () => {
    expectProblems(policyYaml(`
      podSelector:
        matchLabels: {"bad key": ok}
        matchExpressions:
        - {key: app, operator: In, values: [ok, "not ok"]}
    `), [
      `spec.podSelector.matchLabels: Invalid value: "bad key": ${KEY_NAME_MSG}`,
      `spec.podSelector.matchExpressions[0].values[1]: Invalid value: "not ok": ${VALUE_MSG}`,
    ]);
  });

  test('selectors inside peers are checked the same way, at their own path and line', () => {
    const text = policyYaml(`
      podSelector: {}
      ingress:
      - from:
        - namespaceSelector:
            matchExpressions:
            - key: team
              operator: Exists
              values: [x]   # marker-values
    `);
    const p = onlyProblem(text);
    assert.deepEqual(described([p]), [
      "spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    ]);
    assert.equal(p.line, lineOf(text, 'marker-values'));
  });
});

describe('NetworkPolicy policyTypes', () => {
  test('only Ingress and Egress', () => {
    const text = policyYaml(`
      podSelector: {}
      policyTypes: [Ingress, ingress]
    `);
    expectProblems(text, ['spec.policyTypes[1]: Unsupported value: "ingress": supported values: "Ingress", "Egress"']);
  });

  test('at most two', () => {
    expectProblems(policyYaml(`
      podSelector: {}
      policyTypes: [Ingress, Egress, Ingress]
    `), ['spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: may not specify more than two policyTypes']);
  });

  test('a repeated value is accepted as Kubernetes accepts it (listType=atomic), with a warning', () => {
    const text = policyYaml(`
      podSelector: {}
      policyTypes: [Egress, Egress]
    `);
    const warnings = warningsOf(text);
    assert.deepEqual(warnings, [`input.yaml:${lineOf(text, 'policyTypes')}: NetworkPolicy ns/p: spec.policyTypes[1]: Duplicate value: "Egress": accepted, as Kubernetes does; it has no effect`]);
    assert.deepEqual(load(text).policies[0].policyTypes, ['Egress']);
  });
});

describe('NetworkPolicy ports', () => {
  const withPorts = (ports: string) =>
    policyYaml(`podSelector: {}\ningress:\n- ports:\n${ports.split('\n').map((l) => `  ${l}`).join('\n')}`);

  test('a numeric port is 1-65535', () => {
    expectProblems(withPorts('- port: 0\n- port: 65536\n- port: 65535\n- port: 1'), [
      'spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ingress[0].ports[1].port: Invalid value: 65536: must be between 1 and 65535, inclusive',
    ]);
  });

  test('a named port is an IANA_SVC_NAME', () => {
    expectProblems(withPorts('- port: web-http-metrics-x\n- port: Http\n- port: "8080"\n- port: a--b\n- port: -ab\n- port: ab-\n- port: h2c'), [
      'spec.ingress[0].ports[0].port: Invalid value: "web-http-metrics-x": must be no more than 15 characters',
      'spec.ingress[0].ports[1].port: Invalid value: "Http": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ingress[0].ports[2].port: Invalid value: "8080": must contain at least one letter (a-z)',
      'spec.ingress[0].ports[3].port: Invalid value: "a--b": must not contain consecutive hyphens',
      'spec.ingress[0].ports[4].port: Invalid value: "-ab": must not begin or end with a hyphen',
      'spec.ingress[0].ports[5].port: Invalid value: "ab-": must not begin or end with a hyphen',
    ]);
  });

  test('endPort needs a numeric port, not below it, at most 65535', () => {
    expectProblems(withPorts('- {port: 100, endPort: 99}\n- {port: http, endPort: 90}\n- {endPort: 90}\n- {port: 100, endPort: 65536}\n- {port: 100, endPort: 100}'), [
      'spec.ingress[0].ports[0].endPort: Invalid value: 99: must be greater than or equal to `port`',
      'spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
      'spec.ingress[0].ports[2].endPort: Invalid value: 90: may not be specified when `port` is not specified',
      'spec.ingress[0].ports[3].endPort: Invalid value: 65536: must be between 1 and 65535, inclusive',
    ]);
  });

  test('protocol is TCP, UDP or SCTP', () => {
    expectProblems(withPorts('- {protocol: ICMP}\n- {protocol: tcp, port: 53}\n- {protocol: SCTP}'), [
      'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      'spec.ingress[0].ports[1].protocol: Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"',
    ]);
  });

  test('wrong types are reported, not crashed on', () => {
    expectProblems(withPorts('- port: true\n- port: 80.5\n- {port: 80, endPort: "90"}\n- {protocol: 6}'), [
      'spec.ingress[0].ports[0].port: Invalid value: true: must be an integer or a string',
      'spec.ingress[0].ports[1].port: Invalid value: 80.5: must be an integer or a string',
      'spec.ingress[0].ports[2].endPort: Invalid value: "90": must be an integer',
      'spec.ingress[0].ports[3].protocol: Invalid value: 6: must be a string',
    ]);
  });
});

describe('NetworkPolicy peers', () => {
  test('an empty peer {} is refused', () => {
    const text = policyYaml(`
      podSelector: {}
      egress:
      - to:
        - {}   # marker-empty
    `);
    const p = onlyProblem(text);
    assert.deepEqual(described([p]), ['spec.egress[0].to[0]: Required value: must specify a peer']);
    assert.equal(p.line, lineOf(text, 'marker-empty'));
  });

  test('ipBlock with a selector is refused; both selectors together are fine', () => {
    expectProblems(policyYaml(`
      podSelector: {}
      ingress:
      - from:
        - ipBlock: {cidr: 10.0.0.0/8}
          namespaceSelector: {}
        - podSelector: {}
          namespaceSelector: {}
    `), ['spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer']);
  });
});

describe('NetworkPolicy ipBlock', () => {
  const withBlock = (block: string) => policyYaml(`
    podSelector: {}
    ingress:
    - from:
      - ipBlock: ${block}
  `);

  test('cidr is required', () => {
    expectProblems(withBlock('{except: [10.0.0.0/8]}'), ['spec.ingress[0].from[0].ipBlock.cidr: Required value']);
    expectProblems(withBlock('{cidr: ""}'), ['spec.ingress[0].from[0].ipBlock.cidr: Required value']);
  });

  test('cidr must parse, in IPv4 or IPv6; a bare address is not a CIDR', () => {
    const msg = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
    for (const bad of ['10.0.0.0/33', '10.0.0/8', '256.0.0.0/8', '10.0.0.1', 'fd00::/129', 'fd00:::1/64', 'fe80::1%eth0/64', '1.2.3.4/-1', 'x']) {
      expectProblems(withBlock(`{cidr: "${bad}"}`), [`spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "${bad}": ${msg}`]);
    }
    load(withBlock('{cidr: "2001:db8::/32", except: ["2001:db8:1::/48"]}'));
    load(withBlock('{cidr: "::/0", except: ["fd00::/8"]}'));
    load(withBlock('{cidr: "0.0.0.0/0"}'));
  });

  test('except must be strictly inside cidr: not equal, not outside, not larger', () => {
    const text = withBlock('{cidr: 10.1.0.0/16, except: [10.1.0.0/16, 10.2.0.0/24, 10.0.0.0/8, 10.1.2.0/24]}');
    expectProblems(text, [
      'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/16": must be a strict subset of `cidr`',
      'spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: "10.2.0.0/24": must be a strict subset of `cidr`',
      'spec.ingress[0].from[0].ipBlock.except[2]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
    ]);
  });

  test('except must be of the cidr family', () => {
    expectProblems(withBlock('{cidr: 0.0.0.0/0, except: ["::/1", "fd00::/8"]}'), [
      'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "::/1": must be a strict subset of `cidr`',
      'spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: "fd00::/8": must be a strict subset of `cidr`',
    ]);
    expectProblems(withBlock('{cidr: "::/0", except: [10.0.0.0/8]}'), [
      'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
    ]);
  });

  test('an invalid except is reported as invalid, not as outside', () => {
    expectProblems(withBlock('{cidr: 10.0.0.0/8, except: [10.0.0.0/40]}'), [
      'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.0.0.0/40": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
  });

  test('each except is reported on its own line', () => {
    const text = policyYaml(`
      podSelector: {}
      ingress:
      - from:
        - ipBlock:
            cidr: 172.17.0.0/16
            except:
            - 172.17.1.0/24
            - 172.18.0.0/24   # marker-outside
    `);
    const p = onlyProblem(text);
    assert.deepEqual(p.path, ['spec', 'ingress', 0, 'from', 0, 'ipBlock', 'except', 1]);
    assert.equal(p.line, lineOf(text, 'marker-outside'));
  });

  test('host bits set: accepted as Kubernetes does, read as the network, with the API server\'s warning', () => {
    const text = withBlock('{cidr: 10.1.2.3/16, except: [10.1.2.3/24]}');
    assert.deepEqual(warningsOf(text).map((w) => w.replace(/^.*?spec/, 'spec')), [
      'spec.ingress[0].from[0].ipBlock.cidr: CIDR value "10.1.2.3/16" is ambiguous in this context (should be "10.1.0.0/16" or "10.1.2.3/32"?); np2dfw reads it as "10.1.0.0/16", as the API server does',
      'spec.ingress[0].from[0].ipBlock.except[0]: CIDR value "10.1.2.3/24" is ambiguous in this context (should be "10.1.2.0/24" or "10.1.2.3/32"?); np2dfw reads it as "10.1.2.0/24", as the API server does',
    ]);
    const peer = load(text).policies[0].ingress[0].peers![0];
    assert.deepEqual(peer.ipBlock, { cidr: '10.1.0.0/16', except: ['10.1.2.0/24'] });
  });

  test('leading zeros: accepted as Kubernetes 1.35 does by default (decimal), with its warning', () => {
    const text = withBlock('{cidr: 010.001.0.0/016}');
    assert.deepEqual(warningsOf(text).map((w) => w.replace(/^.*?spec/, 'spec')), [
      'spec.ingress[0].from[0].ipBlock.cidr: non-standard CIDR value "010.001.0.0/016" will be considered invalid in a future Kubernetes release: use "10.1.0.0/16"',
    ]);
    assert.equal(load(text).policies[0].ingress[0].peers![0].ipBlock!.cidr, '10.1.0.0/16');
  });

  test('IPv4-mapped IPv6 is refused (np2dfw is stricter here: its family is ambiguous)', () => {
    expectProblems(withBlock('{cidr: "::ffff:10.0.0.0/104"}'), [
      'spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "::ffff:10.0.0.0/104": must not have an IPv4-mapped IPv6 address',
    ]);
  });

  test('non-canonical IPv6 is accepted with a warning and kept as written', () => {
    const text = withBlock('{cidr: "FD00:0:0::/16"}');
    assert.equal(warningsOf(text).length, 1);
    assert.match(warningsOf(text)[0], /IPv6 CIDR value "FD00:0:0::\/16" should be in RFC 5952 canonical format \("fd00::\/16"\)/);
    assert.equal(load(text).policies[0].ingress[0].peers![0].ipBlock!.cidr, 'FD00:0:0::/16');
  });
});

describe('NetworkPolicy fields and types', () => {
  test('an unknown field anywhere under spec is an error, at its own line', () => {
    const text = policyYaml(`
      podSelector: {}
      ingres: []            # marker-spec
      ingress:
      - form: []            # marker-rule
        ports:
        - {port: 80, prot: TCP}
      egress:
      - to:
        - ipBlock: {cidr: 10.0.0.0/8, exept: []}
        - podSelector: {matchLabel: {a: b}}
    `).replace('kind: NetworkPolicy', 'kind: NetworkPolicy\nstatuss: {}');
    const problems = problemsOf(text);
    assert.deepEqual(described(problems), [
      ': unknown field "statuss"',
      'spec: unknown field "ingres"',
      'spec.ingress[0]: unknown field "form"',
      'spec.ingress[0].ports[0]: unknown field "prot"',
      'spec.egress[0].to[0].ipBlock: unknown field "exept"',
      'spec.egress[0].to[1].podSelector: unknown field "matchLabel"',
    ]);
    assert.equal(problems[1].line, lineOf(text, 'marker-spec'));
    assert.equal(problems[2].line, lineOf(text, 'marker-rule'));
  });

  test('status (printed by older servers) is accepted', () => {
    load(policyYaml('podSelector: {}') + '\nstatus: {conditions: []}\n');
  });

  test('wrong types are reported as such', () => {
    expectProblems(policyYaml(`
      podSelector: web
      ingress: {from: []}
      egress:
      - to: {ipBlock: {cidr: 10.0.0.0/8}}
      - ports: [80]
      policyTypes: Ingress
    `), [
      'spec.podSelector: Invalid value: "web": must be an object',
      'spec.ingress: Invalid value: {...}: must be a list',
      'spec.egress[0].to: Invalid value: {...}: must be a list',
      'spec.egress[1].ports[0]: Invalid value: 80: must be an object',
      'spec.policyTypes: Invalid value: "Ingress": must be a list',
    ]);
    expectProblems(policyYaml(`
      podSelector: {}
      ingress:
      - from:
        - ipBlock: {cidr: 167772160}
    `), ['spec.ingress[0].from[0].ipBlock.cidr: Invalid value: 167772160: must be a string']);
    expectProblems(policyYaml('podSelector: {}').replace('spec:\n', 'spec: [1]\n').replace('  podSelector: {}', ''), ['spec: Invalid value: [1]: must be an object']);
  });

  test('null means absent, as in the API server', () => {
    const cluster = load(policyYaml(`
      podSelector: null
      ingress:
      - from: null
        ports: null
      egress: null
    `));
    assert.deepEqual(cluster.policies[0].policyTypes, ['Ingress']);
    assert.deepEqual(cluster.policies[0].ingress, [{ peers: undefined, ports: undefined }]);
  });

  test('null list entries: a null port is every TCP port, a null rule allows all, a null peer is refused', () => {
    const policy = load(policyYaml('podSelector: {}\ningress:\n- ports: [null]\n- null\n- from: [{podSelector: {matchExpressions: [{key: a, operator: In, values: [x, null]}]}}]')).policies[0];
    assert.deepEqual(policy.ingress[0], { peers: undefined, ports: [{ protocol: 'TCP' }] });
    assert.deepEqual(policy.ingress[1], { peers: undefined, ports: undefined });
    assert.deepEqual(policy.ingress[2].peers![0].podSelector!.matchExpressions[0].values, ['x', '']);
    expectProblems(policyYaml('podSelector: {}\negress:\n- to: [null]'), ['spec.egress[0].to[0]: Required value: must specify a peer']);
  });

  test('every problem of every object is reported together', () => {
    const text = [
      policyYaml('podSelector: {matchExpressions: [{key: a, operator: In}]}\ningress: [{ports: [{port: 0}]}]'),
      '---',
      policyYaml('podSelector: {}\npolicyTypes: [Both]').replace('name: p', 'name: q'),
      '---',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: Bad}',
    ].join('\n');
    const problems = problemsOf(text);
    assert.deepEqual(problems.map((p) => `${p.object} @${p.line}: ${described([p])[0]}`), [
      `NetworkPolicy ns/p @${lineOf(text, 'operator: In')}: spec.podSelector.matchExpressions[0].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`,
      `NetworkPolicy ns/p @${lineOf(text, 'port: 0')}: spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive`,
      `NetworkPolicy ns/q @${lineOf(text, 'Both')}: spec.policyTypes[0]: Unsupported value: "Both": supported values: "Ingress", "Egress"`,
      `Namespace Bad @${lineOf(text, 'name: Bad')}: metadata.name: Invalid value: "Bad": ${LABEL_MSG}`,
    ]);
  });

  test('an unsupported apiVersion is reported', () => {
    expectProblems(policyYaml('podSelector: {}').replace('networking.k8s.io/v1', 'extensions/v1beta1'), [
      'apiVersion: Unsupported value: "extensions/v1beta1": supported values: "networking.k8s.io/v1"',
    ]);
  });
});
