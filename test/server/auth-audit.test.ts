import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { openDatabase } from '../../src/server/db/database.ts';
import { testPostgres } from '../support/postgres.ts';
import { after, before, describe, it } from 'node:test';
import { hashSecret, verifySecret } from '../../src/server/auth/password-hash.ts';
import { PASSWORD, startFixture, type Fixture, BACKENDS } from './server-fixture.ts';

for (const backend of BACKENDS) describe(backend, () => {
describe('authentication, users, tokens and the audit log', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
  });
  after(() => f.close());

  it('hashes with scrypt and a random salt: two hashes of one password differ, both verify, a wrong one does not', async () => {
    const a = await hashSecret('s3cret-password');
    const b = await hashSecret('s3cret-password');
    assert.notEqual(a, b);
    assert.match(a, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.equal(await verifySecret('s3cret-password', a), true);
    assert.equal(await verifySecret('s3cret-password', b), true);
    assert.equal(await verifySecret('s3cret-passworD', a), false);
  });

  it('stores no password or token in clear in the database file', async () => {
    const created = await f.call('POST', '/api/v1/aaa/users/auditor/tokens', { user: 'admin', body: { description: 'ci' } });
    assert.equal(created.status, 201);
    const token: string = created.body.token;
    // a connection of its own to the database, as anyone who obtains a copy of it would read it
    const db = await openDatabase(f.dbPath);
    try {
      const dump = JSON.stringify([await db.all('SELECT * FROM users'), await db.all('SELECT * FROM tokens')]);
      assert.ok(!dump.includes(PASSWORD));
      assert.ok(!dump.includes(token.split('_')[2]));
      const row = await db.get<{ password_hash: string }>('SELECT password_hash FROM users WHERE name = ?', 'admin');
      assert.match(row!.password_hash, /^scrypt\$/);
    } finally {
      await db.close();
    }
  });

  it('bearer tokens authenticate as their user and stop working when revoked', async () => {
    const created = await f.call('POST', '/api/v1/aaa/users/secop/tokens', { user: 'admin', body: {} });
    const token: string = created.body.token;
    const me = await f.call('GET', '/api/v1/aaa/user-info', { token });
    assert.deepEqual(me.body, { user_name: 'secop', role: 'security_op', role_name: 'Security Operator', permissions: ['policy.read', 'inventory.read', 'audit.read'] });
    // the token carries the user's role: a Security Operator cannot import
    assert.equal((await f.call('POST', '/policy/api/v1/infra/import-k8s-np-to-dfw', { token, body: { network_policy_ids: ['a'] } })).status, 403);
    assert.equal((await f.call('GET', '/api/v1/aaa/user-info', { token: `${token}x` })).status, 401);
    assert.equal((await f.call('DELETE', `/api/v1/aaa/users/secop/tokens/${created.body.id}`, { user: 'admin' })).status, 200);
    assert.equal((await f.call('GET', '/api/v1/aaa/user-info', { token })).status, 401);
  });

  it('users are managed by the Enterprise Admin; a removed user is refused at once', async () => {
    const add = await f.call('PUT', '/api/v1/aaa/users/newbie', { user: 'admin', body: { role: 'Security Admin', password: 'Newbie-Password-1' } });
    assert.equal(add.status, 200);
    assert.equal(add.body.role, 'security_engineer');
    const ok = await fetch(`${f.url}/api/v1/aaa/user-info`, { headers: { authorization: `Basic ${Buffer.from('newbie:Newbie-Password-1').toString('base64')}` } });
    assert.equal(ok.status, 200);
    assert.equal((await f.call('PUT', '/api/v1/aaa/users/x', { user: 'admin', body: { role: 'root', password: 'xxxxxxxxxxxxxxx' } })).status, 400);
    assert.equal((await f.call('PUT', '/api/v1/aaa/users/x', { user: 'admin', body: { role: 'antrea_adapter', password: 'xxxxxxxxxxxxxxx' } })).status, 400);
    assert.equal((await f.call('PUT', '/api/v1/aaa/users/x', { user: 'admin', body: { role: 'auditor', password: 'short' } })).status, 400);
    assert.equal((await f.call('DELETE', '/api/v1/aaa/users/newbie', { user: 'admin' })).status, 200);
    const gone = await fetch(`${f.url}/api/v1/aaa/user-info`, { headers: { authorization: `Basic ${Buffer.from('newbie:Newbie-Password-1').toString('base64')}` } });
    assert.equal(gone.status, 401);
  });

  it('the audit log holds every change with who, when, what and the result, successes and failures', async () => {
    const t0 = Date.now();
    await f.call('PATCH', '/policy/api/v1/infra/domains/default/groups/audited', { user: 'secadmin', body: { display_name: 'a' } });
    await f.call('PATCH', '/policy/api/v1/infra/domains/default/groups/audited', { user: 'secadmin', body: { _revision: 9 } });
    await f.call('PATCH', '/policy/api/v1/infra/domains/default/groups/audited', { user: 'auditor', body: {} });
    const all: any[] = [];
    let cursor: string | undefined;
    do {
      const r = await f.call('GET', `/api/v1/audit-log?page_size=5${cursor ? `&cursor=${cursor}` : ''}`, { user: 'auditor' });
      all.push(...r.body.results);
      cursor = r.body.cursor;
    } while (cursor);
    const mine = all.filter((e) => e.path === '/policy/api/v1/infra/domains/default/groups/audited');
    assert.deepEqual(mine.map((e) => [e.user, e.action, e.status, e.result]), [
      ['secadmin', 'group.patch', 200, 'success'],
      ['secadmin', 'group.patch', 412, 'failure'],
      ['auditor', 'group.patch', 403, 'failure'],
    ]);
    assert.ok(mine.every((e) => e.at >= t0 && e.at <= Date.now()));
    assert.match(mine[1].detail, /stale/);
    assert.ok(all.some((e) => e.action === 'user.delete' && e.target === 'user newbie'));
    assert.ok(all.some((e) => e.action === 'token.revoke'));
    // reading does not add entries
    const n = (await f.call('GET', '/api/v1/audit-log', { user: 'admin' })).body.result_count;
    await f.call('GET', '/policy/api/v1/infra/domains/default/groups', { user: 'admin' });
    assert.equal((await f.call('GET', '/api/v1/audit-log', { user: 'admin' })).body.result_count, n);
  });

  it('np2dfw user add creates the first administrator on a database, and serve does not replace it', async () => {
    // SQLite: --db FILE; PostgreSQL: the URL from NP2DFW_DB_URL, as a deployment passes it
    const db = backend === 'postgres' ? await (await testPostgres()).createDatabase() : `${f.dir}/cli.db`;
    const dbArgs = backend === 'postgres' ? [] : ['--db', db];
    const env = { ...process.env, ...(backend === 'postgres' ? { NP2DFW_DB_URL: db } : {}) };
    const add = spawnSync(process.execPath, ['src/cli/main.ts', 'user', 'add', 'admin', '--role', 'enterprise_admin', ...dbArgs],
      { env: { ...env, NP2DFW_PASSWORD: 'From-The-CLI-1x3' }, encoding: 'utf8' });
    assert.equal(add.status, 0, add.stderr);
    assert.match(add.stdout, /added user admin \(Enterprise Admin\)/);
    const { startServer } = await import('../../src/server/start-server.ts');
    const s = await startServer({ db, host: '127.0.0.1', port: 0, adminPassword: 'ignored-because-users-exist' });
    try {
      assert.equal(s.createdAdmin, false);
      const ok = await fetch(`${s.url}/api/v1/aaa/user-info`, { headers: { authorization: `Basic ${Buffer.from('admin:From-The-CLI-1x3').toString('base64')}` } });
      assert.equal(ok.status, 200);
    } finally {
      await s.close();
    }
    const bad = spawnSync(process.execPath, ['src/cli/main.ts', 'user', 'add', 'x', '--role', 'nobody', ...dbArgs], { env, encoding: 'utf8' });
    assert.equal(bad.status, 2);
  });
});
});
