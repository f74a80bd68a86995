// Kubernetes NetworkPolicy semantics (issue 2 §4), one rule at a time, through the reference engine.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { endpointsOf } from '../../../src/evaluate/endpoints.ts';
import { allows, ep, load, np, ns, pod } from './fixtures.ts';

const denyIngress = (namespace: string) => np(namespace, 'deny-in', { podSelector: {}, policyTypes: ['Ingress'] });
const denyEgress = (namespace: string) => np(namespace, 'deny-out', { podSelector: {}, policyTypes: ['Egress'] });

describe('isolation', () => {
  it('allows everything when no policy selects a pod', () => {
    const e = createKubernetesEngine(load(pod('a', 'x', {}, ['10.0.0.1']), pod('a', 'y', {}, ['10.0.0.2'])));
    assert.equal(allows(e, 'a/x', 'a/y', 80), true);
    assert.equal(allows(e, 'a/y', 'a/x', 5353, 'UDP'), true);
  });

  it('a policy with no rules isolates the pods it selects and allows nothing', () => {
    const e = createKubernetesEngine(load(pod('a', 'x', {}, ['10.0.0.1']), pod('a', 'y', { role: 'db' }, ['10.0.0.2']), np('a', 'p', { podSelector: { matchLabels: { role: 'db' } } })));
    assert.equal(allows(e, 'a/x', 'a/y', 80), false);
    assert.equal(allows(e, 'a/y', 'a/x', 80), true, 'only ingress is isolated, x is not selected');
  });

  it('policies in another namespace do not isolate', () => {
    const e = createKubernetesEngine(load(pod('a', 'x', {}, ['10.0.0.1']), pod('b', 'y', {}, ['10.0.0.2']), denyIngress('a'), denyEgress('a')));
    assert.equal(allows(e, 'b/y', 'b/y', 80), true);
    assert.equal(allows(e, 'a/x', 'b/y', 80), false, 'a/x egress is isolated');
    assert.equal(allows(e, 'b/y', 'a/x', 80), false, 'a/x ingress is isolated');
    const e2 = createKubernetesEngine(load(pod('a', 'x', {}, ['10.0.0.1']), pod('b', 'y', {}, ['10.0.0.2']), denyIngress('c')));
    assert.equal(allows(e2, 'a/x', 'b/y', 80), true);
  });

  it('egress and ingress must both allow', () => {
    const c = load(pod('a', 'x', { app: 'x' }, ['10.0.0.1']), pod('a', 'y', { app: 'y' }, ['10.0.0.2']),
      np('a', 'x-out', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'y' } } }] }] }),
      np('a', 'y-in', { podSelector: { matchLabels: { app: 'y' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'z' } } }] }] }));
    const e = createKubernetesEngine(c);
    const d = e.decide({ src: ep(c, 'a/x'), dst: ep(c, 'a/y'), protocol: 'TCP', port: 80 });
    assert.equal(d.egress.allowed, true);
    assert.equal(d.ingress.allowed, false);
    assert.equal(d.allowed, false);
  });

  it('a pod may always talk to itself, even when isolated both ways', () => {
    const e = createKubernetesEngine(load(pod('a', 'x', {}, ['10.0.0.1']), np('a', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })));
    assert.equal(allows(e, 'a/x', 'a/x', 80), true);
    const d = e.decide({ src: ep(e.cluster, 'a/x'), dst: ep(e.cluster, 'a/x'), protocol: 'TCP', port: 80 });
    assert.match(d.ingress.by, /itself/);
  });

  it('ignores rules of a direction not in policyTypes (ingress rules with policyTypes [Egress])', () => {
    const e = createKubernetesEngine(load(pod('a', 'x', {}, ['10.0.0.1']), pod('a', 'y', {}, ['10.0.0.2']),
      np('a', 'p', { podSelector: {}, policyTypes: ['Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { none: 'x' } } }] }], egress: [{}] })));
    // The ingress rule would restrict ingress if it counted; it does not, and ingress is not isolated.
    assert.equal(allows(e, 'a/x', 'a/y', 80), true);
    const e2 = createKubernetesEngine(load(pod('a', 'x', {}, ['10.0.0.1']), pod('a', 'y', {}, ['10.0.0.2']),
      np('a', 'p', { podSelector: {}, policyTypes: ['Ingress'], egress: [{ to: [{ ipBlock: { cidr: '192.168.0.0/16' } }] }] })));
    // Egress rules without Egress in policyTypes: egress stays open, ingress is isolated with no rules.
    assert.equal(allows(e2, 'a/x', '8.8.8.8', 53, 'UDP'), true);
    assert.equal(allows(e2, 'a/x', 'a/y', 80), false);
  });

  it('defaults policyTypes: Ingress always, Egress when spec.egress is present', () => {
    const c = load(pod('a', 'x', {}, ['10.0.0.1']), pod('b', 'y', {}, ['10.0.0.2']),
      np('a', 'only-egress-rules', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '8.8.8.8/32' } }] }] }));
    const e = createKubernetesEngine(c);
    assert.equal(allows(e, 'a/x', '8.8.8.8', 53, 'UDP'), true);
    assert.equal(allows(e, 'a/x', 'b/y', 80), false, 'egress is isolated by the defaulted policyTypes');
    assert.equal(allows(e, 'b/y', 'a/x', 80), false, 'ingress is isolated too, with no ingress rule');
    const c2 = load(pod('a', 'x', {}, ['10.0.0.1']), pod('b', 'y', {}, ['10.0.0.2']), np('a', 'in', { podSelector: {}, ingress: [{}] }));
    assert.equal(allows(createKubernetesEngine(c2), 'a/x', 'b/y', 80), true, 'no spec.egress: egress not isolated');
  });

  it('adds up the allows of all policies; an empty rule allows everything', () => {
    const c = load(pod('a', 'x', { app: 'x' }, ['10.0.0.1']), pod('a', 'y', { app: 'y' }, ['10.0.0.2']), pod('a', 'z', { app: 'z' }, ['10.0.0.3']),
      pod('a', 'db', { app: 'db' }, ['10.0.0.4']),
      np('a', 'from-x', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }] }] }),
      np('a', 'from-y', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'y' } } }] }] }),
      np('a', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }));
    const e = createKubernetesEngine(c);
    assert.equal(allows(e, 'a/x', 'a/db', 80), true);
    assert.equal(allows(e, 'a/y', 'a/db', 80), true);
    assert.equal(allows(e, 'a/z', 'a/db', 80), false);
    assert.equal(allows(e, 'a/x', 'a/y', 80), false);
    const open = createKubernetesEngine(load(pod('a', 'x', {}, ['10.0.0.1']), pod('b', 'y', {}, ['10.0.0.2']), denyIngress('a'), np('a', 'allow-all', { podSelector: {}, ingress: [{}] })));
    assert.equal(allows(open, 'b/y', 'a/x', 1, 'SCTP'), true);
    assert.equal(allows(open, '1.2.3.4', 'a/x', 65535, 'UDP'), true);
  });
});

