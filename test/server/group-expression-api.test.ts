// Groups written in the manager: an expression NSX rejects is rejected here too (400, naming the group and the
// field), by the same rules every evaluator applies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFixture, type Fixture, BACKENDS } from './server-fixture.ts';

const cond = (value: string) => ({ resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value });

for (const backend of BACKENDS) describe(backend, () => {
describe('group expressions written through the API', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
  });
  after(() => f.close());

  it('PUT: two conditions without a conjunction is a 400 naming expression[1]; nothing is stored', async () => {
    const r = await f.call('PUT', '/policy/api/v1/infra/domains/default/groups/g1', { user: 'admin', body: { display_name: 'g1', expression: [cond('app|a'), cond('app|b')] } });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(r.body.error_message, /^group \/infra\/domains\/default\/groups\/g1: expression\[1\]: an expression has 2 entries/);
    assert.equal((await f.call('GET', '/policy/api/v1/infra/domains/default/groups/g1', { user: 'admin' })).status, 404);
  });

  it('PATCH /infra: a Pod Name condition in a ChildGroup is a 400 naming the field', async () => {
    const group = { resource_type: 'Group', id: 'g2', display_name: 'g2', expression: [{ resource_type: 'Condition', member_type: 'Pod', key: 'Name', operator: 'EQUALS', value: 'a' }] };
    const body = { resource_type: 'Infra', children: [{ resource_type: 'ChildDomain', Domain: { resource_type: 'Domain', id: 'default', children: [{ resource_type: 'ChildGroup', Group: group }] } }] };
    const r = await f.call('PATCH', '/policy/api/v1/infra', { user: 'admin', body });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(r.body.error_message, /groups\/g2: expression\[0\]\.key: key Name on member_type Pod/);
  });

  it('a valid expression is stored', async () => {
    const r = await f.call('PUT', '/policy/api/v1/infra/domains/default/groups/g3', { user: 'admin', body: { display_name: 'g3', expression: [cond('app|a'), { resource_type: 'ConjunctionOperator', conjunction_operator: 'OR' }, { resource_type: 'IPAddressExpression', ip_addresses: ['10.0.0.1-10.0.0.9'] }] } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });

  it('child groups (PathExpression) are stored; one naming no stored group makes the stored configuration undecodable, naming the field', async () => {
    const ok = await f.call('PUT', '/policy/api/v1/infra/domains/default/groups/g4', { user: 'admin', body: { display_name: 'g4', expression: [{ resource_type: 'PathExpression', paths: ['/infra/domains/default/groups/g3'] }] } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual((await f.server.context.policies.decodedConfig()).undecodable, []);
    const later = await f.call('PUT', '/policy/api/v1/infra/domains/default/groups/g5', { user: 'admin', body: { display_name: 'g5', expression: [{ resource_type: 'PathExpression', paths: ['/infra/domains/default/groups/later'] }] } });
    assert.equal(later.status, 200, JSON.stringify(later.body));
    assert.deepEqual((await f.server.context.policies.decodedConfig()).undecodable, [{ path: '/infra/domains/default/groups/g5',
      problem: 'group /infra/domains/default/groups/g5: expression[0].paths[0]: /infra/domains/default/groups/later: no such group (only groups can be members by path here)' }]);
  });
});
});
