// Imports run in the server's import worker on a SQLite file (on the request thread on PostgreSQL); the worker keeps
// the stored DFW objects decoded between imports: what it writes is seen by the server at once, and what the server
// writes is seen by the worker's next import.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase, inTransaction } from '../../src/server/db/database.ts';
import { runImport } from '../../src/server/import/import-service.ts';
import { ServerContext } from '../../src/server/server-context.ts';
import { checkInventoryObjects } from '../../src/server/store/inventory-store.ts';
import { allowFrom, BACKENDS, namespace, pod, pushInventory, startFixture, uid, type Fixture } from './server-fixture.ts';

const IMPORT = '/policy/api/v1/infra/import-k8s-np-to-dfw';
const POLICIES = '/policy/api/v1/infra/domains/default/security-policies';

const objects = [
  namespace('a'),
  pod('a', 'web', '10.0.0.1', { app: 'web' }), pod('a', 'api', '10.0.0.2', { app: 'api' }), pod('a', 'db', '10.0.0.3', { app: 'db' }),
  allowFrom('a', 'api-from-web', uid(1), 'api', 'web', 8080),
  allowFrom('a', 'db-from-api', uid(2), 'db', 'api', 5432),
];

for (const backend of BACKENDS) describe(`imports in the worker (${backend})`, () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
    await pushInventory(f, 'c1', objects);
  });
  after(() => f.close());

  it('an import the worker writes moves the database\'s DFW epoch and is served at once', async () => {
    const before = await f.server.context.policies.dfwEpoch();
    const r = await f.call('POST', IMPORT, { user: 'admin', body: { network_policy_ids: [uid(1)] } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.success_count, 1);
    assert.equal(r.body.verification[0].equivalent, true);
    assert.ok((await f.server.context.policies.dfwEpoch()) > before);
    assert.equal((await f.call('GET', `${POLICIES}/${uid(1)}-drop`, { user: 'admin' })).status, 200);
    const audit = (await f.server.context.audit.page(0, 1000, { action: 'import' })).entries;
    assert.equal(audit.at(-1)?.detail, 'on_error=ABORT: 1 of 1 imported; 0 failed');
  });

  it('the next import verifies against what was written in between (the worker decodes the changed state)', async () => {
    // a policy that drops every connection, ahead of everything: the state is no longer what Kubernetes enforced
    const drop = await f.call('PUT', `${POLICIES}/drop-all`, { user: 'admin', body: {
      category: 'Application', sequence_number: 0, scope: ['ANY'], rules: [{ id: 'r', action: 'DROP', sequence_number: 0 }],
    } });
    assert.equal(drop.status, 200, JSON.stringify(drop.body));
    const r = await f.call('POST', IMPORT, { user: 'admin', body: { network_policy_ids: [uid(2)] } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.success_count, 1);
    assert.equal(r.body.verification[0].equivalent, false);
    assert.ok(r.body.verification[0].differences > 0);
  });
});

describe('imports on a database in memory', () => {
  it('run on the server\'s thread, with the same outcome and audit entry', async () => {
    const ctx = new ServerContext(await openDatabase(':memory:'));
    try {
      await ctx.inventory.register('c1', 'admin');
      await inTransaction(ctx.db, () => ctx.inventory.replace('c1', checkInventoryObjects('c1', objects)));
      const o = await runImport(ctx, { network_policy_ids: [uid(1), uid(2)] }, { onError: 'ABORT' }, { user: 'admin', path: IMPORT });
      assert.equal(o.committed, true);
      assert.equal(o.answer.success_count, 2);
      assert.equal(o.answer.verification[0].equivalent, true);
      assert.ok(await ctx.policies.hasPolicy(`${uid(2)}-drop`));
      assert.equal((await ctx.audit.page(0, 10, { action: 'import' })).entries[0].target, 'clusters c1');
    } finally {
      await ctx.db.close();
    }
  });
});
