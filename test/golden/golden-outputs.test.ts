// Golden CLI outputs, netpol-analyzer style: every folder of test/golden/ with a cases.json holds command lines
// (inputs are examples/ or files of the folder) and the exact output each must print, compared byte for byte.
// Regenerate every expected file with ONE flag:   UPDATE_GOLDEN=1 npm test
// (then read `git diff test/golden` before committing: a changed golden file is a changed behaviour).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { REPO_ROOT, runNp2dfwInProcess } from '../cli/run-cli.ts';

/** One command of a golden case. */
interface GoldenCommand {
  /** The expected output's file name inside the case folder. */
  readonly name: string;
  /** The np2dfw arguments; paths are relative to the repository's root. */
  readonly args: readonly string[];
  /** The exit code the command must end with (never regenerated: it is part of the contract). */
  readonly exit: number;
  /** Which stream the file holds: stdout (default) or stderr. */
  readonly stream?: 'stdout' | 'stderr';
}

const GOLDEN = dirname(fileURLToPath(import.meta.url));
// The commands run in this process through runCli (the CLI's own entry), with paths relative to the root.
process.chdir(REPO_ROOT);
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const cases = readdirSync(GOLDEN, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(GOLDEN, d.name, 'cases.json')))
  .map((d) => d.name)
  .sort();

describe('golden CLI outputs', () => {
  it('there are golden cases', () => assert.ok(cases.length >= 3, `cases found: ${cases.join(', ')}`));
  for (const c of cases) {
    const commands = JSON.parse(readFileSync(join(GOLDEN, c, 'cases.json'), 'utf8')) as GoldenCommand[];
    describe(c, () => {
      for (const cmd of commands) {
        it(`${cmd.name}: np2dfw ${cmd.args.join(' ')}`, async () => {
          const r = await runNp2dfwInProcess(cmd.args);
          assert.equal(r.code, cmd.exit, `exit code; stderr: ${r.stderr}`);
          const actual = cmd.stream === 'stderr' ? r.stderr : r.stdout;
          const file = join(GOLDEN, c, cmd.name);
          if (UPDATE) writeFileSync(file, actual);
          assert.ok(existsSync(file), `${file} is missing: run UPDATE_GOLDEN=1 npm test`);
          assert.equal(actual, readFileSync(file, 'utf8'), `${c}/${cmd.name} differs (UPDATE_GOLDEN=1 npm test regenerates it)`);
        });
      }
    });
  }
});
