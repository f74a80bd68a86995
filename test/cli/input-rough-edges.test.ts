// Rough edges of reading input, through the real CLI: --cluster must be a DNS-1123 label; live pods sharing an
// address stop every command with exit 2 naming both.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runNp2dfw } from './run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'np2dfw-input-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('input rough edges', () => {
  it('--cluster "" and --cluster "bad name/with slash" are refused (exit 2): the name ends up in every target\'s names', () => {
    for (const name of ['', 'bad name/with slash', 'Upper', 'x'.repeat(64)]) {
      const r = runNp2dfw(['convert', '-f', 'examples/seed-003', '--cluster', name]);
      assert.equal(r.code, 2, `${JSON.stringify(name)}: ${r.stdout}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^error: --cluster ${JSON.stringify(name).replace(/[/\\[\]]/g, '\\$&')}: `));
    }
    assert.equal(runNp2dfw(['convert', '-f', 'examples/seed-003', '--cluster', 'prod-eu-1']).code, 0);
  });

  it('two live pods with the same address: exit 2 naming both', () => {
    const file = join(tmp, 'dup.yaml');
    const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: web}\nspec: {containers: [{name: c}]}\nstatus: {phase: Running, podIP: 10.244.1.10}\n`;
    writeFileSync(file, `${pod('a')}---\n${pod('b')}`);
    const r = runNp2dfw(['explain', '-f', file, '--from', '10.244.1.10', '--to', '10.0.0.1', '--port', '80']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /dup\.yaml:\d+: Pod web\/b: status\.podIPs: Duplicate value: "10\.244\.1\.10": pod web\/a \(.*dup\.yaml:1\) has this address too/);
  });
});
