// What an import's verification of one cluster evaluates: the security policies that can apply in the cluster
// and the groups they name (transitively), never another cluster's objects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configForCluster } from '../../src/server/import/cluster-config.ts';
import { decodeGroup, decodeRule, decodeSecurityPolicy } from '../../src/server/store/decode-dfw.ts';
import type { DfwConfig } from '../../src/model/dfw-config.ts';

const G = '/infra/domains/default/groups/';
const CCP = '/infra/sites/default/enforcement-points/default/cluster-control-planes/';
const cond = (value: string) => ({ resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value });

const group = (id: string, expression: unknown[]) => decodeGroup({ expression }, id);
const policy = (id: string, scope: string[], rules: Record<string, unknown>[]) =>
  decodeSecurityPolicy({ scope, sequence_number: 10 }, id, rules.map((r, i) => decodeRule({ sequence_number: i, ...r }, id, `r${i}`)));

function config(): DfwConfig {
  const groups = [
    group('c1-src', [cond('app|a')]),
    group('c1-dst', [cond('app|b')]),
    group('c2-src', [cond('app|a')]),
    group('parent', [{ resource_type: 'PathExpression', paths: [`${G}child`] }]),
    group('child', [{ resource_type: 'PathExpression', paths: [`${G}grandchild`] }]),
    group('grandchild', [{ resource_type: 'IPAddressExpression', ip_addresses: ['192.0.2.0/24'] }]),
    group('applied', [cond('tier|web')]),
    group('unused', [cond('app|z')]),
  ];
  const policies = [
    policy('c1-only', [`${CCP}c1`], [{ action: 'ALLOW', source_groups: [`${G}c1-src`], destination_groups: [`${G}c1-dst`] }]),
    policy('c2-only', [`${CCP}c2`], [{ action: 'ALLOW', source_groups: [`${G}c2-src`], destination_groups: ['ANY'] }]),
    policy('both', [`${CCP}c2`, `${CCP}c1`], [{ action: 'DROP', source_groups: [`${G}parent`] }]),
    policy('anywhere', ['ANY'], [{ action: 'DROP', scope: [`${G}applied`] }]),
    policy('by-group', [`${G}applied`], [{ action: 'ALLOW' }]),
  ];
  return { groups, policies, origins: new Map([['x', { cluster: 'c1', namespace: 'n', policyName: 'p', policyUid: 'u' }]]) };
}

describe('the DFW objects an import verifies a cluster against', () => {
  it('keeps the policies scoped to the cluster, to several clusters with it, or to no cluster; drops the others', () => {
    const own = configForCluster(config(), 'c1');
    assert.deepEqual(own.policies.map((p) => p.id), ['c1-only', 'both', 'anywhere', 'by-group']);
    assert.deepEqual(configForCluster(config(), 'c2').policies.map((p) => p.id), ['c2-only', 'both', 'anywhere', 'by-group']);
    assert.deepEqual(configForCluster(config(), 'c3').policies.map((p) => p.id), ['anywhere', 'by-group']);
  });

  it('keeps the groups those policies name, through rules, scopes and child groups at any depth, in order', () => {
    const c = config();
    const own = configForCluster(c, 'c1');
    assert.deepEqual(own.groups.map((g) => g.id), ['c1-src', 'c1-dst', 'parent', 'child', 'grandchild', 'applied']);
    assert.deepEqual(configForCluster(c, 'c2').groups.map((g) => g.id), ['c2-src', 'parent', 'child', 'grandchild', 'applied']);
    assert.deepEqual(configForCluster(c, 'c3').groups.map((g) => g.id), ['applied']);
    assert.equal(own.origins, c.origins);
  });

  it('a child group that does not exist is no error here (the store names it as undecodable)', () => {
    const c = config();
    const broken: DfwConfig = { ...c, groups: c.groups.filter((g) => g.id !== 'grandchild') };
    assert.deepEqual(configForCluster(broken, 'c1').groups.map((g) => g.id), ['c1-src', 'c1-dst', 'parent', 'child', 'applied']);
  });
});
