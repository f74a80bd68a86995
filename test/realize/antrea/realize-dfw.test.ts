import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertCluster } from '../../../src/convert/convert-cluster.ts';
import type { DfwConfig, Origin } from '../../../src/model/dfw-config.ts';
import type { Condition, Expression, Group } from '../../../src/model/group.ts';
import { clusterControlPlanePath, groupPath, rulePath, securityPolicyPath } from '../../../src/model/paths.ts';
import type { Rule } from '../../../src/model/rule.ts';
import type { Category, SecurityPolicy } from '../../../src/model/security-policy.ts';
import type { ServiceEntry } from '../../../src/model/service-entry.ts';
import type { ClusterNetworkPolicy } from '../../../src/realize/antrea/antrea-objects.ts';
import { realizeDfwConfig } from '../../../src/realize/antrea/realize-dfw.ts';
import { UnrealizableError } from '../../../src/realize/antrea/realize-dfw-groups.ts';
import { validateAntreaObjects } from '../../../src/realize/antrea/validate/validate-objects.ts';
import { exampleClusters } from './test-clusters.ts';

const cond = (member: 'Pod' | 'Namespace', key: 'Tag' | 'Name', value: string, operator: 'EQUALS' | 'NOTEQUALS' = 'EQUALS'): Condition =>
  ({ resource_type: 'Condition', member_type: member, key, operator, value });
const group = (id: string, expression: Expression[]): Group =>
  ({ resource_type: 'Group', id, display_name: `display ${id}`, path: groupPath(id), group_type: ['ANTREA'], expression, tags: [] });
