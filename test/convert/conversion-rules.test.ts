import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertCluster } from '../../src/convert/convert-cluster.ts';
import { ConversionError } from '../../src/convert/conversion-error.ts';
import { DROP_BAND_START } from '../../src/convert/placement.ts';
import { chunkPortValues } from '../../src/model/service-entry.ts';
import { loadClusterFromTexts } from '../../src/k8s/load-cluster.ts';
import type { Group } from '../../src/model/group.ts';
import type { Rule } from '../../src/model/rule.ts';

function policyYaml(name: string, spec: string, ns = 'shop'): string {
  return `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}, uid: ${name}-uid}
spec:
${spec}
`;
}

function load(text: string) {
  return loadClusterFromTexts([{ name: 't.yaml', text }], { cluster: 'c' });
}

function groupOf(groups: readonly Group[], id: string): Group {
  const g = groups.find((x) => x.id === id);
  assert.ok(g, `${id} in ${groups.map((x) => x.id).join(', ')}`);
  return g;
}

function allowRules(text: string, profile: 'nsx' | 'extended' = 'nsx'): { rules: readonly Rule[]; groups: readonly Group[] } {
  const r = convertCluster(load(text), { profile });
  assert.deepEqual(r.refusals, []);
  const allow = r.config.policies.find((p) => p.id.endsWith('-allow'));
  return { rules: allow?.rules ?? [], groups: r.config.groups };
}

