// verify finds the exact connections that a wrong or partial conversion changes (issue 3, "Done when").
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertCluster, mergeConfigs } from '../../../src/convert/convert-cluster.ts';
import { createDfwEngine } from '../../../src/evaluate/dfw/dfw-engine.ts';
import { buildNsxState } from '../../../src/targets/nsx.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { verifyEngines, type Counterexample } from '../../../src/evaluate/verify/verify-engines.ts';
import { loadClusterFromTexts } from '../../../src/k8s/load-cluster.ts';
import type { DfwConfig } from '../../../src/model/dfw-config.ts';

function load(text: string) {
  return loadClusterFromTexts([{ name: 'test.yaml', text }], { cluster: 'lab' });
}

function pod(ns: string, name: string, app: string, ip: string, ports = ''): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: {app: ${app}}}
spec:
  containers:
  - name: c
    image: x${ports ? `\n    ports:\n${ports}` : ''}
status: {phase: Running, podIP: ${ip}, podIPs: [{ip: ${ip}}]}
---
`;
}

const key = (x: Counterexample) => `${x.src} -> ${x.dst} ${x.port}/${x.protocol}`;

describe('policyTypes [Egress] with ingress rules, converted naively', () => {
  const cluster = load(`${pod('app', 'web', 'web', '10.0.0.1')}${pod('app', 'client', 'client', '10.0.0.2')}${pod('app', 'other', 'other', '10.0.0.3')}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: app, uid: aaaaaaaa-0000-4000-8000-000000000001}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{protocol: TCP, port: 80}]
  egress:
  - to: [{podSelector: {matchLabels: {app: client}}}]
`);
  const k8s = createKubernetesEngine(cluster);

  it('the conversion of seed 000 (ingress rules dropped) is equivalent', () => {
    const { config } = convertCluster(cluster);
    assert.equal(config.policies.flatMap((p) => p.rules).filter((r) => r.direction === 'IN').length, 0);
    const report = verifyEngines(cluster, k8s, createDfwEngine(config, cluster));
    assert.equal(report.equivalent, true);
    assert.equal(report.counts.podEndpoints, 3);
  });

  it('a naive conversion (ingress rules converted, so ingress isolated) gives exactly the connections into web', () => {
    // What a converter that reads spec.ingress regardless of policyTypes produces: the ingress rule as an IN
    // allow rule, and a drop rule for both directions.
    const policy = cluster.policies[0];
    const naiveCluster = { ...cluster, policies: [{ ...policy, policyTypes: ['Ingress', 'Egress'] as const }] };
    const naive: DfwConfig = convertCluster(naiveCluster).config;
    assert.deepEqual(naive.policies.find((p) => p.id.endsWith('-drop'))?.rules[0].direction, 'IN_OUT');
    const report = verifyEngines(cluster, k8s, createDfwEngine(naive, cluster), { maxCounterexamples: 100 });
    assert.equal(report.equivalent, false);
    // Into app/web from everyone but client on TCP 80: client, other and the one external address (no ipBlock:
    // one atom), on TCP 1-79, 81-65535, 80 (except client), UDP, SCTP and every other IP protocol.
    const expected: string[] = [];
    for (const src of ['app/client', 'app/other', '0.0.0.1']) {
      for (const p of ['1/TCP', '80/TCP', '81/TCP', '1/UDP', '1/SCTP', '0/OTHER']) if (!(src === 'app/client' && p === '80/TCP')) expected.push(`${src} -> app/web ${p}`);
    }
    assert.deepEqual(report.counterexamples.map(key).sort(), expected.sort());
    assert.equal(report.differences, 17);
    for (const x of report.counterexamples) {
      assert.equal(x.reference.allowed, true);
      assert.match(x.reference.ingress.by, /not isolated/);
      assert.equal(x.other.allowed, false);
      assert.match(x.other.ingress.by, /denied by DFW policy lab-app-web-egress-aaaaaaaa-0000-4000-8000-000000000001-drop rule default-drop .*from NetworkPolicy app\/web-egress/);
    }
  });
});

const TWO_POLICIES = `${pod('shop', 'db', 'db', '10.1.0.1', '    - {name: pg, containerPort: 5432}')}${pod('shop', 'api', 'api', '10.1.0.2')}${pod('shop', 'web', 'web', '10.1.0.3')}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-api, namespace: shop, uid: bbbbbbbb-0000-4000-8000-000000000001}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{protocol: TCP, port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop, uid: bbbbbbbb-0000-4000-8000-000000000002}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{protocol: TCP, port: PORT}]
`;

describe('two policies selecting one pod, imported in separate batches', () => {
  const cluster = load(TWO_POLICIES.replace('PORT', '5432'));
  const k8s = createKubernetesEngine(cluster);
  const [api, web] = cluster.policies.map((p) => p.uid);

  function twoBatches(placement: 'nsx' | 'banded'): DfwConfig {
    const first = convertCluster(cluster, { only: [api], placement });
    const second = convertCluster(cluster, { only: [web], placement, existing: first.config.policies });
    return mergeConfigs(first.config, second.config);
  }

  it('with --placement nsx, the first batch\'s drop policy shadows the second batch\'s allow: web -> db on 5432', () => {
    const config = twoBatches('nsx');
    const seq = Object.fromEntries(config.policies.map((p) => [p.id, p.sequence_number]));
    assert.deepEqual(seq, { [`${api}-allow`]: 1, [`${api}-drop`]: 3, [`${web}-allow`]: 4, [`${web}-drop`]: 6 });
    const report = verifyEngines(cluster, k8s, createDfwEngine(config, cluster));
    assert.deepEqual(report.counterexamples.map(key), ['shop/web -> shop/db 5432/TCP']);
    assert.equal(report.differences, 1);
    const [x] = report.counterexamples;
    assert.deepEqual(x.portClass, { first: 5432, last: 5432 });
    assert.match(x.reference.ingress.by, /allowed by shop\/db-from-web spec\.ingress\[0\]\.from\[0\] port 5432\/TCP/);
    assert.match(x.other.ingress.by, new RegExp(`denied by DFW policy lab-shop-db-from-api-${api}-drop rule default-drop \\(DROP IN, Application #3\\)`));
  });

  it('with the banded placement, the same two batches are equivalent', () => {
    const config = twoBatches('banded');
    const allows = config.policies.filter((p) => p.id.endsWith('-allow')).map((p) => p.sequence_number);
    const drops = config.policies.filter((p) => p.id.endsWith('-drop')).map((p) => p.sequence_number);
    assert.ok(Math.max(...allows) < Math.min(...drops));
    assert.equal(verifyEngines(cluster, k8s, createDfwEngine(config, cluster)).equivalent, true);
  });

  it('in one batch, --placement nsx is equivalent too', () => {
    const { config } = convertCluster(cluster, { placement: 'nsx' });
    assert.equal(verifyEngines(cluster, k8s, createDfwEngine(config, cluster)).equivalent, true);
  });
});