const OR = { resource_type: 'ConjunctionOperator', conjunction_operator: 'OR' } as const;
const AND = { resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' } as const;
const l4 = (id: string, protocol: 'TCP' | 'UDP', ports: string[]): ServiceEntry =>
  ({ resource_type: 'L4PortSetServiceEntry', id, l4_protocol: protocol, destination_ports: ports, source_ports: [] });
function rule(policy: string, id: string, seq: number, action: Rule['action'], direction: Rule['direction'], src: string[], dst: string[], entries: ServiceEntry[] = []): Rule {
  return {
    resource_type: 'Rule', id, display_name: id, path: rulePath(policy, id), action, direction, ip_protocol: 'IPV4_IPV6',
    sequence_number: seq, source_groups: src, destination_groups: dst, services: ['ANY'], service_entries: entries,
    scope: ['ANY'], logged: false, disabled: false, tags: [],
  };
}
function policy(id: string, category: Category, seq: number, rules: Rule[]): SecurityPolicy {
  return {
    resource_type: 'SecurityPolicy', id, display_name: `display ${id}`, path: securityPolicyPath(id), category, sequence_number: seq,
    scope: [clusterControlPlanePath('c1'), groupPath('g-app')], stateful: true, rules, tags: [],
  };
}

const origin: Origin = { cluster: 'c1', namespace: 'shop', policyName: 'web-allow', policyUid: '11111111-2222-3333-4444-555555555555' };
const config: DfwConfig = {
  groups: [
    group('g-app', [{ resource_type: 'NestedExpression', expressions: [cond('Pod', 'Tag', 'app|web'), AND, cond('Namespace', 'Name', 'shop')] }]),
    group('g-peers', [
      cond('Pod', 'Tag', 'role|fe'), OR,
      { resource_type: 'IPAddressExpression', ip_addresses: ['10.0.0.0/24', '10.1.0.1'] }, OR,
      { resource_type: 'IPAddressExpression', ip_addresses: ['fd00::/64'] }, OR,
      { resource_type: 'NestedExpression', expressions: [{ ...cond('Pod', 'Tag', 'tier|'), scope_operator: 'EQUALS' }, AND, cond('Pod', 'Tag', 'env|dev', 'NOTEQUALS')] },
    ]),
    group('g-unused', [cond('Pod', 'Tag', 'x|y')]),
  ],
  policies: [
    policy('p-drop', 'Application', 30, [rule('p-drop', 'r-drop', 1, 'DROP', 'IN_OUT', ['ANY'], ['ANY'])]),
    policy('p-allow', 'Application', 20, [
      rule('p-allow', 'r-out', 2, 'ALLOW', 'OUT', ['ANY'], [groupPath('g-peers')], [l4('e3', 'UDP', [])]),
      rule('p-allow', 'r-in', 1, 'ALLOW', 'IN', [groupPath('g-peers')], ['ANY'], [l4('e1', 'TCP', ['80', '8080-8090'])]),
    ]),
    policy('p-env', 'Environment', 5, [rule('p-env', 'r-env', 1, 'ALLOW', 'IN', ['ANY'], ['ANY'])]),
  ],
  origins: new Map([[securityPolicyPath('p-allow'), origin], [securityPolicyPath('p-drop'), origin]]),
};

describe('Antrea realization of the DFW model (as the NSX adapter does it)', () => {
  const objects = realizeDfwConfig(config);
  const acnp = (name: string): ClusterNetworkPolicy => {
    const p = objects.policies.find((x) => x.metadata.name === name);
    assert.ok(p, `ACNP ${name}`);
    return p;
  };

  it('creates a Tier per category used, with the adapter priorities ahead of Antrea tiers', () => {
    assert.deepEqual(objects.tiers.map((t) => [t.metadata.name, t.spec.priority]), [['nsx-category-environment', 3], ['nsx-category-application', 4]]);
  });

  it('names each ClusterNetworkPolicy by its DFW policy id, puts it in its category tier, and keeps sequence order', () => {
    assert.deepEqual(objects.policies.map((p) => p.metadata.name), ['p-env', 'p-allow', 'p-drop']);
    assert.equal(acnp('p-env').spec.tier, 'nsx-category-environment');
    assert.equal(acnp('p-allow').spec.tier, 'nsx-category-application');
    assert.ok(acnp('p-allow').spec.priority < acnp('p-drop').spec.priority);
    for (const p of objects.policies) assert.ok(p.spec.priority >= 1 && p.spec.priority <= 10000);
  });

  it('puts appliedTo (the scope group) on every rule and never on the spec', () => {
    for (const p of objects.policies) {
      assert.equal(p.spec.appliedTo, undefined);
      for (const r of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])]) assert.deepEqual(r.appliedTo, [{ group: 'g-app' }]);
    }
  });

  it('turns IN rules into ingress from groups, OUT rules into egress to groups, in rule sequence order, with ports', () => {
    const p = acnp('p-allow');
    assert.deepEqual(p.spec.ingress, [{
      name: 'r-in', action: 'Allow', appliedTo: [{ group: 'g-app' }], from: [{ group: 'g-peers' }],
      ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 8080, endPort: 8090 }],
    }]);
    assert.deepEqual(p.spec.egress, [{ name: 'r-out', action: 'Allow', appliedTo: [{ group: 'g-app' }], to: [{ group: 'g-peers' }], ports: [{ protocol: 'UDP' }] }]);
  });

  it('splits an IN_OUT rule into an ingress and an egress rule with distinct names and no peers (ANY)', () => {
    const p = acnp('p-drop');
    assert.deepEqual(p.spec.ingress, [{ name: 'r-drop-in', action: 'Drop', appliedTo: [{ group: 'g-app' }] }]);
    assert.deepEqual(p.spec.egress, [{ name: 'r-drop-out', action: 'Drop', appliedTo: [{ group: 'g-app' }] }]);
  });

  it('realizes a one-criterion group as one ClusterGroup with namespaceSelector and podSelector', () => {
    const g = objects.clusterGroups.find((x) => x.metadata.name === 'g-app');
    assert.deepEqual(g?.spec, { podSelector: { matchLabels: { app: 'web' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } });
  });

  it('realizes OR-ed criteria as a parent with one level of childGroups, all addresses in one ipBlocks child', () => {
    const parent = objects.clusterGroups.find((x) => x.metadata.name === 'g-peers');
    assert.ok(parent?.spec.childGroups);
    const children = parent.spec.childGroups.map((n) => objects.clusterGroups.find((x) => x.metadata.name === n)!);
    assert.deepEqual(children.map((c) => c.spec), [
      { podSelector: { matchLabels: { role: 'fe' } } },
      { podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }, { key: 'env', operator: 'NotIn', values: ['dev'] }] } },
      { ipBlocks: [{ cidr: '10.0.0.0/24' }, { cidr: '10.1.0.1/32' }, { cidr: 'fd00::/64' }] },
    ]);
    for (const c of children) assert.equal(c.spec.childGroups, undefined);
    const names = objects.clusterGroups.map((g) => g.metadata.name);
    assert.ok(names.indexOf(children[0].metadata.name) < names.indexOf('g-peers'), 'children are created before their parent');
    assert.ok(!names.includes('g-unused'), 'groups no policy uses are not realized');
  });

  it('labels every object as managed by np2dfw, with the origin as labels and annotations', () => {
    const p = acnp('p-allow');
    assert.equal(p.metadata.labels['app.kubernetes.io/managed-by'], 'np2dfw');
    assert.equal(p.metadata.labels['np2dfw.io/policy-uid'], origin.policyUid);
    assert.equal(p.metadata.labels['np2dfw.io/namespace'], 'shop');
    assert.equal(p.metadata.annotations['np2dfw.io/policy-name'], 'web-allow');
    assert.equal(p.metadata.annotations['np2dfw.io/display-name'], 'display p-allow');
    for (const o of [...objects.tiers, ...objects.clusterGroups]) assert.equal(o.metadata.labels['app.kubernetes.io/managed-by'], 'np2dfw');
    assert.equal(objects.clusterGroups.find((g) => g.metadata.name === 'g-app')!.metadata.labels['np2dfw.io/policy-name'], 'web-allow');
  });

  it('passes the CRD schemas and the admission rules', () => {
    assert.deepEqual(validateAntreaObjects(objects), []);
  });

  it('refuses DFW shapes Antrea cannot take instead of guessing', () => {
    const both = { ...config, policies: [policy('p-x', 'Application', 1, [rule('p-x', 'r', 1, 'ALLOW', 'IN', [groupPath('g-peers')], [groupPath('g-app')])])] };
    assert.throws(() => realizeDfwConfig(both), UnrealizableError);
    const missing = { ...config, policies: [policy('p-y', 'Application', 1, [rule('p-y', 'r', 1, 'ALLOW', 'IN', [groupPath('nope')], ['ANY'])])] };
    assert.throws(() => realizeDfwConfig(missing), /unknown group/);
  });

  it('realizes the NSX conversion of every example: one ACNP per DFW policy, and all objects valid', () => {
    for (const [name, cluster] of exampleClusters()) {
      const { config: dfw } = convertCluster(cluster, { onError: 'continue' });
      const objects = realizeDfwConfig(dfw);
      assert.deepEqual(objects.policies.map((p) => p.metadata.name).sort(), dfw.policies.map((p) => p.id).sort(), name);
      assert.deepEqual(validateAntreaObjects(objects), [], name);
    }
  });
});