describe('peers', () => {
  const cluster = () => load(
    ns('alice', { user: 'alice' }), ns('bob', { user: 'bob' }), ns('db'),
    pod('alice', 'client', { role: 'client' }, ['10.1.0.1']),
    pod('alice', 'other', { role: 'other' }, ['10.1.0.2']),
    pod('bob', 'client', { role: 'client' }, ['10.2.0.1']),
    pod('db', 'client', { role: 'client' }, ['10.3.0.2']),
    pod('db', 'server', { role: 'db' }, ['10.3.0.1']),
  );

  it('namespaceSelector and podSelector in one peer: both must match', () => {
    const c = cluster();
    const e = createKubernetesEngine(c, {
      policies: load(np('db', 'p', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } }] }] })).policies,
    });
    assert.equal(allows(e, 'alice/client', 'db/server', 80), true);
    assert.equal(allows(e, 'alice/other', 'db/server', 80), false);
    assert.equal(allows(e, 'bob/client', 'db/server', 80), false);
    assert.equal(allows(e, 'db/client', 'db/server', 80), false, 'the own namespace is not implied when namespaceSelector is given');
  });

  it('namespaceSelector and podSelector as two peers: either matches (podSelector = own namespace)', () => {
    const c = cluster();
    const e = createKubernetesEngine(c, {
      policies: load(np('db', 'p', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } } }, { podSelector: { matchLabels: { role: 'client' } } }] }] })).policies,
    });
    assert.equal(allows(e, 'alice/client', 'db/server', 80), true);
    assert.equal(allows(e, 'alice/other', 'db/server', 80), true);
    assert.equal(allows(e, 'bob/client', 'db/server', 80), false, 'podSelector alone is the policy namespace only');
    assert.equal(allows(e, 'db/client', 'db/server', 80), true);
  });

  it('namespaceSelector on kubernetes.io/metadata.name, also for undeclared namespaces', () => {
    const c = cluster();
    const e = createKubernetesEngine(c, {
      policies: load(np('db', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'bob' } } }] }] })).policies,
    });
    assert.equal(allows(e, 'bob/client', 'db/server', 80), true);
    assert.equal(allows(e, 'alice/client', 'db/server', 80), false);
    assert.equal(allows(e, 'db/client', 'db/server', 80), false);
    const e2 = createKubernetesEngine(c, {
      policies: load(np('bob', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } } }] }] })).policies,
    });
    assert.equal(allows(e2, 'db/client', 'bob/client', 80), true, 'db was never declared but carries its name label');
  });

  it('matchExpressions: In, NotIn (also matching pods without the key), Exists, DoesNotExist', () => {
    const c = load(
      pod('a', 'blue', { color: 'blue', tier: 'web' }, ['10.0.0.1']), pod('a', 'red', { color: 'red' }, ['10.0.0.2']),
      pod('a', 'plain', {}, ['10.0.0.3']), pod('a', 'target', { app: 't' }, ['10.0.0.9']));
    const sel = (matchExpressions: unknown[]) => createKubernetesEngine(c, {
      policies: load(np('a', 'p', { podSelector: { matchLabels: { app: 't' } }, ingress: [{ from: [{ podSelector: { matchExpressions } }] }] })).policies,
    });
    const from = (e: ReturnType<typeof sel>) => ['a/blue', 'a/red', 'a/plain'].filter((s) => allows(e, s, 'a/target', 80));
    assert.deepEqual(from(sel([{ key: 'color', operator: 'In', values: ['blue', 'green'] }])), ['a/blue']);
    assert.deepEqual(from(sel([{ key: 'color', operator: 'NotIn', values: ['blue'] }])), ['a/red', 'a/plain']);
    assert.deepEqual(from(sel([{ key: 'color', operator: 'Exists' }])), ['a/blue', 'a/red']);
    assert.deepEqual(from(sel([{ key: 'tier', operator: 'DoesNotExist' }])), ['a/red', 'a/plain']);
    assert.deepEqual(from(sel([{ key: 'color', operator: 'Exists' }, { key: 'tier', operator: 'DoesNotExist' }])), ['a/red']);
  });

  it('namespaceSelector {} selects every pod of every namespace, never an external address', () => {
    const c = cluster();
    const e = createKubernetesEngine(c, { policies: load(np('db', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] })).policies });
    for (const s of ['alice/client', 'alice/other', 'bob/client', 'db/client']) assert.equal(allows(e, s, 'db/server', 80), true, s);
    assert.equal(allows(e, '10.9.9.9', 'db/server', 80), false);
  });
});

