import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subtractCidrs } from '../../../src/net/cidr.ts';
import type { FirewallRule } from '../../../src/realize/contrail/contrail-objects.ts';
import { CONTRAIL_EMITTER } from '../../../src/targets/contrail.ts';
import { realizeContrail } from '../../../src/realize/contrail/realize-contrail.ts';
import { EMITTERS } from '../../../src/targets/registry.ts';
import { clusterFromYaml, exampleClusters, generatedClusters } from '../antrea/test-clusters.ts';
import { SEED_002_POLICY } from './seed-002.ts';

const rulesOf = (rules: readonly FirewallRule[], part: string) => rules.filter((r) => r.name.includes(part));

describe('Contrail realization', () => {
  const cluster = clusterFromYaml(`${SEED_002_POLICY}
---
apiVersion: v1
kind: Namespace
metadata: {name: myproject, labels: {project: myproject}}
`);
  const { config, refusals } = realizeContrail(cluster, {});

  it("reproduces seed 002's objects: tags, address groups, pass rules for each peer, deny-all rules", () => {
    assert.deepEqual(refusals, []);
    const tagNames = config.tags.map((t) => t.name);
    for (const t of ['namespace=default', 'pod:role=db', 'pod:role=frontend', 'ns:project=myproject']) assert.ok(tagNames.includes(t), t);
    const t = config.tags.find((x) => x.name === 'pod:role=db')!;
    assert.deepEqual([t.tag_type_name, t.tag_value, t.fq_name], ['pod:role', 'db', ['pod:role=db']]);
    const ingress = rulesOf(config.rules, 'default-ingress-test-network-policy-0-');
    assert.deepEqual(ingress.map((r) => [r.action_list.simple_action, r.service.protocol, r.service.dst_ports.start_port, r.direction]),
      [['pass', 'tcp', 6379, '<'], ['pass', 'tcp', 6379, '<'], ['pass', 'tcp', 6379, '<']]);
    for (const r of ingress) assert.deepEqual(r.endpoint_1, { tags: ['namespace=default', 'pod:role=db'] });
    assert.deepEqual(ingress.map((r) => r.endpoint_2), [
      { address_group: 'default-policy-management:c1-default-test-network-policy-ingress-0-ipblock-0' },
      { tags: ['ns:project=myproject'] },
      { tags: ['namespace=default', 'pod:role=frontend'] },
    ]);
    const egress = rulesOf(config.rules, 'default-egress-test-network-policy-0-');
    assert.deepEqual(egress.map((r) => [r.action_list.simple_action, r.service.dst_ports.start_port, r.direction]), [['pass', 5978, '>']]);
    const denies = config.rules.filter((r) => r.action_list.simple_action === 'deny');
    assert.deepEqual(denies.map((r) => [r.name, r.direction, r.endpoint_2]), [
      ['default-ingress-test-network-policy-default-deny-all', '<', { any: true }],
      ['default-egress-test-network-policy-default-deny-all', '>', { any: true }],
    ]);
  });

  it('writes except as an address group of the positive CIDRs, never as a deny rule', () => {
    const ag = config.addressGroups.find((a) => a.name.endsWith('ingress-0-ipblock-0'))!;
    assert.deepEqual(ag.address_group_prefix.subnet.map((s) => `${s.ip_prefix}/${s.ip_prefix_len}`), subtractCidrs('172.17.0.0/16', ['172.17.1.0/24']));
    assert.ok(!ag.address_group_prefix.subnet.some((s) => s.ip_prefix === '172.17.1.0'));
    assert.equal(config.rules.filter((r) => r.action_list.simple_action === 'deny' && r.endpoint_2.address_group).length, 0);
  });

  it('orders one firewall policy per NetworkPolicy, then the deny-all policy, then the allow-all tail, in one application policy set', () => {
    const aps = config.applicationPolicySet;
    assert.equal(aps.name, 'c1');
    assert.deepEqual(aps.firewall_policy_refs.map((r) => [r.to[1], r.attr.sequence]), [
      ['c1-default-test-network-policy', '00000.0'], ['c1-denyall', '00001.0'], ['c1-allowall', '00002.0'],
    ]);
    const own = config.policies[0];
    assert.deepEqual(own.firewall_rule_refs.map((r) => r.attr.sequence), ['00000.0', '00001.0', '00002.0', '00003.0']);
    assert.deepEqual(config.policies[2].annotations, { key_value_pair: [{ key: 'tail', value: 'True' }] });
  });

  it('takes a port without protocol as TCP, keeps endPort, and names every rule uniquely (two egress rules, same peer kind)', () => {
    const c = clusterFromYaml(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: out, namespace: a}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: x}}}]
    ports: [{port: 80}]
  - to: [{podSelector: {matchLabels: {app: w}}}]
    ports: [{protocol: UDP, port: 8080, endPort: 8090}]
