// dry_run=true and require_equivalent=true: np2dfw's extensions of the import API, and `np2dfw import` with them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { allowFrom, namespace, PASSWORD, pod, pushInventory, sctpPolicy, startFixture, uid, type Fixture, BACKENDS } from './server-fixture.ts';

const IMPORT = '/policy/api/v1/infra/import-k8s-np-to-dfw';

function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['src/cli/main.ts', ...args], { env: { PATH: process.env.PATH }, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

for (const backend of BACKENDS) describe(backend, () => {
describe('import: dry run and the equivalence gate', () => {
  let f: Fixture;
  const counts = () => f.server.context.policies.counts();
  const auditCount = async () => (await f.call('GET', '/api/v1/audit-log', { user: 'admin' })).body.result_count as number;
  before(async () => {
    f = await startFixture({ backend });
    await pushInventory(f, 'c1', [
      namespace('a'), pod('a', 'web', '10.0.0.1', { app: 'web' }), pod('a', 'api', '10.0.0.2', { app: 'api' }),
      allowFrom('a', 'api-from-web', uid(1), 'api', 'web', 8080), sctpPolicy('a', 'sctp', uid(2)), allowFrom('a', 'web-from-api', uid(3), 'web', 'api', 80),
      namespace('b'), pod('b', 'web', '10.0.1.1', { app: 'web' }), pod('b', 'api', '10.0.1.2', { app: 'api' }),
      allowFrom('b', 'api-from-web', uid(5), 'api', 'web', 80),
    ]);
  });
  after(() => f.close());

  it('dry_run=true answers as the import would, with the objects, and writes nothing but its audit entry', async () => {
    const audit0 = await auditCount();
    const r = await f.call('POST', `${IMPORT}?on_error=CONTINUE&dry_run=true`, { user: 'secadmin', body: { network_policy_ids: [uid(1), uid(2)] } });
    assert.equal(r.status, 200);
    assert.equal(r.body.dry_run, true);
    assert.equal(r.body.request_count, 2);
    assert.equal(r.body.success_count, 1);
    assert.equal(r.body.errors[0].errors[0].error_code, 'SCTP_UNSUPPORTED');
    assert.deepEqual(r.body.preview.security_policies.map((p: { id: string }) => p.id).sort(), [`${uid(1)}-allow`, `${uid(1)}-drop`]);
    assert.ok(r.body.preview.groups.some((g: { id: string }) => g.id === uid(1)));
    assert.ok(r.body.preview.security_policies[0].rules.length > 0);
    // the verification is of the state the import would leave: the skipped SCTP policy shows up
    assert.equal(r.body.verification[0].equivalent, false);
    assert.deepEqual(await counts(), { groups: 0, policies: 0, rules: 0 });
    assert.deepEqual((await f.call('GET', '/api/v1/fabric/container-clusters/c1/pending-removals', { user: 'admin' })).body.results, []);
    assert.equal(await auditCount(), audit0 + 1);
    const last = (await f.call('GET', '/api/v1/audit-log?action=import.dry-run', { user: 'admin' })).body.results.at(-1);
    assert.equal(last.user, 'secadmin');
  });

  it('require_equivalent=true refuses a CONTINUE import whose verification differs, with the counterexamples', async () => {
    const r = await f.call('POST', `${IMPORT}?on_error=CONTINUE&require_equivalent=true`, { user: 'secadmin', body: { network_policy_ids: [uid(1), uid(2)] } });
    assert.equal(r.status, 200);
    assert.equal(r.body.success_count, 0);
    assert.equal(r.body.dry_run, undefined);
    const gate = r.body.errors_general.flatMap((e: { errors: { error_code: string; error_message: string }[] }) => e.errors);
    assert.equal(gate.length, 1);
    assert.equal(gate[0].error_code, 'NOT_EQUIVALENT');
    assert.match(gate[0].error_message, /^cluster c1: \d+ connections? would change verdict; nothing was imported/);
    assert.ok(r.body.verification[0].counterexamples.some((x: { protocol: string }) => x.protocol === 'SCTP'));
    assert.deepEqual(await counts(), { groups: 0, policies: 0, rules: 0 });
  });

  it('require_equivalent=true commits an equivalent import', async () => {
    const r = await f.call('POST', `${IMPORT}?require_equivalent=true`, { user: 'secadmin', body: { network_policy_ids: [uid(5)] } });
    assert.equal(r.status, 200);
    assert.equal(r.body.success_count, 1, JSON.stringify(r.body));
    assert.deepEqual(r.body.errors_general, []);
    assert.equal(r.body.verification[0].equivalent, true);
    assert.equal((await counts()).policies, 2);
  });

  it('dry_run and require_equivalent take true or false only, once', async () => {
    for (const q of ['dry_run=yes', 'dry_run=true&dry_run=false', 'require_equivalent=1', 'on_error=ABORT&on_error=CONTINUE']) {
      const r = await f.call('POST', `${IMPORT}?${q}`, { user: 'secadmin', body: { network_policy_ids: [uid(1)] } });
      assert.equal(r.status, 400, q);
      assert.equal(r.body.httpStatus, 'BAD_REQUEST');
    }
  });

  it('np2dfw import --dry-run and --require-equivalent', async () => {
    const base = ['import', '--server', f.url, '--user', 'secadmin', '--password', PASSWORD];
    const dry = await cli([...base, '--dry-run', '--ids', uid(1)]);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^dry run: would import 1 of 1 NetworkPolicy \(on_error=ABORT\); nothing was written$/m);
    assert.match(dry.stdout, /^would write \d+ groups and 2 security policies/m);
    assert.equal((await counts()).policies, 2);
    const gated = await cli([...base, '--require-equivalent', '--on-error', 'continue', '--ids', uid(1), uid(2)]);
    assert.equal(gated.status, 3, gated.stderr);
    assert.match(gated.stdout, /NOT_EQUIVALENT/);
    assert.equal((await counts()).policies, 2);
    const help = await cli(['import', '--help']);
    assert.match(help.stdout, /--dry-run/);
    assert.match(help.stdout, /--require-equivalent/);
  });
});
});