describe('ipBlock', () => {
  const base = () => [
    pod('a', 'server', { app: 's' }, ['10.0.0.1', 'fd00::1']),
    pod('b', 'in-except', {}, ['172.17.1.5', 'fd00:1::5']),
    pod('b', 'in-cidr', {}, ['172.17.2.5', 'fd00:2::5']),
  ];

  it('matches addresses in cidr minus except, pod addresses and externals alike', () => {
    const c = load(...base(), np('a', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }] }] }));
    const e = createKubernetesEngine(c);
    assert.equal(allows(e, 'b/in-cidr', 'a/server', 80), true);
    assert.equal(allows(e, 'b/in-except', 'a/server', 80), false);
    assert.equal(allows(e, '172.17.0.0', 'a/server', 80), true);
    assert.equal(allows(e, '172.17.255.255', 'a/server', 80), true);
    assert.equal(allows(e, '172.17.1.255', 'a/server', 80), false);
    assert.equal(allows(e, '172.18.0.0', 'a/server', 80), false);
    assert.equal(allows(e, '172.16.255.255', 'a/server', 80), false);
  });

  it('an except range is re-allowed by another peer of the same rule', () => {
    const c = load(...base(), np('a', 'p', { podSelector: {}, ingress: [{ from: [
      { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
      { ipBlock: { cidr: '172.17.1.0/28' } },
    ] }] }));
    const e = createKubernetesEngine(c);
    assert.equal(allows(e, 'b/in-except', 'a/server', 80), true, '172.17.1.5 is in the second peer');
    assert.equal(allows(e, '172.17.1.16', 'a/server', 80), false, 'outside the second peer and in the except');
    const x = e.explainDirection({ src: ep(c, 'b/in-except'), dst: ep(c, 'a/server'), protocol: 'TCP', port: 80 }, 'Ingress');
    assert.equal(x.allowedBy?.peerIndex, 1);
  });

  it('an except range is re-allowed by another policy, and by a selector peer', () => {
    const c = load(...base(),
      np('a', 'p1', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }] }] }),
      np('a', 'p2', { podSelector: { matchLabels: { app: 's' } }, ingress: [{ from: [{ ipBlock: { cidr: '172.17.1.4/30' } }] }] }));
    const e = createKubernetesEngine(c);
    assert.equal(allows(e, 'b/in-except', 'a/server', 80), true);
    assert.equal(allows(e, '172.17.1.8', 'a/server', 80), false);
    const x = e.explainDirection({ src: ep(c, 'b/in-except'), dst: ep(c, 'a/server'), protocol: 'TCP', port: 80 }, 'Ingress');
    assert.equal(x.allowedBy?.policy, 'a/p2');
    assert.deepEqual(x.isolatedBy, ['a/p1', 'a/p2']);
    const c2 = load(...base(), np('a', 'p', { podSelector: {}, ingress: [{ from: [
      { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }] }] }));
    assert.equal(allows(createKubernetesEngine(c2), 'b/in-except', 'a/server', 80), true);
  });

  it('two ipBlock peers in one rule add up', () => {
    const c = load(...base(), np('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '8.8.8.0/24' } }, { ipBlock: { cidr: '1.1.1.1/32' } }] }] }));
    const e = createKubernetesEngine(c);
    assert.equal(allows(e, 'a/server', '8.8.8.8', 53, 'UDP'), true);
    assert.equal(allows(e, 'a/server', '1.1.1.1', 53, 'UDP'), true);
    assert.equal(allows(e, 'a/server', '1.1.1.2', 53, 'UDP'), false);
    assert.equal(allows(e, 'a/server', '8.8.9.0', 53, 'UDP'), false);
    assert.equal(allows(e, 'a/server', 'b/in-cidr', 53, 'UDP'), false);
  });

  it('IPv6: ::/0 with except; an IPv4 block never matches an IPv6 endpoint and back', () => {
    const c = load(...base(), np('a', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '::/0', except: ['fd00:1::/64'] } }] }] }));
    const e = createKubernetesEngine(c);
    assert.equal(allows(e, 'b/in-cidr', 'a/server', 80, 'TCP', 6), true);
    assert.equal(allows(e, 'b/in-except', 'a/server', 80, 'TCP', 6), false);
    assert.equal(allows(e, '2001:db8::1', 'a/server', 80, 'TCP', 6), true);
    assert.equal(allows(e, 'fd00:1::ffff', 'a/server', 80, 'TCP', 6), false);
    assert.equal(allows(e, 'b/in-cidr', 'a/server', 80, 'TCP', 4), false, '::/0 holds no IPv4 address');
    const c4 = load(...base(), np('a', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }));
    const e4 = createKubernetesEngine(c4);
    assert.equal(allows(e4, 'b/in-cidr', 'a/server', 80, 'TCP', 4), true);
    assert.equal(allows(e4, 'b/in-cidr', 'a/server', 80, 'TCP', 6), false);
    assert.equal(allows(e4, '::ffff:1.2.3.4', 'a/server', 80, 'TCP', 6), false);
  });
});

