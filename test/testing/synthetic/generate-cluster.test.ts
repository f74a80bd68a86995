import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NAMESPACE_NAME_LABEL } from '../../../src/k8s/labels.ts';
import { generateCluster } from '../../../testing/synthetic/generate-cluster.ts';
import { createPrng } from '../../../testing/synthetic/prng.ts';
import { cidrContains } from '../../../src/net/cidr.ts';
import { familyOf } from '../../../src/net/ip-address.ts';

describe('prng', () => {
  it('is deterministic per seed and spreads over its range', () => {
    const a = createPrng(42), b = createPrng(42), c = createPrng(43);
    const xs = Array.from({ length: 1000 }, () => a.int(10));
    assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.int(10)));
    assert.notDeepEqual(xs, Array.from({ length: 1000 }, () => c.int(10)));
    for (let v = 0; v < 10; v++) assert.ok(xs.filter((x) => x === v).length > 50, `value ${v} is drawn`);
  });
});

describe('generateCluster: Antrea shapes', () => {
  it('small-namespaces: per namespace 4 pods, a default-deny-all and 2 policies', () => {
    const c = generateCluster('small-namespaces', { scale: 0.001, seed: 7 });
    assert.equal(c.namespaces.size, 25);
    assert.equal(c.pods.length, 100);
    assert.equal(c.policies.length, 75);
    const ns = [...c.namespaces.values()][0];
    assert.equal(ns.labels.app, ns.name);
    assert.equal(ns.labels[NAMESPACE_NAME_LABEL], ns.name);
    const np1 = c.policies.find((p) => p.namespace === ns.name && p.name === 'np-1')!;
    assert.deepEqual(np1.podSelector.matchLabels, { 'app-1': 'scale-1' });
    assert.deepEqual(np1.ingress[0].peers![0].podSelector!.matchLabels, { 'app-1': 'scale-1' });
    assert.deepEqual(np1.policyTypes, ['Ingress', 'Egress']);
    assert.equal(np1.egress.length, 0);
    assert.equal(new Set(c.pods.map((p) => p.ips[0])).size, 100, 'pod addresses are unique');
  });

  it('large-namespaces and one-namespace scale down; egress variants', () => {
    const b = generateCluster('large-namespaces', { scale: 0.02 });
    assert.equal(b.namespaces.size, 2);
    assert.equal(b.pods.length, 2000);
    assert.equal(b.policies.length, 202);
    const c = generateCluster('one-namespace', { scale: 0.01, egress: 'mirror' });
    assert.equal(c.namespaces.size, 1);
    assert.equal(c.pods.length, 100);
    assert.equal(c.policies.length, 100);
    assert.equal(c.policies[0].egress.length, 1);
    const n = generateCluster('one-namespace', { scale: 0.01, egress: 'none' });
    assert.deepEqual(n.policies[0].policyTypes, ['Ingress']);
  });

  it('is deterministic for a seed', () => {
    const strip = (c: ReturnType<typeof generateCluster>) => JSON.stringify({ ns: [...c.namespaces.keys()], pods: c.pods, policies: c.policies });
    assert.equal(strip(generateCluster('small-namespaces', { scale: 0.001, seed: 3 })), strip(generateCluster('small-namespaces', { scale: 0.001, seed: 3 })));
    assert.notEqual(strip(generateCluster('small-namespaces', { scale: 0.001, seed: 3 })), strip(generateCluster('small-namespaces', { scale: 0.001, seed: 4 })));
    assert.equal(strip(generateCluster('random', { seed: 9 })), strip(generateCluster('random', { seed: 9 })));
  });
});

describe('generateCluster: random', () => {
  const clusters = Array.from({ length: 60 }, (_, i) => generateCluster('random', { seed: i + 1 }));
  const pods = clusters.flatMap((c) => c.pods);
  const policies = clusters.flatMap((c) => c.policies);
  const rules = policies.flatMap((p) => [...p.ingress, ...p.egress]);
  const peers = rules.flatMap((r) => r.peers ?? []);
  const ports = rules.flatMap((r) => r.ports ?? []);
  const exprs = [...policies.map((p) => p.podSelector), ...peers.flatMap((p) => [p.podSelector, p.namespaceSelector])].flatMap((s) => s?.matchExpressions ?? []);

  it('covers every feature across seeds', () => {
    const has = (what: string, ok: boolean) => assert.ok(ok, what);
    has('namespaceSelector+podSelector peer', peers.some((p) => p.namespaceSelector && p.podSelector));
    has('kubernetes.io/metadata.name selector', peers.some((p) => p.namespaceSelector && (NAMESPACE_NAME_LABEL in p.namespaceSelector.matchLabels || p.namespaceSelector.matchExpressions.some((e) => e.key === NAMESPACE_NAME_LABEL))));
    for (const op of ['In', 'NotIn', 'Exists', 'DoesNotExist']) has(op, exprs.some((e) => e.operator === op));
    has('IPv4 except', peers.some((p) => p.ipBlock && p.ipBlock.except.length && familyOf(p.ipBlock.cidr.split('/')[0]) === 4));
    has('IPv6 except', peers.some((p) => p.ipBlock && p.ipBlock.except.length && familyOf(p.ipBlock.cidr.split('/')[0]) === 6));
    has('ipBlock covering a pod', peers.some((p) => p.ipBlock && pods.some((pod) => pod.ips.some((ip) => familyOf(ip) === familyOf(p.ipBlock!.cidr.split('/')[0]) && cidrContains(p.ipBlock!.cidr, ip)))));
    has('endPort', ports.some((p) => p.endPort !== undefined));
    has('named port', ports.some((p) => typeof p.port === 'string'));
    has('UDP and SCTP', ports.some((p) => p.protocol === 'UDP') && ports.some((p) => p.protocol === 'SCTP'));
    has('egress-only policy', policies.some((p) => p.policyTypes.length === 1 && p.policyTypes[0] === 'Egress'));
    has('rules of a direction not in policyTypes', policies.some((p) => (!p.policyTypes.includes('Ingress') && p.ingress.length) || (!p.policyTypes.includes('Egress') && p.egress.length)));
    has('pod without IP', pods.some((p) => p.ips.length === 0));
    has('terminated pod', pods.some((p) => p.phase === 'Succeeded' || p.phase === 'Failed'));
    has('hostNetwork pod', pods.some((p) => p.hostNetwork));
    has('dual-stack pod', pods.some((p) => p.ips.length === 2 && !p.hostNetwork));
    has('named port numbers differ per pod', new Set(pods.flatMap((p) => p.ports.filter((x) => x.name === 'http').map((x) => x.port))).size > 1);
  });

  it('generates valid excepts (strictly inside their cidr) and valid endPorts', () => {
    for (const p of peers) {
      if (!p.ipBlock) continue;
      for (const e of p.ipBlock.except) {
        assert.ok(cidrContains(p.ipBlock.cidr, e) && e !== p.ipBlock.cidr, `${e} inside ${p.ipBlock.cidr}`);
        assert.ok(Number(e.split('/')[1]) > Number(p.ipBlock.cidr.split('/')[1]));
      }
    }
    for (const p of ports) if (p.endPort !== undefined) assert.ok(typeof p.port === 'number' && p.endPort >= p.port);
  });
});