describe('a continue batch that skipped one of two policies selecting the same pod', () => {
  // db-from-web names its port "pg": NSX refuses it, so it stays a NetworkPolicy behind the DFW.
  const cluster = load(TWO_POLICIES.replace('PORT', 'pg'));
  const k8s = createKubernetesEngine(cluster);

  it('abort converts nothing, and the cluster is unchanged', () => {
    const state = buildNsxState(cluster, { onError: 'abort' });
    assert.deepEqual(state.conversion.convertedUids, []);
    assert.deepEqual(state.conversion.refusals.map((r) => [r.name, r.code, r.path]), [['db-from-web', 'NAMED_PORT_UNSUPPORTED', 'spec.ingress[0].ports[0].port']]);
    assert.equal(verifyEngines(cluster, k8s, state.engine).equivalent, true);
  });

  it('continue: the converted policy\'s drop denies what the skipped policy allows: web -> db on 5432', () => {
    const state = buildNsxState(cluster, { onError: 'continue' });
    assert.deepEqual(state.conversion.convertedUids, ['bbbbbbbb-0000-4000-8000-000000000001']);
    const report = verifyEngines(cluster, k8s, state.engine);
    assert.deepEqual(report.counterexamples.map(key), ['shop/web -> shop/db 5432/TCP']);
    assert.equal(report.differences, 1);
    const [x] = report.counterexamples;
    assert.match(x.reference.ingress.by, /allowed by shop\/db-from-web spec\.ingress\[0\]\.from\[0\] port pg\/TCP/);
    assert.equal(x.other.allowed, false);
    assert.match(x.other.ingress.by, /denied by DFW policy lab-shop-db-from-api-bbbbbbbb-0000-4000-8000-000000000001-drop/);
  });

  it('the extended profile converts both and is equivalent', () => {
    const state = buildNsxState(cluster, { profile: 'extended' });
    assert.equal(state.conversion.refusals.length, 0);
    assert.equal(verifyEngines(cluster, k8s, state.engine).equivalent, true);
  });
});
