import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressAtoms } from '../../../src/evaluate/verify/address-atoms.ts';
import { portClasses } from '../../../src/evaluate/verify/port-classes.ts';
import { loadClusterFromTexts } from '../../../src/k8s/load-cluster.ts';

const cluster = loadClusterFromTexts([{ name: 't.yaml', text: `
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns1}
spec:
  containers:
  - name: c
    image: x
    ports: [{name: web, containerPort: 8443}, {containerPort: 53, protocol: UDP}]
status: {podIP: 10.0.0.1}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: q, namespace: ns1}
spec:
  podSelector: {}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/30, except: [10.0.0.2/32]}}]
    ports: [{port: 80}, {port: 8000, endPort: 8080}, {port: web}]
` }]);

describe('port classes', () => {
  it('cut every protocol at every port, endPort + 1 and container port', () => {
    const tcp = portClasses(cluster).filter((c) => c.protocol === 'TCP').map((c) => [c.first, c.last]);
    assert.deepEqual(tcp, [[1, 79], [80, 80], [81, 7999], [8000, 8080], [8081, 8442], [8443, 8443], [8444, 65535]]);
    const udp = portClasses(cluster).filter((c) => c.protocol === 'UDP').map((c) => [c.first, c.last]);
    assert.deepEqual(udp, [[1, 52], [53, 53], [54, 65535]]);
    assert.deepEqual(portClasses(cluster).filter((c) => c.protocol === 'SCTP').map((c) => [c.first, c.last]), [[1, 65535]]);
  });
});

describe('address atoms', () => {
  it('cut the address space at every cidr and except boundary, with a non-pod representative', () => {
    const atoms = addressAtoms(cluster, 4).map((a) => [String(a.first), String(a.last), a.representative]);
    assert.deepEqual(atoms, [
      ['0', String(0x0a000000 - 1), '0.0.0.1'],
      [String(0x0a000000), String(0x0a000001), '10.0.0.0'], // 10.0.0.1 is the pod's
      [String(0x0a000002), String(0x0a000002), '10.0.0.2'],
      [String(0x0a000003), String(0x0a000003), '10.0.0.3'],
      [String(0x0a000004), String(2 ** 32 - 1), '10.0.0.5'],
    ]);
  });
});
