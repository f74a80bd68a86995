import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertCluster } from '../../src/convert/convert-cluster.ts';
import { hierarchicalBody } from '../../src/convert/nsx-api-body.ts';
import { formatRuleTables } from '../../src/convert/nsx-rule-table.ts';
import { loadClusterFromTexts } from '../../src/k8s/load-cluster.ts';
import type { Group } from '../../src/model/group.ts';
import type { SecurityPolicy } from '../../src/model/security-policy.ts';

const EXAMPLE_1 = `
apiVersion: v1
kind: Namespace
metadata:
  name: my-ns1
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: knp1
  namespace: my-ns1
  uid: 11111111-1111-4111-8111-111111111111
spec:
  podSelector: {}
  policyTypes:
    - Egress
  egress:
    - to:
        - ipBlock:
            cidr: 8.8.8.8/32
      ports:
        - protocol: UDP
          port: 53
`;

const EXAMPLE_2 = `
apiVersion: v1
kind: Namespace
metadata:
  name: my-ns2
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: knp2
  namespace: my-ns2
  uid: 22222222-2222-4222-8222-222222222222
spec:
  podSelector: {}
  policyTypes:
    - Ingress
    - Egress
`;

const KNP3 = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: knp3
  namespace: my-ns3
  uid: 33333333-3333-4333-8333-333333333333
spec:
  podSelector: {}
  policyTypes:
    - Ingress
  ingress:
    - from:
        - namespaceSelector:
            matchExpressions:
            - key: namespace
              operator: In
              values: ["test-ns1"]
        - podSelector:
            matchExpressions:
            - key: app
              operator: In
              values: ["nginx"]
      ports:
        - protocol: TCP
          port: 80
    - from:
        - namespaceSelector:
            matchExpressions:
            - key: namespace
              operator: In
              values: [""]
      ports:
        - protocol: TCP
          port: 443
    - from:
        - namespaceSelector:
            matchExpressions:
            - key: namespace
              operator: In
              values: ["test-ns4"]
      ports:
        - protocol: TCP
          port: 8080
          endPort: 8090
