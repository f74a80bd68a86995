import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { InvalidInputError } from '../../src/k8s/invalid-input.ts';
import { NAMESPACE_NAME_LABEL } from '../../src/k8s/labels.ts';
import { loadClusterFromPaths, loadClusterFromTexts } from '../../src/k8s/load-cluster.ts';
import { podIsLive } from '../../src/k8s/pod.ts';
import { deterministicPolicyUid } from '../../src/k8s/policy-uid.ts';
import { dedent, described, lineOf, load, policyYaml, problemsOf } from './load-helpers.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const KUBECTL_GET = join(FIXTURES, 'kubectl-get-all.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'np2dfw-load-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const NS = (name: string, labels = '{}') => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: ${labels}\n`;
const POD = (ns: string, name: string, ip = '10.0.0.1') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels: {app: ${name}}\nspec:\n  containers: [{name: c}]\nstatus:\n  podIP: ${ip}\n`;

describe('reading inputs like kubectl', () => {
  test('multi-document YAML, with comments and empty documents', () => {
    const text = `# a comment\n---\n${NS('a')}---\n---\n${POD('a', 'p')}...\n---\n# trailing\n`;
    const cluster = load(text);
    assert.deepEqual([...cluster.namespaces.keys()], ['a']);
    assert.deepEqual(cluster.pods.map((p) => `${p.namespace}/${p.name}`), ['a/p']);
  });

  test('separators with comments, a %YAML directive, --- with content, CRLF line ends: all read alike', () => {
    const expected = ['a/p', 'b/q'];
    const pods = (text: string) => load(text).pods.map((p) => `${p.namespace}/${p.name}`);
    const plain = `${POD('a', 'p')}---\n${POD('b', 'q', '10.0.0.2')}`;
    assert.deepEqual(pods(plain), expected);
    assert.deepEqual(pods(`--- # first\n${POD('a', 'p')}... # end\n--- # second\n${POD('b', 'q', '10.0.0.2')}`), expected);
    assert.deepEqual(pods(`%YAML 1.1\n---\n${POD('a', 'p')}---\n${POD('b', 'q', '10.0.0.2')}`), expected);
    assert.deepEqual(pods(`${POD('a', 'p')}--- !!map\n${POD('b', 'q', '10.0.0.2')}`), expected);
    const crlf = plain.replace(/\n/g, '\r\n');
    assert.deepEqual(pods(crlf), expected);
    const bad = crlf.replace('podIP: 10.0.0.2', 'podIP: 10.0.0.300');
    assert.equal(problemsOf(bad)[0].line, lineOf(bad, '10.0.0.300'));
  });

  test('JSON: one object, and a List', () => {
    const one = load(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'j' } }), 'ns.json');
    assert.ok(one.namespaces.has('j'));
    const list = load(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'k' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'k' }, status: { podIP: '10.0.0.2' } },
    ] }, null, 2), 'list.json');
    assert.equal(list.pods[0].ips[0], '10.0.0.2');
  });

  test('kind: List in YAML, and a List holding a typed list', () => {
    const text = dedent(`
      apiVersion: v1
      kind: List
      items:
      - apiVersion: v1
        kind: Namespace
        metadata: {name: a}
      - apiVersion: v1
        kind: PodList
        items:
        - metadata: {name: p, namespace: a}
          status: {podIP: 10.0.0.3}
    `);
    const cluster = load(text);
    assert.deepEqual(cluster.pods.map((p) => p.name), ['p']);
  });

  test('typed lists: a NetworkPolicyList and a PodList whose items have no kind or apiVersion', () => {
    const policies = dedent(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicyList
      metadata: {resourceVersion: "77"}
      items:
      - metadata: {name: deny, namespace: api}
        spec: {podSelector: {}}
      - metadata: {name: allow, namespace: api}
        spec:
          podSelector: {}
          ingress: [{}]
    `);
    const cluster = loadClusterFromTexts([
      { name: 'policies.yaml', text: policies },
      { name: 'podlist.json', text: readFileSync(join(FIXTURES, 'podlist.json'), 'utf8') },
    ]);
    assert.deepEqual(cluster.policies.map((p) => p.name), ['allow', 'deny']);
    assert.deepEqual(cluster.pods.map((p) => p.name), ['api-0', 'api-1']);
    assert.deepEqual(cluster.pods[0].ports, [{ name: 'grpc', port: 9090, protocol: 'TCP' }, { name: 'dns', port: 5353, protocol: 'UDP' }]);
  });

  test('an empty typed list is fine when other inputs hold objects', () => {
    const cluster = loadClusterFromTexts([
      { name: 'none.json', text: '{"apiVersion":"v1","kind":"PodList","items":[]}' },
      { name: 'ns.yaml', text: NS('a') },
    ]);
    assert.equal(cluster.pods.length, 0);
  });

  test('the output of kubectl get ns,pods,networkpolicies -A -o yaml, as it is', () => {
    const skipped: string[] = [];
    const cluster = loadClusterFromPaths([KUBECTL_GET], { onSkipped: (s) => skipped.push(s) });
    assert.deepEqual(skipped, []);
    assert.deepEqual([...cluster.namespaces.keys()], ['default', 'kube-system', 'shop']);
    assert.deepEqual(cluster.namespaces.get('shop')!.labels, { [NAMESPACE_NAME_LABEL]: 'shop', team: 'shop' });
    assert.deepEqual(cluster.pods.map((p) => `${p.namespace}/${p.name} ${p.phase} ${p.ips.join(',')} live=${podIsLive(p)} host=${p.hostNetwork}`), [
      'kube-system/kube-proxy-7xk2d Running 172.18.0.3 live=true host=true',
      'shop/db-0 Running 10.244.2.7,fd00:10:244:2::7 live=true host=false',
      'shop/migrate-4hq8m Succeeded 10.244.1.9 live=false host=false',
      'shop/report-failed Failed 10.244.2.11 live=false host=false',
      'shop/web-7d4b9c6f8-pending Pending  live=false host=false',
      'shop/web-7d4b9c6f8-x2k9p Running 10.244.1.5,fd00:10:244:1::5 live=true host=false',
    ]);
    const web = cluster.pods.find((p) => p.name === 'web-7d4b9c6f8-x2k9p')!;
    assert.deepEqual(web.labels, { app: 'web', 'pod-template-hash': '7d4b9c6f8' });
    assert.deepEqual(web.ports.map((p) => `${p.name}:${p.port}/${p.protocol}`), ['http:8080/TCP', 'metrics:9113/TCP']);
    const [deny, allow] = [cluster.policies.find((p) => p.name === 'default-deny')!, cluster.policies.find((p) => p.name === 'db-allow-web')!];
    assert.equal(allow.uid, '4f6a8c0e-2b4d-4f6a-8c0e-2b4d6f8a0c10');
    assert.deepEqual(allow.policyTypes, ['Ingress']);
    assert.deepEqual(allow.ingress[0].ports, [{ protocol: 'TCP', port: 'pg' }]);
    assert.deepEqual(deny.policyTypes, ['Ingress', 'Egress']);
    const text = readFileSync(KUBECTL_GET, 'utf8');
    assert.equal(allow.source!.file, KUBECTL_GET);
    const lines = text.split('\n');
    const itemStart = lines.lastIndexOf('- apiVersion: networking.k8s.io/v1', lineOf(text, 'name: db-allow-web') - 1) + 1;
    assert.equal(allow.source!.line, itemStart);
    assert.equal(allow.source!.lineOf!(['spec', 'ingress', 0, 'ports', 0, 'port']), lineOf(text, 'port: pg'));
  });

  test('the same objects as JSON (kubectl get -o json) give the same cluster', () => {
    const text = readFileSync(KUBECTL_GET, 'utf8');
    const strip = (c: ReturnType<typeof load>) => JSON.stringify({
      namespaces: [...c.namespaces.values()].map(({ source: _s, ...n }) => n),
      pods: c.pods.map(({ source: _s, ...p }) => p),
      policies: c.policies.map(({ source: _s, ...p }) => p),
    });
    const fromYaml = load(text, 'all.yaml');
    const json = JSON.stringify(parse(text), null, 2);
    const fromJson = load(json, 'all.json');
    assert.equal(strip(fromJson), strip(fromYaml));
    const allow = fromJson.policies.find((p) => p.name === 'db-allow-web')!;
    const lines = json.split('\n');
    assert.equal(allow.source!.line, lines.lastIndexOf('    {', lineOf(json, '"name": "db-allow-web"') - 1) + 1, 'the item\'s opening brace');
    assert.equal(allow.source!.lineOf!(['spec', 'ingress', 0, 'ports', 0, 'port']), lineOf(json, '"port": "pg"'));
  });

  test('a folder: its .yaml, .yml and .json files in name order; other files and sub-folders ignored', () => {
    const cluster = loadClusterFromPaths([join(FIXTURES, 'folder')]);
    assert.deepEqual([...cluster.namespaces.keys()], ['back', 'front']);
    assert.deepEqual(cluster.pods.map((p) => p.name), ['svc', 'ui']);
    assert.deepEqual(cluster.policies.map((p) => `${p.name} ${p.source!.file}`), [`svc-from-front ${join(FIXTURES, 'folder', '30-policy.json')}`]);
    const order = join(tmp, 'order');
    mkdirSync(order);
    for (const f of ['z.yaml', 'a.yml', 'm.json']) writeFileSync(join(order, f), f.endsWith('.json') ? '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"Bad"}}' : NS('Bad'));
    try {
      loadClusterFromPaths([order]);
      assert.fail('loaded');
    } catch (e) {
      assert.ok(e instanceof InvalidInputError);
      assert.deepEqual(e.problems.map((p) => p.file), ['a.yml', 'm.json', 'z.yaml'].map((f) => join(order, f)));
    }
  });

  test('- reads standard input, as text or bytes, alongside files', () => {
    const cluster = loadClusterFromPaths(['-', join(FIXTURES, 'folder', '10-namespaces.yaml')], {}, () => POD('front', 'from-stdin'));
    assert.deepEqual(cluster.pods.map((p) => `${p.name} ${p.source!.file}`), ['from-stdin <stdin>']);
    const bytes = loadClusterFromPaths(['-'], {}, () => new TextEncoder().encode(NS('bytes')));
    assert.ok(bytes.namespaces.has('bytes'));
  });

  test('other kinds are skipped with one summary line', () => {
    const text = [
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}',
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: d}',
      'apiVersion: v1\nkind: Service\nmetadata: {name: b}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}',
      NS('a'),
    ].join('\n---\n');
    const lines: string[] = [];
    load(text, 'mixed.yaml', { onSkipped: (s) => lines.push(s) });
    assert.deepEqual(lines, ['skipped 1 ConfigMap (v1), 1 Ingress (networking.k8s.io/v1), 2 Service (v1): np2dfw reads Namespace, Pod, NetworkPolicy and the workload kinds (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob)']);
  });

  test('the same object twice is reported, naming where it was first', () => {
    const text = `${NS('a')}---\n${NS('a')}`;
    const problems = problemsOf(text, 'twice.yaml');
    assert.deepEqual(described(problems), ['metadata.name: Duplicate value: the same Namespace is also defined at twice.yaml:1']);
    assert.equal(problems[0].line, 10); // the second `name: a`
  });
});

describe('what the API server guarantees or defaults', () => {
  test('namespaces used but not declared exist implicitly; a pod without namespace is in default', () => {
    const cluster = load(`${POD('implicit', 'p')}---\n${POD('', 'q', '10.0.0.2').replace('  namespace: \n', '')}`);
    assert.deepEqual([...cluster.namespaces.values()].map((n) => `${n.name} declared=${n.declared}`), ['default declared=false', 'implicit declared=false']);
  });

  test('every namespace carries kubernetes.io/metadata.name: <name>, whatever the input says', () => {
    const cluster = load(`${NS('a', '{team: x}')}---\n${NS('b', `{"${NAMESPACE_NAME_LABEL}": wrong}`)}---\n${POD('c', 'p')}`);
    assert.deepEqual(Object.fromEntries([...cluster.namespaces.values()].map((n) => [n.name, n.labels])), {
      a: { team: 'x', [NAMESPACE_NAME_LABEL]: 'a' },
      b: { [NAMESPACE_NAME_LABEL]: 'b' },
      c: { [NAMESPACE_NAME_LABEL]: 'c' },
    });
  });

  test('policyTypes: Ingress always; Egress too only when spec.egress has a rule (egress: [] adds nothing)', () => {
    const types = (spec: string) => load(policyYaml(spec)).policies[0].policyTypes;
    assert.deepEqual(types('podSelector: {}'), ['Ingress']);
    assert.deepEqual(types('podSelector: {}\ningress: [{}]'), ['Ingress']);
    assert.deepEqual(types('podSelector: {}\negress: [{}]'), ['Ingress', 'Egress']);
    assert.deepEqual(types('podSelector: {}\negress: []'), ['Ingress']);
    assert.deepEqual(types('podSelector: {}\npolicyTypes: []\negress: [{to: [{podSelector: {}}]}]'), ['Ingress', 'Egress']);
    assert.deepEqual(types('podSelector: {}\npolicyTypes: [Egress]\ningress: [{}]'), ['Egress']);
    assert.deepEqual(types('podSelector: {}\npolicyTypes: [Egress, Ingress]'), ['Ingress', 'Egress']);
  });

  test('a port without protocol is TCP; a protocol without port means every port of it', () => {
    const policy = load(policyYaml('podSelector: {}\ningress:\n- ports: [{port: 80}, {protocol: UDP}, {port: 30000, endPort: 32767, protocol: SCTP}]')).policies[0];
    assert.deepEqual(policy.ingress[0].ports, [{ protocol: 'TCP', port: 80 }, { protocol: 'UDP' }, { protocol: 'SCTP', port: 30000, endPort: 32767 }]);
  });

  test('a policy without metadata.uid gets a deterministic UUIDv5 of (cluster, namespace, name)', () => {
    const text = policyYaml('podSelector: {}');
    const uid = (t: string, cluster?: string) => load(t, 'p.yaml', { cluster }).policies[0].uid;
    const first = uid(text);
    assert.match(first, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(uid(text), first, 'stable across runs');
    assert.equal(first, deterministicPolicyUid('cluster', 'ns', 'p'));
    const others = [uid(text, 'east'), uid(text.replace('namespace: ns', 'namespace: other')), uid(text.replace('name: p', 'name: q'))];
    assert.equal(new Set([first, ...others]).size, 4, 'differs per cluster, namespace and name');
    assert.equal(uid(text.replace('namespace: ns', 'namespace: ns\n  uid: 11111111-2222-3333-4444-555555555555')), '11111111-2222-3333-4444-555555555555');
  });
});

describe('locations in messages', () => {
  test('a field on line N is reported on line N, in YAML', () => {
    const text = `${NS('a')}---\n${policyYaml('podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 10.0.0.0/8\n      except:\n      - 10.0.0.0/8')}`;
    const [p] = problemsOf(text, 'x.yaml');
    assert.equal(p.line, text.split('\n').indexOf('        - 10.0.0.0/8') + 1);
    assert.equal(String(new InvalidInputError([p]).message.split('\n')[1]).trim(), `x.yaml:${p.line}: NetworkPolicy ns/p: spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of \`cidr\``);
  });

  test('a field on line N is reported on line N, in JSON and inside a List', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ok' } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'ok' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 'x', endPort: 3 }] }] } },
    ] }, null, 2);
    const [p] = problemsOf(text, 'x.json');
    assert.equal(p.line, lineOf(text, '"endPort": 3'));
    assert.equal(p.object, 'NetworkPolicy ok/p');
  });
});

describe('the error message', () => {
  test('lists every problem up to a cap, and counts the rest; problems holds them all', () => {
    const text = Array.from({ length: 600 }, (_, i) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: Bad${i}}`).join('\n---\n');
    try {
      load(text, 'many.yaml');
      assert.fail('loaded');
    } catch (e) {
      assert.ok(e instanceof InvalidInputError);
      assert.equal(e.problems.length, 600);
      const lines = e.message.split('\n');
      assert.equal(lines[0], 'invalid input (600 problems):');
      assert.equal(lines.length, 1 + 500 + 1);
      assert.equal(lines.at(-1), '  ... and 100 more problems');
      assert.match(lines[1], /^ {2}many\.yaml:3: Namespace Bad0: metadata\.name: Invalid value: "Bad0": /);
    }
  });
});
