import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNp2dfw } from './run-cli.ts';

describe('np2dfw convert --target nsx', () => {
  it('-o json prints the body of PATCH /policy/api/v1/infra', () => {
    const r = runNp2dfw(['convert', '-f', 'examples/seed-003', '--cluster', 'prod', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout);
    assert.equal(body.resource_type, 'Infra');
    assert.equal(body.children[0].resource_type, 'ChildDomain');
    const domain = body.children[0].Domain;
    assert.equal(domain.id, 'default');
    const kinds = domain.children.map((c: { resource_type: string }) => c.resource_type);
    assert.ok(kinds.includes('ChildGroup') && kinds.includes('ChildSecurityPolicy'));
    const policies = domain.children.filter((c: { resource_type: string }) => c.resource_type === 'ChildSecurityPolicy').map((c: { SecurityPolicy: { display_name: string; category: string } }) => c.SecurityPolicy);
    assert.deepEqual(policies.map((p: { display_name: string }) => p.display_name.replace(/-[0-9a-f-]{36}-/, '-UID-')), ['prod-default-test-network-UID-allow', 'prod-default-test-network-UID-drop']);
    assert.ok(!r.stdout.includes('NamedPortServiceEntry'));
  });

  it('-o table prints seed 000\'s rule tables with group names', () => {
    const r = runNp2dfw(['convert', '-f', 'examples/seed-003', '--cluster', 'prod', '-o', 'table']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\| Sources \| Destinations \| Services \| Context Profiles \| Applied To \| Action \| Direction \|/);
    assert.match(r.stdout, /\| N\/A \| prod-default-[0-9a-f-]+-rule\[0\]-to \| TCP Source: Any, Destination: 5978 \| N\/A \| Any \| Allow \| Out \|/);
    assert.match(r.stdout, /\| Any \| Any \| Any \| N\/A \| Any \| Drop \| In_Out \|/);
  });

  it('-o yaml prints the same body', () => {
    const r = runNp2dfw(['convert', '-f', 'examples/seed-003', '-o', 'yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^resource_type: Infra/);
  });

  it('exits 3 with the refused policies on stderr, converting nothing under abort', () => {
    const r = runNp2dfw(['convert', '-f', 'examples/named-ports', '-o', 'json']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /NAMED_PORT_UNSUPPORTED at spec\.ingress\[0\]\.ports\[0\]\.port/);
  });

  it('with --on-error continue prints the others and still exits 3', () => {
    const r = runNp2dfw(['convert', '-f', 'examples/named-ports', '-o', 'json', '--on-error', 'continue']);
    assert.equal(r.code, 3);
    const body = JSON.parse(r.stdout);
    assert.ok(body.children[0].Domain.children.length > 0);
    assert.match(r.stderr, /skipped/);
  });

  it('checks the sequence numbers and the target (exit 2)', () => {
    assert.equal(runNp2dfw(['convert', '-f', 'examples/seed-003', '--sequence-upper', '5']).code, 2);
    assert.equal(runNp2dfw(['convert', '-f', 'examples/seed-003', '--sequence-upper', '5', '--sequence-lower', '5']).code, 2);
    assert.equal(runNp2dfw(['convert', '-f', 'examples/seed-003', '--target', 'nope']).code, 2);
    const ok = runNp2dfw(['convert', '-f', 'examples/seed-003', '-o', 'json', '--sequence-upper', '100', '--sequence-lower', '200']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout).children[0].Domain.children.filter((c: { resource_type: string }) => c.resource_type === 'ChildSecurityPolicy').map((c: { SecurityPolicy: { sequence_number: number } }) => c.SecurityPolicy.sequence_number), [100, 200]);
  });
});
