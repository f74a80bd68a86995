// The reference engine against the independent oracle (test/oracle/network-policy-oracle.ts), differentially, on
// generated clusters with both address families, named ports, endPort, except, hostNetwork and terminated pods:
// every pair of endpoints (live pods, and external addresses at and next to every ipBlock edge), every protocol,
// at every port a policy or pod names and its neighbours, and every other IP protocol.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint } from '../../src/evaluate/endpoint.ts';
import { createKubernetesEngine } from '../../src/evaluate/kubernetes/kubernetes-engine.ts';
import type { Cluster } from '../../src/k8s/cluster.ts';
import { generateCluster } from '../../testing/synthetic/generate-cluster.ts';
import { isIP } from 'node:net';
import { cidrEdges, oracleAllows, oracleLive, type OracleConnection } from './network-policy-oracle.ts';

type Query = { protocol: OracleConnection['protocol']; port: number };

/** Endpoints of one family, built here: every live pod at its address of that family, then the externals. */
function endpoints(cluster: Cluster, family: 4 | 6): Endpoint[] {
  const out: Endpoint[] = [];
  for (const pod of cluster.pods) {
    const ip = oracleLive(pod) ? pod.ips.find((a) => isIP(a) === family) : undefined;
    if (ip) out.push({ kind: 'pod', id: `${pod.namespace}/${pod.name}`, pod, ip, family });
  }
  const podIps = new Set(cluster.pods.flatMap((p) => p.ips));
  const externals = new Set<string>(family === 4 ? ['8.8.8.8'] : ['2001:db8::1']);
  for (const p of cluster.policies) {
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const peer of rule.peers ?? []) {
        if (!peer.ipBlock) continue;
        for (const c of [peer.ipBlock.cidr, ...peer.ipBlock.except]) for (const a of cidrEdges(c)) if (isIP(a) === family && !podIps.has(a)) externals.add(a);
      }
    }
  }
  for (const ip of externals) out.push({ kind: 'external', id: ip, ip, family });
  return out;
}

function queries(cluster: Cluster): Query[] {
  const ports = new Set([1, 65535]);
  for (const p of cluster.policies) {
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const port of rule.ports ?? []) if (typeof port.port === 'number') for (const x of [port.port - 1, port.port, port.endPort ?? port.port, (port.endPort ?? port.port) + 1]) ports.add(x);
    }
  }
  for (const pod of cluster.pods) for (const cp of pod.ports) ports.add(cp.port);
  const out: Query[] = [{ protocol: 'OTHER', port: 0 }];
  for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) for (const port of ports) if (port >= 1 && port <= 65535) out.push({ protocol, port });
  return out;
}

const oracleEnd = (e: Endpoint) => (e.kind === 'pod' ? { pod: e.pod, ip: e.ip } : { ip: e.ip });

/** Compares the engine's matrix and its one-connection decision with the oracle on every connection; returns how many were compared. */
function compare(cluster: Cluster): { connections: number; features: Set<string> } {
  const engine = createKubernetesEngine(cluster);
  const features = new Set<string>();
  let connections = 0;
  for (const family of [4, 6] as const) {
    const eps = endpoints(cluster, family);
    if (!eps.some((e) => e.kind === 'pod')) continue;
    features.add(`IPv${family}`);
    for (const q of queries(cluster)) {
      const m = engine.matrix(eps, q);
      for (let i = 0; i < eps.length; i++) {
        for (let j = 0; j < eps.length; j++) {
          const expected = oracleAllows(cluster, { src: oracleEnd(eps[i]), dst: oracleEnd(eps[j]), protocol: q.protocol, port: q.port });
          connections++;
          if (m.get(i, j) !== expected) {
            const d = engine.decide({ src: eps[i], dst: eps[j], protocol: q.protocol, port: q.port });
            assert.fail(`${cluster.name}: ${eps[i].id} -> ${eps[j].id} ${q.port}/${q.protocol}: engine ${m.get(i, j)}, oracle ${expected} (engine: egress ${d.egress.by}; ingress ${d.ingress.by})`);
          }
          if ((i * 7 + j) % 13 === 0) {
            const d = engine.decide({ src: eps[i], dst: eps[j], protocol: q.protocol, port: q.port });
            assert.equal(d.allowed, expected, `${cluster.name}: decide ${eps[i].id} -> ${eps[j].id} ${q.port}/${q.protocol}`);
          }
        }
      }
    }
  }
  const text = JSON.stringify(cluster.policies);
  if (text.includes('"endPort"')) features.add('endPort');
  if (/"except":\["/.test(text)) features.add('except');
  if (cluster.policies.some((p) => [...p.ingress, ...p.egress].some((r) => (r.ports ?? []).some((x) => typeof x.port === 'string')))) features.add('named ports');
  if (cluster.pods.some((p) => p.hostNetwork && oracleLive(p))) features.add('hostNetwork');
  if (cluster.pods.some((p) => p.phase === 'Succeeded' || p.phase === 'Failed')) features.add('terminated');
  return { connections, features };
}

describe('the reference engine agrees with an independent oracle', () => {
  it('on generated clusters: both families, named ports, endPort, except, hostNetwork and terminated pods', () => {
    const seen = new Set<string>();
    let connections = 0;
    for (let seed = 1; seed <= Number(process.env.SEEDS ?? 20); seed++) {
      const t0 = Date.now();
      const r = compare(generateCluster('random', { seed, scale: 1, name: `random-${seed}` }));
      if (process.env.SEEDS) console.log(seed, r.connections, Date.now() - t0);
      connections += r.connections;
      for (const f of r.features) seen.add(f);
    }
    for (const [shape, scale] of [['small-namespaces', 0.0004], ['one-namespace', 0.002]] as const) {
      for (const egress of ['deny', 'mirror'] as const) connections += compare(generateCluster(shape, { seed: 2, scale, egress, name: `${shape}-${egress}` })).connections;
    }
    assert.deepEqual([...seen].sort(), ['IPv4', 'IPv6', 'endPort', 'except', 'hostNetwork', 'named ports', 'terminated']);
    assert.ok(connections > 100_000, `${connections} connections compared`);
  });

  it('the oracle itself: literal cases', async () => {
    const { inCidr, selects } = await import('./network-policy-oracle.ts');
    assert.equal(inCidr('10.0.0.5', '10.0.0.0/30'), false);
    assert.equal(inCidr('10.0.0.3', '10.0.0.0/30'), true);
    assert.equal(inCidr('fd00::1', '10.0.0.0/8'), false);
    assert.equal(inCidr('fd00::1', 'fd00::/64'), true);
    assert.equal(selects({ matchLabels: {}, matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, {}), true);
    assert.equal(selects({ matchLabels: { a: '' }, matchExpressions: [] }, {}), false);
    assert.deepEqual(cidrEdges('10.0.0.0/30'), ['9.255.255.255', '10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
  });
});
