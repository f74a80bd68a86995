// The decoded stored DFW state refreshed from the change log (what the import worker keeps between imports) is the
// state a full read decodes, whatever was written in between: groups, child groups, rules, deletions, imports.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '../../src/server/db/database.ts';
import { DecodedDfwState } from '../../src/server/store/decoded-dfw.ts';
import { importRows } from '../../src/server/store/policy-store.ts';
import { BACKENDS, startFixture, type Fixture } from './server-fixture.ts';

const GROUPS = '/policy/api/v1/infra/domains/default/groups';
const POLICIES = '/policy/api/v1/infra/domains/default/security-policies';
const G = '/infra/domains/default/groups';

function labelGroup(app: string): unknown {
  return { expression: [{ resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: `app|${app}` }] };
}

for (const backend of BACKENDS) describe(`the decoded DFW state refreshed from the change log (${backend})`, () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
  });
  after(() => f.close());

  const put = async (path: string, body: unknown) => {
    const r = await f.call('PUT', path, { user: 'admin', body });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };

  it('decodes again only the objects changed since its epoch and ends where a full read ends', async () => {
    const policies = f.server.context.policies;
    await put(`${GROUPS}/web`, labelGroup('web'));
    await put(`${GROUPS}/api`, labelGroup('api'));
    await put(`${GROUPS}/child`, labelGroup('db'));
    await put(`${GROUPS}/parent`, { expression: [{ resource_type: 'PathExpression', paths: [`${G}/child`] }] });
    await put(`${POLICIES}/p1`, { sequence_number: 1, rules: [{ id: 'r1', action: 'ALLOW', source_groups: [`${G}/web`], destination_groups: [`${G}/api`], sequence_number: 1 }] });
    await put(`${POLICIES}/p2`, { sequence_number: 2, rules: [{ id: 'r1', action: 'DROP', sequence_number: 1 }] });
    await put(`${POLICIES}/p3`, { sequence_number: 3, rules: [{ id: 'r1', action: 'DROP', destination_groups: [`${G}/parent`], sequence_number: 1 }] });

    const epoch = await policies.dfwEpoch();
    const state = DecodedDfwState.of(await policies.dfwRows());
    assert.deepEqual(state.result(), await policies.decodedConfig());
    assert.equal(state.result().config.policies.length, 3);

    // changes of every kind after that epoch
    await put(`${GROUPS}/db`, labelGroup('db'));
    const r2 = await f.call('PATCH', `${POLICIES}/p1/rules/r2`, { user: 'admin', body: { action: 'DROP', sequence_number: 0 } });
    assert.equal(r2.status, 200, JSON.stringify(r2.body));
    assert.equal((await f.call('DELETE', `${POLICIES}/p2`, { user: 'admin' })).status, 200);
    // the parent's child goes: the parent no longer resolves (a change of another object than itself)
    assert.equal((await f.call('DELETE', `${GROUPS}/child`, { user: 'admin' })).status, 200);
    await inTransaction(f.server.context.db, () => policies.insertImported(importRows(
      [{ resource_type: 'Group', id: 'imp-g', display_name: 'imp-g', path: `${G}/imp-g`, group_type: ['ANTREA'], expression: [], tags: [] }],
      [{ resource_type: 'SecurityPolicy', id: 'imp-p', display_name: 'imp-p', path: '/infra/domains/default/security-policies/imp-p',
        category: 'Application', sequence_number: 9, scope: ['ANY'], stateful: true, tags: [],
        rules: [{ resource_type: 'Rule', id: 'r', display_name: 'r', path: '/infra/domains/default/security-policies/imp-p/rules/r',
          action: 'ALLOW', direction: 'IN_OUT', ip_protocol: 'IPV4_IPV6', sequence_number: 0, source_groups: [`${G}/imp-g`],
          destination_groups: ['ANY'], services: ['ANY'], scope: ['ANY'], logged: false, disabled: false, tags: [] }] }] as never,
    ), 'admin'));

    const changed = await policies.dfwChangesSince(epoch);
    assert.ok(changed);
    assert.deepEqual([...changed.groups].sort(), ['child', 'db', 'imp-g']);
    assert.deepEqual([...changed.policies].sort(), ['imp-p', 'p1', 'p2']);
    state.apply(changed, await policies.dfwRows(changed));
    const full = await policies.decodedConfig();
    assert.deepEqual(state.result(), full);
    assert.deepEqual(full.config.policies.map((p) => p.id), ['imp-p', 'p1', 'p3']);
    assert.deepEqual(full.config.policies.find((p) => p.id === 'p1')!.rules.map((r) => r.id), ['r2', 'r1']);
    assert.deepEqual(full.undecodable.map((u) => u.path), [`${G}/parent`]);

    // nothing changed since now
    const none = await policies.dfwChangesSince(await policies.dfwEpoch());
    assert.deepEqual(none, { groups: new Set(), policies: new Set() });
  });

  it('says when the change log no longer reaches back to an epoch (the holder then reads everything)', async () => {
    const policies = f.server.context.policies;
    const epoch = await policies.dfwEpoch();
    await put(`${GROUPS}/later`, labelGroup('later'));
    assert.ok(await policies.dfwChangesSince(epoch));
    // as if the log had dropped its oldest epochs past this one
    await f.server.context.db.run("UPDATE epochs SET value = ? WHERE name = 'dfw_log_floor'", epoch + 1);
    assert.equal(await policies.dfwChangesSince(epoch), undefined);
    assert.ok(await policies.dfwChangesSince(epoch + 1));
  });
});
