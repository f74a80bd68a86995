import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { authorizationHeader, resolveCredentials } from '../../src/client/credentials.ts';
import { NsxApiError, NsxClient } from '../../src/client/nsx-client.ts';
import { allowFrom, namespace, PASSWORD, pod, pushInventory, sctpPolicy, startFixture, uid, type Fixture } from '../server/server-fixture.ts';

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['src/cli/main.ts', ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('credentials', () => {
  it('take --token first, then --user/--password, then NP2DFW_TOKEN, then NP2DFW_USER/NP2DFW_PASSWORD', () => {
    assert.deepEqual(resolveCredentials({ token: 't', user: 'u', password: 'p' }, {}), { kind: 'token', token: 't' });
    assert.deepEqual(resolveCredentials({ user: 'u', password: 'p' }, { NP2DFW_TOKEN: 'x' }), { kind: 'basic', user: 'u', password: 'p' });
    assert.deepEqual(resolveCredentials({ user: 'u' }, { NP2DFW_PASSWORD: 'envp' }), { kind: 'basic', user: 'u', password: 'envp' });
    assert.deepEqual(resolveCredentials({}, { NP2DFW_TOKEN: 'x', NP2DFW_USER: 'u', NP2DFW_PASSWORD: 'p' }), { kind: 'token', token: 'x' });
    assert.deepEqual(resolveCredentials({}, { NP2DFW_USER: 'u', NP2DFW_PASSWORD: 'p' }), { kind: 'basic', user: 'u', password: 'p' });
    assert.equal(resolveCredentials({}, {}), undefined);
    assert.throws(() => resolveCredentials({ user: 'u' }, {}), /--password/);
    assert.equal(authorizationHeader({ kind: 'basic', user: 'admin', password: 'pw:with:colons' }), `Basic ${Buffer.from('admin:pw:with:colons').toString('base64')}`);
  });
});

describe('np2dfw import against np2dfw serve', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
    await pushInventory(f, 'c1', [
      namespace('a'), pod('a', 'web', '10.0.0.1', { app: 'web' }), pod('a', 'api', '10.0.0.2', { app: 'api' }),
      allowFrom('a', 'api-from-web', uid(1), 'api', 'web', 8080), sctpPolicy('a', 'sctp', uid(2)), allowFrom('a', 'web-from-api', uid(3), 'web', 'api', 80),
    ]);
  });
  after(() => f.close());

  it('ABORT prints the refused policy and imports nothing (exit 3)', async () => {
    const r = await cli(['import', '--server', f.url, '--user', 'secadmin', '--password', PASSWORD, '--ids', uid(1), uid(2)], {});
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stdout, /^imported 0 of 2 NetworkPolicies \(on_error=ABORT\)$/m);
    assert.match(r.stdout, new RegExp(`^${uid(2)}  SCTP_UNSUPPORTED  `, 'm'));
    assert.match(r.stdout, /^c1 +equivalent /m);
    assert.equal((await f.server.context.policies.counts()).policies, 0);
  });

  it('CONTINUE with a token from the environment imports the rest and shows what the verification found', async () => {
    const token = (await f.call('POST', '/api/v1/aaa/users/admin/tokens', { user: 'admin', body: {} })).body.token;
    const r = await cli(['import', '--server', f.url, '--ids', uid(1), uid(2), uid(3), '--on-error', 'continue'], { NP2DFW_TOKEN: token });
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stdout, /^imported 2 of 3 NetworkPolicies \(on_error=CONTINUE\)$/m);
    assert.match(r.stdout, /^c1 +DIFFERENT \(\d+ connections\)/m);
    assert.match(r.stdout, /SCTP/);
    assert.equal((await f.server.context.policies.counts()).policies, 4);
  });

  it('everything imported: exit 0; -o json prints the NSX response', async () => {
    await f.call('PATCH', '/api/v1/fabric/container-clusters/c1/inventory', { user: 'admin', body: { upserts: [allowFrom('a', 'x', uid(4), 'web', 'web', 1)] } });
    const r = await cli(['import', '--server', f.url, '--ids', uid(4), '--sequence-upper', '100', '--sequence-lower', '200', '-o', 'json'],
      { NP2DFW_USER: 'admin', NP2DFW_PASSWORD: PASSWORD });
    assert.equal(r.status, 0, r.stderr);
    const body = JSON.parse(r.stdout);
    assert.deepEqual([body.request_count, body.success_count, body.errors, body.errors_general], [1, 1, [], []]);
  });

  it('usage errors and refusals by the server are clear', async () => {
    const noIds = await cli(['import', '--server', f.url, '--user', 'admin', '--password', PASSWORD], {});
    assert.equal(noIds.status, 2);
    const half = await cli(['import', '--server', f.url, '--user', 'admin', '--password', PASSWORD, '--ids', 'x', '--sequence-upper', '5'], {});
    assert.equal(half.status, 2);
    assert.match(half.stderr, /go together/);
    const denied = await cli(['import', '--server', f.url, '--user', 'auditor', '--password', PASSWORD, '--ids', 'x'], {});
    assert.equal(denied.status, 1);
    assert.match(denied.stderr, /HTTP 403: user auditor \(role auditor\) may not POST/);
    const down = await cli(['import', '--server', 'http://127.0.0.1:1', '--user', 'admin', '--password', PASSWORD, '--ids', 'x'], {});
    assert.equal(down.status, 1);
    assert.match(down.stderr, /cannot reach http:\/\/127\.0\.0\.1:1/);
  });

  it('the client pages through lists and reports NSX error bodies', async () => {
    const client = new NsxClient({ server: f.url, credentials: { kind: 'basic', user: 'admin', password: PASSWORD } });
    const groups = await client.listAll<{ id: string }>('/policy/api/v1/infra/domains/default/groups', 2);
    assert.equal(groups.length, (await f.server.context.policies.counts()).groups);
    await assert.rejects(client.request('GET', '/policy/api/v1/infra/domains/default/groups/none'), (e: unknown) =>
      e instanceof NsxApiError && e.status === 404 && e.errorCode === 10020);
  });
});