`);
    const { config: cfg } = realizeContrail(c, {});
    const egress = cfg.rules.filter((r) => r.name.startsWith('a-egress-out-') && r.action_list.simple_action === 'pass');
    assert.deepEqual(egress.map((r) => [r.name, r.service.protocol, r.service.dst_ports.start_port, r.service.dst_ports.end_port]), [
      ['a-egress-out-0-podSelector-0-0', 'tcp', 80, 80],
      ['a-egress-out-1-podSelector-0-0', 'udp', 8080, 8090],
    ]);
    assert.deepEqual(egress.map((r) => r.endpoint_2), [{ tags: ['namespace=a', 'pod:app=x'] }, { tags: ['namespace=a', 'pod:app=w'] }]);
  });

  it('gives every rule a unique name and every reference a target, on every example and generated cluster', () => {
    for (const [name, c] of [...exampleClusters(), ...generatedClusters()]) {
      const { config: cfg } = realizeContrail(c, { onError: 'continue' });
      const names = cfg.rules.map((r) => r.name);
      assert.equal(new Set(names).size, names.length, name);
      const fq = new Set(cfg.rules.map((r) => r.fq_name.join(':')));
      for (const p of cfg.policies) for (const ref of p.firewall_rule_refs) assert.ok(fq.has(ref.to.join(':')), `${name}: ${ref.to.join(':')}`);
      const ags = new Set(cfg.addressGroups.map((a) => a.fq_name.join(':')));
      const tags = new Set(cfg.tags.map((t) => t.name));
      for (const r of cfg.rules) for (const e of [r.endpoint_1, r.endpoint_2]) {
        if (e.address_group) assert.ok(ags.has(e.address_group), `${name}: ${e.address_group}`);
        for (const t of e.tags ?? []) assert.ok(tags.has(t), `${name}: tag ${t}`);
      }
      for (const w of cfg.workloads) {
        const types = w.tags.map((t) => t.slice(0, t.lastIndexOf('=')));
        assert.equal(new Set(types).size, types.length, `${name}: ${w.pod} carries one tag per type`);
      }
    }
  });

  it('expresses NotIn, Exists, DoesNotExist and named ports with derived tags the pods carry', () => {
    const c = clusterFromYaml(`
apiVersion: v1
kind: Pod
metadata: {name: p1, namespace: a, labels: {tier: web}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: p2, namespace: a, labels: {env: dev}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 9090}]}]}
status: {podIP: 10.0.0.2}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: a}
spec:
  podSelector: {matchExpressions: [{key: tier, operator: Exists}]}
  ingress:
  - from: [{podSelector: {matchExpressions: [{key: env, operator: NotIn, values: [prod]}, {key: tier, operator: DoesNotExist}]}}]
    ports: [{port: http}]
`);
    const { config: cfg, refusals } = realizeContrail(c, {});
    assert.deepEqual(refusals, []);
    const tagsOf = (pod: string) => cfg.workloads.find((w) => w.pod === pod)!.tags;
    assert.ok(tagsOf('a/p1').includes('pod-has:tier=true'));
    assert.ok(tagsOf('a/p2').includes('pod-lacks:tier=true'));
    assert.ok(tagsOf('a/p1').includes('pod-not:env:prod=true') && tagsOf('a/p2').includes('pod-not:env:prod=true'));
    assert.ok(tagsOf('a/p1').includes('port:TCP/http=8080') && tagsOf('a/p2').includes('port:TCP/http=9090'));
    const pass = cfg.rules.filter((r) => r.action_list.simple_action === 'pass' && r.name.startsWith('a-ingress'));
    assert.deepEqual(pass.map((r) => [r.service.dst_ports.start_port, r.endpoint_1.tags]), [
      [8080, ['namespace=a', 'pod-has:tier=true', 'port:TCP/http=8080']],
      [9090, ['namespace=a', 'pod-has:tier=true', 'port:TCP/http=9090']],
    ]);
  });

  it('is registered as the contrail emitter (-o json as config API bodies, -o table as seed 002 tables)', () => {
    assert.equal(EMITTERS.get('contrail'), CONTRAIL_EMITTER);
    const json = JSON.parse(CONTRAIL_EMITTER.emit(cluster, { onError: 'abort', format: 'json' }).text) as { resources: Record<string, unknown>[] };
    const kinds = json.resources.map((r) => Object.keys(r)[0]);
    assert.deepEqual([...new Set(kinds)], ['tag', 'address-group', 'firewall-rule', 'firewall-policy', 'application-policy-set']);
    const table = CONTRAIL_EMITTER.emit(cluster, { onError: 'abort', format: 'table' }).text;
    assert.match(table, /default-ingress-test-network-policy-0-namespaceSelector-1-0\s+pass\s+tcp:6379\s+namespace=default && pod:role=db\s+<\s+ns:project=myproject/);
  });
});