describe('selectors become conditions', () => {
  it('matchLabels and single-value In as EQUALS, NotIn as NOTEQUALS per value, Exists scope-only', () => {
    const { groups } = allowRules(policyYaml('p', `  podSelector:
    matchLabels: {app: db}
    matchExpressions:
    - {key: tier, operator: In, values: [data]}
    - {key: env, operator: NotIn, values: [dev, test]}
    - {key: owner, operator: Exists}
  ingress: [{}]`));
    assert.deepEqual(groupOf(groups, 'p-uid').expression, [{
      resource_type: 'NestedExpression',
      expressions: [
        { resource_type: 'Condition', member_type: 'Namespace', key: 'Name', operator: 'EQUALS', value: 'shop' },
        { resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' },
        { resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: 'app|db' },
        { resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' },
        { resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: 'tier|data' },
        { resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' },
        { resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'NOTEQUALS', value: 'env|dev' },
        { resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' },
        { resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'NOTEQUALS', value: 'env|test' },
        { resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' },
        { resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', scope_operator: 'EQUALS', value: 'owner|' },
      ],
    }]);
  });

  it('a podSelector-only peer adds the policy namespace; namespaceSelector {} means every namespace', () => {
    const { rules, groups } = allowRules(policyYaml('p', `  podSelector: {}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
    - namespaceSelector: {}
    - namespaceSelector: {}
      podSelector: {matchLabels: {app: mon}}
    - namespaceSelector: {matchLabels: {team: ops}}
      podSelector: {matchLabels: {app: mon}}`));
    assert.equal(rules[0].source_groups.length, 4);
    const expr = (j: number) => groupOf(groups, `p-uid-rule-0-from-${j}`).expression;
    assert.deepEqual(expr(0), [{ resource_type: 'NestedExpression', expressions: [
      { resource_type: 'Condition', member_type: 'Namespace', key: 'Name', operator: 'EQUALS', value: 'shop' },
      { resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' },
      { resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: 'app|web' },
    ] }]);
    assert.deepEqual(expr(1), [{ resource_type: 'Condition', member_type: 'Namespace', key: 'Tag', operator: 'EQUALS', scope_operator: 'EQUALS', value: 'kubernetes.io/metadata.name|' }]);
    assert.deepEqual(expr(2), [{ resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: 'app|mon' }]);
    assert.deepEqual(expr(3), [{ resource_type: 'NestedExpression', expressions: [
      { resource_type: 'Condition', member_type: 'Namespace', key: 'Tag', operator: 'EQUALS', value: 'team|ops' },
      { resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' },
      { resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: 'app|mon' },
    ] }]);
  });
});

describe('ipBlock becomes static IP members', () => {
  it('cidr minus every except as positive CIDRs, one family per group, never a deny rule', () => {
    const { rules, groups } = allowRules(policyYaml('p', `  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/24, except: [10.0.0.0/26, 10.0.0.128/32]}
    - ipBlock: {cidr: 'fd00::/64', except: ['fd00::/65']}`));
    assert.deepEqual(groupOf(groups, 'p-uid-rule-0-to-0').expression, [{ resource_type: 'IPAddressExpression', ip_addresses: ['10.0.0.64/26', '10.0.0.129/32', '10.0.0.130/31', '10.0.0.132/30', '10.0.0.136/29', '10.0.0.144/28', '10.0.0.160/27', '10.0.0.192/26'] }]);
    assert.deepEqual(groupOf(groups, 'p-uid-rule-0-to-1').expression, [{ resource_type: 'IPAddressExpression', ip_addresses: ['fd00::8000:0:0:0/65'] }]);
    assert.deepEqual(rules.map((r) => r.action), ['ALLOW']);
  });
});

describe('rules and ports', () => {
  it('does not convert the rules of a direction missing from policyTypes', () => {
    const r = convertCluster(load(policyYaml('p', `  podSelector: {}
  policyTypes: [Egress]
  ingress: [{ports: [{port: 80}]}]`)));
    assert.deepEqual(r.config.policies.map((p) => p.id), ['p-uid-drop']);
    assert.equal(r.config.policies[0].rules[0].direction, 'OUT');
  });

  it('a rule without peers uses ANY; without ports any service; a port without number every port of its protocol', () => {
    const { rules } = allowRules(policyYaml('p', `  podSelector: {}
  ingress:
  - {}
  - ports: [{protocol: UDP}, {protocol: UDP, port: 53}, {protocol: TCP, port: 80}]`));
    assert.deepEqual(rules.map((r) => [r.direction, r.source_groups, r.destination_groups]), [['IN', ['ANY'], ['ANY']], ['IN', ['ANY'], ['ANY']]]);
    assert.deepEqual(rules[0].service_entries, []);
    assert.deepEqual(rules[1].service_entries.map((e) => (e.resource_type === 'L4PortSetServiceEntry' ? [e.l4_protocol, e.destination_ports] : [])), [['UDP', []], ['TCP', ['80']]]);
  });

  it('splits entries at 15 values, a range counting 2', () => {
    assert.deepEqual(chunkPortValues(['1', '2-3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16']).map((c) => c.length), [14, 1]);
    const ports = Array.from({ length: 20 }, (_, i) => `{port: ${1000 + i}}`).join(', ');
    const { rules } = allowRules(policyYaml('p', `  podSelector: {}
  ingress: [{ports: [${ports}, {port: 2000, endPort: 2010}]}]`));
    const entries = rules[0].service_entries.map((e) => (e.resource_type === 'L4PortSetServiceEntry' ? e.destination_ports : []));
    assert.deepEqual(entries.map((e) => e.length), [15, 6]);
    assert.deepEqual(entries[1], ['1015', '1016', '1017', '1018', '1019', '2000-2010']);
    assert.equal(new Set(rules[0].service_entries.map((e) => e.id)).size, 2);
  });
});

describe('refusals (profile nsx)', () => {
  const cases: [string, string, string, string][] = [
    ['named port', `  podSelector: {}\n  ingress: [{ports: [{port: http}]}]`, 'NAMED_PORT_UNSUPPORTED', 'spec.ingress[0].ports[0].port'],
    ['SCTP', `  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ports: [{protocol: SCTP, port: 9}]}]`, 'SCTP_UNSUPPORTED', 'spec.egress[0].ports[0].protocol'],
    ['DoesNotExist', `  podSelector: {matchExpressions: [{key: a, operator: DoesNotExist}]}`, 'DOES_NOT_EXIST_UNSUPPORTED', 'spec.podSelector.matchExpressions[0].operator'],
    ['In with two values', `  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: a, operator: In, values: [x, z]}]}}]}]`, 'MULTI_VALUE_IN_UNSUPPORTED', 'spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values'],
    ['6 pod conditions', `  podSelector: {matchLabels: {a: '1', b: '2', c: '3', d: '4', e: '5', f: '6'}}`, 'TOO_MANY_CONDITIONS_OF_ONE_MEMBER_TYPE', 'spec'],
  ];
  for (const [what, spec, code, path] of cases) {
    it(`refuses ${what} with ${code} at ${path}`, () => {
      const r = convertCluster(load(policyYaml('bad', spec) + policyYaml('good', '  podSelector: {}')));
      assert.deepEqual(r.refusals.map((x) => [x.name, x.uid, x.code, x.path]), [['bad', 'bad-uid', code, path]]);
      assert.ok(r.refusals[0].message.length > 10);
      // abort: nothing converted
      assert.deepEqual(r.convertedUids, []);
      assert.deepEqual(r.config.policies, []);
      // continue: the good one is
      const c = convertCluster(load(policyYaml('bad', spec) + policyYaml('good', '  podSelector: {}')), { onError: 'continue' });
      assert.deepEqual(c.convertedUids, ['good-uid']);
      assert.equal(c.refusals.length, 1);
    });
  }

  it('5 pod conditions are accepted', () => {
    const r = convertCluster(load(policyYaml('p', `  podSelector: {matchLabels: {a: '1', b: '2', c: '3', d: '4', e: '5'}}`)));
    assert.deepEqual(r.refusals, []);
  });

  it('refuses a uid that names no policy, and a policy imported already', () => {
    const cluster = load(policyYaml('p', '  podSelector: {}'));
    assert.deepEqual(convertCluster(cluster, { only: ['nope'] }).refusals.map((x) => x.code), ['NETWORK_POLICY_NOT_FOUND']);
    const first = convertCluster(cluster);
    assert.deepEqual(convertCluster(cluster, { existing: first.config.policies }).refusals.map((x) => x.code), ['ALREADY_IMPORTED']);
  });
});

describe('the extended profile', () => {
  it('expresses named ports, SCTP, DoesNotExist and multi-value In as np2dfw extensions', () => {
    const { rules, groups } = allowRules(policyYaml('p', `  podSelector: {matchExpressions: [{key: legacy, operator: DoesNotExist}]}
  ingress:
  - from: [{podSelector: {matchExpressions: [{key: app, operator: In, values: [a, b]}]}}]
    ports: [{port: http}, {protocol: SCTP, port: 9}]`), 'extended');
    assert.deepEqual(rules[0].service_entries.map((e) => (e.resource_type === 'NamedPortServiceEntry' ? `named ${e.l4_protocol} ${e.port_name}` : `${e.l4_protocol} ${e.destination_ports.join(',')}`)), ['SCTP 9', 'named TCP http']);
    assert.deepEqual(groupOf(groups, 'p-uid').expression[0], { resource_type: 'NestedExpression', expressions: [
      { resource_type: 'Condition', member_type: 'Namespace', key: 'Name', operator: 'EQUALS', value: 'shop' },
      { resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' },
      { resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', scope_operator: 'NOTEQUALS', value: 'legacy|' },
    ] });
    const peer = groupOf(groups, 'p-uid-rule-0-from').expression;
    assert.equal(peer.length, 3);
    assert.deepEqual(peer[1], { resource_type: 'ConjunctionOperator', conjunction_operator: 'OR' });
  });
});

describe('placement', () => {
  const two = load(policyYaml('p1', '  podSelector: {}\n  ingress: [{}]') + policyYaml('p2', '  podSelector: {}\n  ingress: [{}]') + policyYaml('p3', '  podSelector: {}'));
  const seq = (r: ReturnType<typeof convertCluster>) => Object.fromEntries(r.config.policies.map((p) => [p.id, p.sequence_number]));

  it('nsx: after the existing policies, allows first, drops at the last allow + 2', () => {
    assert.deepEqual(seq(convertCluster(two, { placement: 'nsx' })), { 'p1-uid-allow': 1, 'p2-uid-allow': 2, 'p1-uid-drop': 4, 'p2-uid-drop': 5, 'p3-uid-drop': 6 });
  });

  it('sequence_number_upper / lower: allows from upper, drops from lower', () => {
    assert.deepEqual(seq(convertCluster(two, { sequenceUpper: 1000, sequenceLower: 2000 })), { 'p1-uid-allow': 1000, 'p2-uid-allow': 1001, 'p1-uid-drop': 2000, 'p2-uid-drop': 2001, 'p3-uid-drop': 2002 });
    assert.throws(() => convertCluster(two, { sequenceUpper: 10 }), ConversionError);
    assert.throws(() => convertCluster(two, { sequenceUpper: 10, sequenceLower: 10 }), /greater than/);
    assert.throws(() => convertCluster(two, { sequenceUpper: 10, sequenceLower: 11 }), /NO_ROOM|would reach/);
  });

  it('banded: new allows ahead of every earlier drop, new drops after everything', () => {
    const first = convertCluster(load(policyYaml('p1', '  podSelector: {}\n  ingress: [{}]')));
    assert.deepEqual(seq(first), { 'p1-uid-allow': 1, 'p1-uid-drop': DROP_BAND_START });
    const second = convertCluster(two, { only: ['p2-uid', 'p3-uid'], existing: first.config.policies });
    assert.deepEqual(seq(second), { 'p2-uid-allow': 2, 'p2-uid-drop': DROP_BAND_START + 1, 'p3-uid-drop': DROP_BAND_START + 2 });
  });
});