`;

function load(text: string, cluster = 'prod') {
  return loadClusterFromTexts([{ name: 'test.yaml', text }], { cluster });
}

function byName(groups: readonly Group[], name: string): Group {
  const g = groups.find((x) => x.display_name === name);
  assert.ok(g, `group ${name} among ${groups.map((x) => x.display_name).join(', ')}`);
  return g;
}

function policyNamed(policies: readonly SecurityPolicy[], name: string): SecurityPolicy {
  const p = policies.find((x) => x.display_name === name);
  assert.ok(p, `policy ${name} among ${policies.map((x) => x.display_name).join(', ')}`);
  return p;
}

describe('seed 000 example 1: egress to 8.8.8.8/32 on UDP 53', () => {
  const uid = '11111111-1111-4111-8111-111111111111';
  const { config, refusals, convertedUids } = convertCluster(load(EXAMPLE_1));

  it('makes an allow and a drop policy named <cluster>-<namespace>-<name>-<uid>-allow|-drop', () => {
    assert.deepEqual(refusals, []);
    assert.deepEqual(convertedUids, [uid]);
    assert.deepEqual(config.policies.map((p) => p.display_name).sort(), [`prod-my-ns1-knp1-${uid}-allow`, `prod-my-ns1-knp1-${uid}-drop`]);
    for (const p of config.policies) assert.equal(p.category, 'Application');
  });

  it('references the applied-to group <cluster>-<namespace>-<uid> and the cluster in both scopes', () => {
    const appliedTo = byName(config.groups, `prod-my-ns1-${uid}`);
    assert.deepEqual(appliedTo.expression, [{ resource_type: 'Condition', member_type: 'Namespace', key: 'Name', operator: 'EQUALS', value: 'my-ns1' }]);
    for (const p of config.policies) {
      assert.deepEqual(p.scope, ['/infra/sites/default/enforcement-points/default/cluster-control-planes/prod', appliedTo.path]);
    }
  });

  it('allows OUT to the rule[0]-to group holding 8.8.8.8/32 on UDP destination port 53', () => {
    const allow = policyNamed(config.policies, `prod-my-ns1-knp1-${uid}-allow`);
    assert.equal(allow.rules.length, 1);
    const [rule] = allow.rules;
    const to = byName(config.groups, `prod-my-ns1-${uid}-rule[0]-to`);
    assert.deepEqual(to.expression, [{ resource_type: 'IPAddressExpression', ip_addresses: ['8.8.8.8/32'] }]);
    assert.equal(rule.action, 'ALLOW');
    assert.equal(rule.direction, 'OUT');
    assert.deepEqual(rule.source_groups, ['ANY']);
    assert.deepEqual(rule.destination_groups, [to.path]);
    assert.equal(rule.service_entries.length, 1);
    const [entry] = rule.service_entries;
    assert.equal(entry.resource_type, 'L4PortSetServiceEntry');
    assert.ok(entry.resource_type === 'L4PortSetServiceEntry');
    assert.equal(entry.l4_protocol, 'UDP');
    assert.deepEqual(entry.destination_ports, ['53']);
    assert.deepEqual(entry.source_ports, []);
  });

  it('drops ANY to ANY, direction OUT, placed after the allow policy', () => {
    const allow = policyNamed(config.policies, `prod-my-ns1-knp1-${uid}-allow`);
    const drop = policyNamed(config.policies, `prod-my-ns1-knp1-${uid}-drop`);
    assert.equal(drop.rules.length, 1);
    const [rule] = drop.rules;
    assert.deepEqual([rule.action, rule.direction, rule.source_groups, rule.destination_groups, rule.service_entries], ['DROP', 'OUT', ['ANY'], ['ANY'], []]);
    assert.ok(allow.sequence_number < drop.sequence_number);
  });

  it('tags policies and groups with the cluster, namespace, policy name and uid', () => {
    for (const o of [...config.policies, ...config.groups]) {
      const tags = Object.fromEntries(o.tags.map((t) => [t.scope, t.tag]));
      assert.equal(tags['k8s-cluster'], 'prod');
      assert.equal(tags['k8s-namespace'], 'my-ns1');
      assert.equal(tags['k8s-network-policy'], 'knp1');
      assert.equal(tags['k8s-network-policy-uid'], uid);
    }
  });

  it('records where the allow rule came from', () => {
    const allow = policyNamed(config.policies, `prod-my-ns1-knp1-${uid}-allow`);
    const origin = config.origins.get(allow.rules[0].path ?? '');
    assert.deepEqual(origin, { cluster: 'prod', namespace: 'my-ns1', policyName: 'knp1', policyUid: uid, direction: 'Egress', ruleIndex: 0 });
  });
});

describe('seed 000 example 2: default deny both ways', () => {
  const uid = '22222222-2222-4222-8222-222222222222';
  const { config } = convertCluster(load(EXAMPLE_2));
  it('makes only a drop policy with one IN_OUT drop rule', () => {
    assert.deepEqual(config.policies.map((p) => p.display_name), [`prod-my-ns2-knp2-${uid}-drop`]);
    const [rule] = config.policies[0].rules;
    assert.equal(config.policies[0].rules.length, 1);
    assert.deepEqual([rule.action, rule.direction, rule.source_groups, rule.destination_groups], ['DROP', 'IN_OUT', ['ANY'], ['ANY']]);
    assert.deepEqual(config.groups.map((g) => g.display_name), [`prod-my-ns2-${uid}`]);
  });
});

describe('seed 000 knp3: rule and peer indexes', () => {
  const uid = '33333333-3333-4333-8333-333333333333';
  const { config } = convertCluster(load(KNP3));
  const allow = policyNamed(config.policies, `prod-my-ns3-knp3-${uid}-allow`);

  it('names one group per peer, without the peer index when the rule has one peer', () => {
    assert.deepEqual(config.groups.map((g) => g.display_name), [
      `prod-my-ns3-${uid}`,
      `prod-my-ns3-${uid}-rule[0]-from-0`,
      `prod-my-ns3-${uid}-rule[0]-from-1`,
      `prod-my-ns3-${uid}-rule[1]-from`,
      `prod-my-ns3-${uid}-rule[2]-from`,
    ]);
  });

  it('makes three IN allow rules with the peers as sources', () => {
    assert.equal(allow.rules.length, 3);
    assert.deepEqual(allow.rules.map((r) => r.direction), ['IN', 'IN', 'IN']);
    assert.deepEqual(allow.rules[0].source_groups, [byName(config.groups, `prod-my-ns3-${uid}-rule[0]-from-0`).path, byName(config.groups, `prod-my-ns3-${uid}-rule[0]-from-1`).path]);
    assert.deepEqual(allow.rules[1].source_groups, [byName(config.groups, `prod-my-ns3-${uid}-rule[1]-from`).path]);
    for (const r of allow.rules) assert.deepEqual(r.destination_groups, ['ANY']);
  });

  it('converts namespace and pod selectors into conditions', () => {
    assert.deepEqual(byName(config.groups, `prod-my-ns3-${uid}-rule[0]-from-0`).expression, [
      { resource_type: 'Condition', member_type: 'Namespace', key: 'Tag', operator: 'EQUALS', value: 'namespace|test-ns1' },
    ]);
    assert.deepEqual(byName(config.groups, `prod-my-ns3-${uid}-rule[0]-from-1`).expression, [
      {
        resource_type: 'NestedExpression',
        expressions: [
          { resource_type: 'Condition', member_type: 'Namespace', key: 'Name', operator: 'EQUALS', value: 'my-ns3' },
          { resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' },
          { resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: 'app|nginx' },
        ],
      },
    ]);
  });

  it('turns ports into TCP service entries, the range as 8080-8090', () => {
    const ports = allow.rules.map((r) => r.service_entries.map((e) => (e.resource_type === 'L4PortSetServiceEntry' ? `${e.l4_protocol}:${e.destination_ports.join(',')}` : 'named')));
    assert.deepEqual(ports, [['TCP:80'], ['TCP:443'], ['TCP:8080-8090']]);
  });

  it('makes the drop policy IN', () => {
    const drop = policyNamed(config.policies, `prod-my-ns3-knp3-${uid}-drop`);
    assert.equal(drop.rules[0].direction, 'IN');
  });
});

describe('12-byte truncation in names', () => {
  it('cuts cluster, namespace and policy name to 12 bytes each', () => {
    const text = EXAMPLE_1.replaceAll('my-ns1', 'namespace-of-the-shop').replace('name: knp1', 'name: a-very-long-policy-name');
    const { config } = convertCluster(load(text, 'cluster-number-one'));
    const uid = '11111111-1111-4111-8111-111111111111';
    assert.ok(config.policies.some((p) => p.display_name === `cluster-numb-namespace-of-a-very-long--${uid}-drop`));
    assert.ok(config.groups.some((g) => g.display_name === `cluster-numb-namespace-of-${uid}-rule[0]-to`));
  });

  it('never cuts inside a UTF-8 character', () => {
    // "é" is 2 bytes: after "a" and five "é" (11 bytes) a sixth "é" would need bytes 12 and 13, so it is left out.
    const { config } = convertCluster(load(EXAMPLE_2, 'aéééééé-cluster'));
    assert.ok(config.policies[0].display_name.startsWith('aééééé-my-ns2-knp2-'), config.policies[0].display_name);
    const { config: c2 } = convertCluster(load(EXAMPLE_2, '日本語クラスタ'));
    assert.ok(c2.policies[0].display_name.startsWith('日本語ク-my-ns2-'), c2.policies[0].display_name);
    assert.equal(Buffer.byteLength('日本語ク'), 12);
  });
});

describe('ids', () => {
  it('are unique and the same on every run', () => {
    const a = convertCluster(load(KNP3 + '\n---\n' + EXAMPLE_1));
    const b = convertCluster(load(KNP3 + '\n---\n' + EXAMPLE_1));
    const idsA = [...a.config.groups.map((g) => g.id), ...a.config.policies.map((p) => p.id)];
    assert.deepEqual(idsA, [...b.config.groups.map((g) => g.id), ...b.config.policies.map((p) => p.id)]);
    assert.equal(new Set(idsA).size, idsA.length);
    for (const id of idsA) assert.match(id, /^[A-Za-z0-9._-]+$/);
  });
});


describe('seed 000 rule tables (-o table)', () => {
  it('prints example 1 and example 2 as the seed does, with group names', () => {
    const uid1 = '11111111-1111-4111-8111-111111111111';
    const t1 = formatRuleTables(convertCluster(load(EXAMPLE_1)).config);
    assert.ok(t1.includes(`| N/A | prod-my-ns1-${uid1}-rule[0]-to | UDP Source: Any, Destination: 53 | N/A | Any | Allow | Out |`), t1);
    assert.ok(t1.includes('| Any | Any | Any | N/A | Any | Drop | Out |'), t1);
    const t2 = formatRuleTables(convertCluster(load(EXAMPLE_2)).config);
    assert.ok(t2.includes('| Any | Any | Any | N/A | Any | Drop | In_Out |'), t2);
    assert.ok(!t2.includes('| Allow |'));
  });
});

describe('NSX output', () => {
  it('is the hierarchical API body and never holds an np2dfw extension', async () => {
    const { generateCluster } = await import('../../testing/synthetic/generate-cluster.ts');
    for (const seed of [1, 2, 3]) {
      const cluster = generateCluster('random', { seed, scale: 2 });
      const nsx = convertCluster(cluster, { onError: 'continue' });
      assert.ok(nsx.refusals.length > 0);
      const text = JSON.stringify(hierarchicalBody(nsx.config));
      for (const forbidden of ['NamedPortServiceEntry', '"SCTP"', '"scope_operator":"NOTEQUALS"']) assert.ok(!text.includes(forbidden), forbidden);
      const extended = JSON.stringify(hierarchicalBody(convertCluster(cluster, { profile: 'extended' }).config));
      assert.ok(['NamedPortServiceEntry', '"SCTP"', '"scope_operator":"NOTEQUALS"'].some((x) => extended.includes(x)));
      const body = hierarchicalBody(nsx.config);
      const children = body.children[0].Domain.children;
      assert.equal(children.filter((c) => c.resource_type === 'ChildGroup').length, nsx.config.groups.length);
      assert.equal(children.filter((c) => c.resource_type === 'ChildSecurityPolicy').length, nsx.config.policies.length);
    }
  });
});
