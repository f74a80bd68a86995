// Issue 9, findings 5 and 6: lockout after repeated wrong passwords, per-client rate limits with 429 and
// Retry-After, failed logins audited in aggregate, unauthenticated requests never one audit row each; NSX's
// password rules for the API, `np2dfw user add` and the first administrator; the client's password off the
// command line.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../../src/server/start-server.ts';
import { PASSWORD, startFixture, type Fixture, BACKENDS } from './server-fixture.ts';

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

for (const backend of BACKENDS) describe(backend, () => {
describe('lockout and the audit of failed logins', () => {
  let f: Fixture;
  let now = Date.parse('2026-01-01T00:00:00Z');
  before(async () => {
    f = await startFixture({ backend, limits: { rateLimit: { perSecond: 0, burst: 0 }, clock: () => now } });
  });
  after(() => f.close());
  const userInfo = (headers: Record<string, string>) => fetch(`${f.url}/api/v1/aaa/user-info`, { headers });
  const audit = async (action: string) => (await f.call('GET', `/api/v1/audit-log?action=${action}`, { user: 'admin' })).body.results;

  it('locks an account after 5 wrong passwords for 900 s (NSX\'s defaults), the right password included', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await userInfo(basic('secop', `Wrong-Password-${i}`))).status, 401);
    assert.equal((await userInfo(basic('secop', PASSWORD))).status, 200, 'four failures do not lock');
    for (let i = 0; i < 5; i++) assert.equal((await userInfo(basic('secop', `Wrong-Password-${i}`))).status, 401);
    const locked = await userInfo(basic('secop', PASSWORD));
    assert.equal(locked.status, 401);
    assert.equal(((await locked.json()) as { error_message: string }).error_message, 'The credentials were incorrect or the account specified has been locked.');
    assert.equal((await userInfo(basic('auditor', PASSWORD))).status, 200, 'other accounts are not locked');
    now += 899_000;
    assert.equal((await userInfo(basic('secop', PASSWORD))).status, 401);
    now += 2_000;
    assert.equal((await userInfo(basic('secop', PASSWORD))).status, 200);
  });

  it('failures spread over more than 900 s do not lock', async () => {
    for (let i = 0; i < 8; i++) {
      assert.equal((await userInfo(basic('auditor', 'Wrong-Password-1'))).status, 401);
      now += 250_000;
    }
    assert.equal((await userInfo(basic('auditor', PASSWORD))).status, 200);
  });

  it('failed logins (reads too) are audited in aggregate: one entry per user and client, and one per lockout', async () => {
    await f.server.context.loginGuard.flush();
    const lockouts = await audit('auth.lockout');
    assert.equal(lockouts.length, 1);
    assert.equal(lockouts[0].user, 'secop');
    assert.match(lockouts[0].detail, /^account locked for 900 s after 5 wrong passwords within 900 s/);
    const failures = await audit('auth.failure');
    assert.deepEqual(failures.map((e: { user: string }) => e.user).sort(), ['auditor', 'secop']);
    assert.match(failures.find((e: { user: string }) => e.user === 'secop').detail, /^9 failed logins from 127\.0\.0\.1 between /);
  });

  it('1000 unauthenticated writes add a few audit entries, not 1000', async () => {
    const count = async () => (await f.call('GET', '/api/v1/audit-log', { user: 'admin' })).body.result_count as number;
    await f.server.context.loginGuard.flush();
    const refusedSoFar = async () => (await audit('request.refused')).reduce((n: number, e: { detail: string }) => n + Number(/^(\d+) refused/.exec(e.detail)![1]), 0);
    const refused0 = await refusedSoFar();
    const before = await count();
    for (let i = 0; i < 1000; i++) {
      const headers = i % 2 ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', authorization: 'Bearer np2dfw_000000000000_nope' };
      const r = await fetch(`${f.url}/policy/api/v1/infra/domains/default/groups/g${i}`, { method: 'PUT', headers, body: '{}' });
      assert.equal(r.status, 401);
      await r.arrayBuffer();
    }
    await f.server.context.loginGuard.flush();
    const added = (await count()) - before;
    assert.ok(added <= 3, `${added} audit entries`);
    assert.equal((await refusedSoFar()) - refused0, 1000);
  });
});

