// The README's `console` examples are real: each `$ np2dfw ...` block must print exactly what the README shows.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, runNp2dfw } from './run-cli.ts';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```console\n\$ np2dfw (.*)\n([\s\S]*?)```/g)].map((m) => ({ command: m[1], output: m[2] }));

describe('README examples', () => {
  it('the README has console examples', () => assert.ok(examples.length >= 2));
  for (const ex of examples) {
    it(`np2dfw ${ex.command}`, () => {
      const r = runNp2dfw(ex.command.split(/\s+/));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, ex.output);
    });
  }
});
