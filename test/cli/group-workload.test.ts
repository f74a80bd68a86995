// `reach --group workload`: the pods of one owner with the same labels and ports as one row namespace/name[Kind],
// only where they answer alike, so the merged table says exactly what the pod-by-pod one does.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseReachJson, runNp2dfw } from './run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'np2dfw-group-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const pod = (name: string, ip: string, labels: string, owner?: [string, string]) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: shop
  labels: ${labels}
${owner ? `  ownerReferences: [{apiVersion: apps/v1, kind: ${owner[0]}, name: ${owner[1]}, uid: u-${owner[1]}, controller: true}]\n` : ''}spec:
  containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]
status: {phase: Running, podIP: ${ip}}
`;

const file = join(tmp, 'live.yaml');
writeFileSync(file, [
  pod('web-5d8f-a', '10.0.0.1', '{app: web, pod-template-hash: 5d8f}', ['ReplicaSet', 'web-5d8f']),
  pod('web-5d8f-b', '10.0.0.2', '{app: web, pod-template-hash: 5d8f}', ['ReplicaSet', 'web-5d8f']),
  pod('db-0', '10.0.0.3', '{app: db, statefulset.kubernetes.io/pod-name: db-0}', ['StatefulSet', 'db']),
  pod('db-1', '10.0.0.4', '{app: db, statefulset.kubernetes.io/pod-name: db-1}', ['StatefulSet', 'db']),
  pod('cache-0', '10.0.0.5', '{app: cache}', ['StatefulSet', 'cache']),
  pod('cache-1', '10.0.0.6', '{app: cache}', ['StatefulSet', 'cache']),
  pod('client', '10.0.0.7', '{app: client}'),
  // db takes 8080 from web only; the pods of db do not reach each other. cache takes it from 10.0.0.0/8 except
  // 10.0.0.5/32: cache-0 and cache-1 answer differently, so they stay apart.
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cache, namespace: shop}
spec:
  podSelector: {matchLabels: {app: cache}}
  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.5/32]}}]}]
`,
].join('---\n'));

describe('reach --group workload', () => {
  it('merges a Deployment\'s pods (through their ReplicaSet) and a StatefulSet\'s, keeps pods that answer differently apart', () => {
    const r = runNp2dfw(['reach', '-f', file, '--port', '8080', '--group', 'workload']);
    assert.equal(r.code, 0, r.stderr);
    // Between db's pods the cell is db-0 to db-1 (denied: db takes web only), not a pod's traffic to itself.
    assert.equal(r.stdout, `8080/TCP: 20 of 25 connections allowed (row = source, column = destination; . allowed, X denied)

                                       12345
 1  shop/cache-0          10.0.0.5     .X.X.
 2  shop/cache-1          10.0.0.6     ...X.
 3  shop/client           10.0.0.7     ...X.
 4  shop/db[StatefulSet]  10.0.0.3 +1  ...X.
 5  shop/web[Deployment]  10.0.0.1 +1  .....
`);
    // The same by default in tables; pod by pod on request; JSON merges only when asked.
    assert.equal(runNp2dfw(['reach', '-f', file, '--port', '8080']).stdout, r.stdout);
    const pods = runNp2dfw(['reach', '-f', file, '--port', '8080', '--group', 'pod']);
    assert.match(pods.stdout, /^ 7  shop\/web-5d8f-b /m);
    const json = (group: string) => parseReachJson(runNp2dfw(['reach', '-f', file, '--port', '8080', '-o', 'json', '--group', group]).stdout).get('8080/TCP')!;
    assert.deepEqual(json('workload').order, ['shop/cache-0', 'shop/cache-1', 'shop/client', 'shop/db[StatefulSet]', 'shop/web[Deployment]']);
    assert.equal(json('auto').order.length, 7);
    assert.equal(json('workload').matrix['shop/web[Deployment]']['shop/db[StatefulSet]'], true);
  });
});