describe('per-client rate limit', () => {
  let f: Fixture;
  let now = Date.parse('2026-01-01T00:00:00Z');
  before(async () => {
    f = await startFixture({ backend, limits: { rateLimit: { perSecond: 100, burst: 200 }, clock: () => now } });
  });
  after(() => f.close());

  it('answers 429 with Retry-After over 100 requests per second (burst 200), and serves again after it', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 205; i++) {
      const r = await fetch(`${f.url}/api/v1/aaa/user-info`, { headers: basic('admin', PASSWORD) });
      statuses.push(r.status);
      if (r.status === 429) limited = r;
      else await r.arrayBuffer();
    }
    assert.equal(statuses.filter((s) => s === 200).length, 200);
    assert.equal(statuses.filter((s) => s === 429).length, 5);
    assert.equal(limited!.headers.get('retry-after'), '1');
    const body = (await limited!.json()) as { httpStatus: string; error_code: number };
    assert.equal(body.httpStatus, 'TOO_MANY_REQUESTS');
    assert.equal(body.error_code, 10012);
    now += 1000;
    assert.equal((await fetch(`${f.url}/api/v1/aaa/user-info`, { headers: basic('admin', PASSWORD) })).status, 200);
  });
});

describe('password rules (NSX\'s) everywhere', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
  });
  after(() => f.close());

  it('the API refuses short, blank and one-class passwords, naming the rules', async () => {
    for (const password of ['x', ' '.repeat(12), 'correct-horse-battery', 'CORRECT-HORSE-9', 'Abcdefgh-123', 'aaaaaaaaaaA1!']) {
      const r = await f.call('PUT', '/api/v1/aaa/users/newbie', { user: 'admin', body: { role: 'auditor', password } });
      assert.equal(r.status, 400, password);
      assert.match(r.body.error_message, /^password: the password does not follow the password rules \(12-128 characters with a lowercase letter, an uppercase letter, a digit and a special character/);
    }
    assert.equal((await f.call('PUT', '/api/v1/aaa/users/newbie', { user: 'admin', body: { role: 'auditor', password: 'Good-Password-42' } })).status, 200);
  });

  it('np2dfw user add and the first administrator follow the same rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'np2dfw-pw-'));
    try {
      const db = join(dir, 'db');
      const add = spawnSync(process.execPath, ['src/cli/main.ts', 'user', 'add', 'admin', '--role', 'enterprise_admin', '--db', db, '--password-stdin'],
        { input: 'x\n', encoding: 'utf8' });
      assert.equal(add.status, 2);
      assert.match(add.stderr, /the password does not follow the password rules/);
      await assert.rejects(startServer({ db, host: '127.0.0.1', port: 0, adminPassword: ' '.repeat(12) }), /NP2DFW_ADMIN_PASSWORD does not follow the password rules/);
      const serve = spawnSync(process.execPath, ['src/cli/main.ts', 'serve', '--db', db, '--listen', '127.0.0.1:0'],
        { env: { PATH: process.env.PATH, NP2DFW_ADMIN_PASSWORD: 'x' }, encoding: 'utf8', timeout: 20_000 });
      assert.equal(serve.status, 2, serve.stderr);
      assert.match(serve.stderr, /NP2DFW_ADMIN_PASSWORD does not follow the password rules/);
      const help = spawnSync(process.execPath, ['src/cli/main.ts', 'user', 'add', '--help'], { encoding: 'utf8' });
      assert.match(help.stdout.replace(/\s+/g, ' '), /12-128 characters/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the client takes the password from standard input, and its help says --password shows in ps', async () => {
    // asynchronously: the server answers from this process
    const r = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['src/cli/main.ts', 'import', '--server', f.url, '--user', 'admin', '--password-stdin', '--ids', '00000000-0000-4000-8000-000000000001'],
        { env: { PATH: process.env.PATH }, encoding: 'utf8' }, (err, stdout, stderr) => resolve({ status: err ? Number(err.code) : 0, stdout, stderr }));
      child.stdin!.end(`${PASSWORD}\n`);
    });
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stdout, /NETWORK_POLICY_NOT_FOUND/);
    const help = spawnSync(process.execPath, ['src/cli/main.ts', 'import', '--help'], { encoding: 'utf8' });
    assert.match(help.stdout.replace(/\s+/g, ' '), /other users see it in ps/);
    assert.match(help.stdout, /--password-stdin/);
  });
});
});