describe('ports', () => {
  const c = () => load(
    pod('a', 'client', {}, ['10.0.0.1']),
    pod('a', 'web1', { app: 'web' }, ['10.0.0.2'], { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }),
    pod('a', 'web2', { app: 'web' }, ['10.0.0.3'], { ports: [{ name: 'http', containerPort: 9090 }, { name: 'dns', containerPort: 5353, protocol: 'TCP' }] }),
  );
  const withPorts = (ports: unknown[]) => {
    const cl = c();
    return createKubernetesEngine(cl, { policies: load(np('a', 'p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports }] })).policies });
  };

  it('no ports = every port and protocol; a protocol without port = every port of that protocol', () => {
    const any = withPorts([]);
    assert.equal(allows(any, 'a/client', 'a/web1', 1, 'SCTP'), true);
    const udp = withPorts([{ protocol: 'UDP' }]);
    assert.equal(allows(udp, 'a/client', 'a/web1', 1, 'UDP'), true);
    assert.equal(allows(udp, 'a/client', 'a/web1', 65535, 'UDP'), true);
    assert.equal(allows(udp, 'a/client', 'a/web1', 53, 'TCP'), false);
    const sctp = withPorts([{ protocol: 'SCTP', port: 3868 }]);
    assert.equal(allows(sctp, 'a/client', 'a/web1', 3868, 'SCTP'), true);
    assert.equal(allows(sctp, 'a/client', 'a/web1', 3868, 'TCP'), false);
    const tcpDefault = withPorts([{ port: 443 }]);
    assert.equal(allows(tcpDefault, 'a/client', 'a/web1', 443, 'TCP'), true, 'protocol defaults to TCP');
    assert.equal(allows(tcpDefault, 'a/client', 'a/web1', 443, 'UDP'), false);
  });

  it('endPort: port and endPort included, endPort+1 and port-1 not', () => {
    const e = withPorts([{ protocol: 'TCP', port: 32000, endPort: 32768 }]);
    assert.equal(allows(e, 'a/client', 'a/web1', 31999), false);
    assert.equal(allows(e, 'a/client', 'a/web1', 32000), true);
    assert.equal(allows(e, 'a/client', 'a/web1', 32500), true);
    assert.equal(allows(e, 'a/client', 'a/web1', 32768), true);
    assert.equal(allows(e, 'a/client', 'a/web1', 32769), false);
  });

  it('a named port is the destination pod\'s own port: different numbers on different pods', () => {
    const e = withPorts([{ port: 'http' }]);
    assert.equal(allows(e, 'a/client', 'a/web1', 8080), true);
    assert.equal(allows(e, 'a/client', 'a/web1', 9090), false);
    assert.equal(allows(e, 'a/client', 'a/web2', 9090), true);
    assert.equal(allows(e, 'a/client', 'a/web2', 8080), false);
  });

  it('a named port with another protocol does not match', () => {
    const e = withPorts([{ port: 'dns', protocol: 'UDP' }]);
    assert.equal(allows(e, 'a/client', 'a/web1', 53, 'UDP'), true);
    assert.equal(allows(e, 'a/client', 'a/web2', 5353, 'UDP'), false, 'web2 declares dns as TCP');
    assert.equal(allows(e, 'a/client', 'a/web2', 5353, 'TCP'), false, 'the rule says UDP');
  });

  it('a named port in an egress rule resolves on the destination, never on an external address', () => {
    const cl = c();
    const e = createKubernetesEngine(cl, { policies: load(np('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] })).policies });
    assert.equal(allows(e, 'a/client', 'a/web2', 9090), true);
    assert.equal(allows(e, 'a/client', 'a/web2', 8080), false);
    assert.equal(allows(e, 'a/web2', 'a/web1', 8080), true, 'resolved on web1, not on the source web2');
    assert.equal(allows(e, 'a/client', '1.2.3.4', 8080), false);
  });
});

describe('special endpoints', () => {
  it('hostNetwork pods are never isolated nor selected; ipBlocks match them', () => {
    const c = load(
      pod('a', 'host', { app: 'x' }, ['192.168.1.10'], { hostNetwork: true }),
      pod('a', 'pod', { app: 'x' }, ['10.0.0.1']),
      np('a', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      np('a', 'x', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }] }], egress: [{ to: [{ ipBlock: { cidr: '192.168.1.0/24' } }] }] }));
    const e = createKubernetesEngine(c);
    assert.deepEqual(e.isolatingPolicies(ep(c, 'a/host'), 'Ingress'), []);
    assert.equal(allows(e, 'a/pod', 'a/host', 80), true, 'egress by ipBlock, ingress not isolated');
    assert.equal(allows(e, 'a/host', 'a/pod', 80), false, 'the podSelector peer does not match a hostNetwork pod');
    const x = e.explainDirection({ src: ep(c, 'a/pod'), dst: ep(c, 'a/host'), protocol: 'TCP', port: 80 }, 'Ingress');
    assert.equal(x.verdict, 'Next');
    assert.equal(x.reason, 'host-network');
  });

  it('external addresses are never isolated', () => {
    const c = load(pod('a', 'x', {}, ['10.0.0.1']), np('a', 'allow-out', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }));
    const e = createKubernetesEngine(c);
    const x = e.explainDirection({ src: ep(c, 'a/x'), dst: ep(c, '9.9.9.9'), protocol: 'TCP', port: 80 }, 'Ingress');
    assert.equal(x.verdict, 'Next');
    assert.equal(allows(e, 'a/x', '9.9.9.9', 80), true);
  });

  it('pods without an IP and terminated pods are no endpoints, and stay selectable without effect', () => {
    const c = load(pod('a', 'pending', { app: 'x' }, []), pod('a', 'done', { app: 'x' }, ['10.0.0.5'], { phase: 'Succeeded' }),
      pod('a', 'failed', { app: 'x' }, ['10.0.0.6'], { phase: 'Failed' }), pod('a', 'live', { app: 'y' }, ['10.0.0.7']),
      np('a', 'p', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Ingress'] }));
    assert.deepEqual(endpointsOf(c, 4).map((x) => x.id), ['a/live']);
    const e = createKubernetesEngine(c);
    assert.equal(e.matrix(endpointsOf(c, 4), { protocol: 'TCP', port: 80 }).count(), 1);
  });
});

describe('reasons', () => {
  const c = () => load(pod('a', 'x', { app: 'x' }, ['10.0.0.1']), pod('a', 'db', { app: 'db' }, ['10.0.0.2']),
    np('a', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }),
    np('a', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [
      { from: [{ ipBlock: { cidr: '1.2.3.4/32' } }] },
      { from: [{ ipBlock: { cidr: '1.2.3.4/32' } }, { podSelector: { matchLabels: { app: 'x' } } }], ports: [{ port: 5432 }, { port: 6379 }] },
    ] }));

  it('names the policy, rule, peer and port that allowed', () => {
    const cl = c();
    const e = createKubernetesEngine(cl);
    const conn = { src: ep(cl, 'a/x'), dst: ep(cl, 'a/db'), protocol: 'TCP' as const, port: 6379 };
    const x = e.explainDirection(conn, 'Ingress');
    assert.deepEqual(x.allowedBy, { policy: 'a/db', uid: cl.policies.find((p) => p.name === 'db')!.uid, direction: 'Ingress', ruleIndex: 1, peerIndex: 1, portIndex: 1, port: '6379/TCP', path: 'spec.ingress[1].from[1]' });
    assert.deepEqual(x.isolatedBy, ['a/db', 'a/deny']);
    const d = e.decide(conn);
    assert.equal(d.allowed, true);
    assert.match(d.ingress.by, /a\/db spec\.ingress\[1\]\.from\[1\] port 6379\/TCP/);
    assert.match(d.egress.by, /not isolated/);
  });

  it('explains both directions in structured form', () => {
    const cl = c();
    const e = createKubernetesEngine(cl);
    const x = e.explain({ src: ep(cl, 'a/x'), dst: ep(cl, 'a/db'), protocol: 'TCP', port: 80 });
    assert.equal(x.allowed, false);
    assert.equal(x.egress.verdict, 'Next');
    assert.equal(x.egress.reason, 'not-isolated');
    assert.equal(x.ingress.verdict, 'Deny');
    assert.equal(x.ingress.subject, 'a/db');
    assert.equal(x.ingress.allowedBy, undefined);
    const y = e.explain({ src: ep(cl, '1.2.3.4'), dst: ep(cl, 'a/db'), protocol: 'TCP', port: 80 });
    assert.equal(y.allowed, true);
    assert.deepEqual({ ...y.ingress.allowedBy, uid: '' }, { policy: 'a/db', uid: '', direction: 'Ingress', ruleIndex: 0, peerIndex: 0, path: 'spec.ingress[0].from[0]' });
    assert.match(e.decide({ src: ep(cl, '1.2.3.4'), dst: ep(cl, 'a/db'), protocol: 'TCP', port: 80 }).ingress.by, /spec\.ingress\[0\]\.from\[0\] any port/);
  });

  it('lists the isolating policies when nothing allowed', () => {
    const cl = c();
    const e = createKubernetesEngine(cl);
    const st = e.directionVerdict({ src: ep(cl, 'a/x'), dst: ep(cl, 'a/db'), protocol: 'TCP', port: 80 }, 'Ingress');
    assert.equal(st.verdict, 'Deny');
    assert.equal(st.decision.allowed, false);
    assert.match(st.decision.by, /isolated for ingress by a\/db, a\/deny/);
    const next = e.directionVerdict({ src: ep(cl, 'a/x'), dst: ep(cl, 'a/db'), protocol: 'TCP', port: 80 }, 'Egress');
    assert.equal(next.verdict, 'Next');
  });

  it('works over a subset of the policies', () => {
    const cl = c();
    const e = createKubernetesEngine(cl, { policies: cl.policies.filter((p) => p.name === 'db') });
    assert.equal(allows(e, 'a/db', 'a/x', 80), true, 'a/deny is not in force: x is not isolated');
    const none = createKubernetesEngine(cl, { policies: [] });
    assert.equal(none.directionVerdict({ src: ep(cl, 'a/x'), dst: ep(cl, 'a/db'), protocol: 'TCP', port: 80 }, 'Ingress').verdict, 'Next');
  });
});
