// `np2dfw explain` through the real CLI: verdicts and reasons per direction, endpoint resolution, exit codes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNp2dfw } from './run-cli.ts';

interface DirectionJson {
  allowed: boolean;
  by: string;
  notes: string[];
  verdict?: string;
  reason?: string;
  isolatedBy?: string[];
  allowedBy?: { policy: string; ruleIndex: number; peerIndex?: number; portIndex?: number; port?: string; path: string; peerText?: string };
  misses?: string[];
}
interface ExplainJson {
  engine: string;
  from: { id: string; kind: string; ip: string };
  to: { id: string; kind: string; ip: string };
  protocol: string;
  port: number;
  allowed: boolean;
  kubernetesAllowed?: boolean;
  egress: DirectionJson;
  ingress: DirectionJson;
}

function explainJson(args: readonly string[]): ExplainJson {
  const r = runNp2dfw(['explain', ...args, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as ExplainJson;
}

describe('np2dfw explain', () => {
  it('names the policy, rule, peer and port that allowed each direction', () => {
    const x = explainJson(['-f', 'examples/seed-003', '--from', 'myproject/client', '--to', 'default/db', '--port', '6379']);
    assert.equal(x.allowed, true);
    assert.equal(x.engine, 'kubernetes');
    assert.deepEqual([x.protocol, x.port], ['TCP', 6379]);
    assert.equal(x.egress.reason, 'not-isolated');
    assert.deepEqual(x.ingress.isolatedBy, ['default/test-network-policy']);
    const a = x.ingress.allowedBy!;
    assert.deepEqual([a.policy, a.ruleIndex, a.peerIndex, a.portIndex, a.port], ['default/test-network-policy', 0, 1, 0, '6379/TCP']);
    assert.equal(a.peerText, 'namespaceSelector project=myproject');
  });

  it('says that none allowed, and why each rule missed', () => {
    const x = explainJson(['-f', 'examples/seed-003', '--from', 'other/frontend', '--to', 'default/db', '--port', '6379']);
    assert.equal(x.allowed, false);
    assert.equal(x.ingress.allowed, false);
    assert.equal(x.ingress.reason, 'denied');
    assert.deepEqual(x.ingress.misses, ['default/test-network-policy spec.ingress[0]: no peer matches other/frontend; a port matches']);
    // The egress of other/frontend is not isolated and allowed: only ingress denies.
    assert.equal(x.egress.allowed, true);
  });

  it('a named port is resolved on the destination pod', () => {
    const denied = runNp2dfw(['explain', '-f', 'examples/named-ports', '--from', 'ops/prometheus-0', '--to', 'store/web-0', '--port', '9090']);
    assert.equal(denied.code, 0, denied.stderr);
    assert.match(denied.stdout, /^ops\/prometheus-0 -> store\/web-0 on 9090\/TCP: DENIED\n/);
    assert.match(denied.stdout, /store\/allow-metrics spec\.ingress\[0\]: a peer matches; no port matches 9090\/TCP \(its ports: metrics\/TCP \(9113 on store\/web-0\)\)/);
    const allowed = runNp2dfw(['explain', '-f', 'examples/named-ports', '--from', 'ops/prometheus-0', '--to', 'store/api-0', '--port', '9090']);
    assert.match(allowed.stdout, /: ALLOWED\n/);
    assert.match(allowed.stdout, /port: metrics\/TCP, which is 9090\/TCP on store\/api-0/);
  });

  it('a pod\'s traffic to itself is always allowed, even when the pod is isolated both ways', () => {
    const x = explainJson(['-f', 'examples/seed-003', '--from', 'default/db', '--to', 'default/db', '--port', '1234']);
    assert.equal(x.allowed, true);
    assert.equal(x.egress.reason, 'self');
    assert.equal(x.ingress.reason, 'self');
    assert.deepEqual(x.egress.isolatedBy, ['default/test-network-policy']);
  });

  it('explains external and hostNetwork endpoints', () => {
    const ext = runNp2dfw(['explain', '-f', 'examples/seed-003', '--from', '172.17.1.5', '--to', 'default/db', '--port', '6379']);
    assert.match(ext.stdout, /from 172\.17\.1\.5 \(outside the cluster\)/);
    assert.match(ext.stdout, /egress of 172\.17\.1\.5: allowed\n {2}not isolated: 172\.17\.1\.5 is outside the cluster/);
    assert.match(ext.stdout, /note: 172\.17\.1\.5 is outside the cluster: only ipBlock peers can match it/);
    const host = explainJson(['-f', 'examples/shop', '--from', 'kube-system/node-exporter-n1', '--to', 'web/frontend-a', '--port', '8080']);
    assert.equal(host.egress.reason, 'host-network');
    assert.equal(host.from.ip, '192.168.10.11');
    assert.equal(host.ingress.allowedBy?.peerText, 'ipBlock 0.0.0.0/0');
  });

  it('an address of a pod names that pod; any other address is an external endpoint', () => {
    const x = explainJson(['-f', 'examples/seed-003', '--from', '10.244.1.20', '--to', '10.0.0.5', '--port', '80']);
    assert.deepEqual(x.from, { id: 'default/frontend', kind: 'pod', ip: '10.244.1.20', hostNetwork: false });
    assert.deepEqual(x.to, { id: '10.0.0.5', kind: 'external', ip: '10.0.0.5' });
  });

  it('picks the address family: IPv4 by default, IPv6 with --family 6 or an IPv6 address', () => {
    const v4 = explainJson(['-f', 'examples/dual-stack', '--from', 'edge/admin', '--to', 'edge/gateway', '--port', '443']);
    assert.equal(v4.to.ip, '10.50.0.10');
    const v6 = explainJson(['-f', 'examples/dual-stack', '--from', 'edge/admin', '--to', 'edge/gateway', '--port', '443', '--family', '6']);
    assert.equal(v6.to.ip, 'fd00:50::10');
    const ext6 = explainJson(['-f', 'examples/dual-stack', '--from', '2001:db8::1', '--to', 'edge/gateway', '--port', '443']);
    assert.equal(ext6.to.ip, 'fd00:50::10');
    assert.equal(ext6.allowed, true);
    assert.equal(ext6.ingress.allowedBy?.path, 'spec.ingress[0].from[1]');
  });

  it('exit 2 for unknown pods, bad ports and contradictory families, one paragraph, no stack trace', () => {
    for (const args of [
      ['--from', 'nope/nope', '--to', 'default/db', '--port', '80'],
      ['--from', 'default/db', '--to', 'default/nope', '--port', '80'],
      ['--from', 'db', '--to', 'default/db', '--port', '80'],
      ['--from', 'default/db', '--to', 'default/db', '--port', '99999'],
      ['--from', 'default/db', '--to', 'default/db'],
      ['--from', '10.0.0.1', '--to', '2001:db8::1', '--port', '80'],
      ['--from', '10.0.0.1', '--to', 'default/db', '--port', '80', '--family', '6'],
      ['--from', 'default/db', '--to', 'default/db', '--port', '80', '-o', 'table'],
    ]) {
      const r = runNp2dfw(['explain', '-f', 'examples/seed-003', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^error: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.equal(r.stdout, '');
    }
  });

  it('--via nsx names the deciding DFW rule; a refusing target exits 3', () => {
    const r = runNp2dfw(['explain', '-f', 'examples/seed-003', '--via', 'nsx', '--from', '172.17.1.5', '--to', 'default/db', '--port', '6379']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /: DENIED\n/);
    assert.match(r.stdout, /by {3}the nsx target/);
    const x = explainJson(['-f', 'examples/seed-003', '--via', 'nsx', '--from', '172.17.0.5', '--to', 'default/db', '--port', '6379']);
    assert.equal(x.engine, 'nsx');
    assert.equal(x.allowed, true);
    assert.equal(x.ingress.verdict, undefined, 'structured Kubernetes reasons only from the reference engine');
    const refused = runNp2dfw(['explain', '-f', 'examples/named-ports', '--via', 'nsx', '--from', 'store/web-0', '--to', 'store/api-0', '--port', '8000']);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /cannot express/);
    assert.equal(refused.stdout, '');
  });

  it('--via shows the NetworkPolicies\' own verdict, and says when the converted form changes it', () => {
    const same = runNp2dfw(['explain', '-f', 'examples/seed-003', '--via', 'nsx', '--from', 'default/frontend', '--to', 'default/db', '--port', '6379']);
    assert.match(same.stdout, /the NetworkPolicies themselves: ALLOWED \(the same verdict\)/);
    // A CONTINUE-style mixed state: store/default-deny is converted (its drop isolates store's pods) but
    // store/web-ingress, with its named port, is refused and stays a NetworkPolicy behind the drop.
    const x = explainJson(['-f', 'examples/named-ports', '--via', 'nsx', '--on-error', 'continue', '--from', 'ops/statsd-0', '--to', 'store/web-0', '--port', '8080']);
    assert.equal(x.kubernetesAllowed, true);
    assert.equal(x.allowed, false);
    const text = runNp2dfw(['explain', '-f', 'examples/named-ports', '--via', 'nsx', '--on-error', 'continue', '--from', 'ops/statsd-0', '--to', 'store/web-0', '--port', '8080']);
    assert.match(text.stdout, /the NetworkPolicies themselves: ALLOWED \(a DIFFERENT verdict: the nsx form changes this connection\)/);
    assert.equal(explainJson(['-f', 'examples/seed-003', '--from', 'default/db', '--to', 'default/db', '--port', '1']).kubernetesAllowed, undefined);
  });
});
