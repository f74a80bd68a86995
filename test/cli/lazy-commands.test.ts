// The CLI loads only the invoked command's modules; `np2dfw --help` lists every command from a static table, which
// must say what the commands themselves say.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { Help } from 'commander';
import { COMMANDS } from '../../src/cli/commands/index.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { REPO_ROOT } from './run-cli.ts';

/** The project's modules (relative to src/) a CLI run loads, recorded by a module hook in a child process. */
function modulesLoaded(args: readonly string[]): { loaded: string[]; stdout: string } {
  const main = pathToFileURL(join(REPO_ROOT, 'src', 'cli', 'main.ts')).href;
  const src = pathToFileURL(join(REPO_ROOT, 'src')).href + '/';
  const script = `
import { registerHooks } from 'node:module';
const loaded = new Set();
registerHooks({ load(url, context, next) { if (url.startsWith(${JSON.stringify(src)})) loaded.add(url.slice(${src.length})); return next(url, context); } });
const { runCli } = await import(${JSON.stringify(main)});
const code = await runCli(${JSON.stringify(args)});
process.stderr.write(JSON.stringify([...loaded]) + '\\n');
process.exitCode = code;`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  return { loaded: JSON.parse(lines[lines.length - 1]) as string[], stdout: r.stdout };
}

const commandFiles = (loaded: readonly string[]) => loaded.filter((m) => m.startsWith('cli/commands/') && m !== 'cli/commands/index.ts').sort();

describe('lazy command loading', () => {
  it('the static table names every command with the term and summary the command itself gives', async () => {
    const program = await buildProgram();
    const help = new Help();
    const real = program.commands.filter((c) => c.name() !== 'help');
    assert.deepEqual(real.map((c) => c.name()), COMMANDS.map((c) => c.name));
    for (const [i, c] of real.entries()) {
      assert.equal(c.description(), COMMANDS[i].summary, c.name());
      assert.equal(help.subcommandTerm(c), COMMANDS[i].term, c.name());
    }
  });

  it('np2dfw --help loads no command, and lists every one', () => {
    const { loaded, stdout } = modulesLoaded(['--help']);
    assert.deepEqual(commandFiles(loaded), []);
    assert.ok(!loaded.some((m) => m.startsWith('evaluate/') || m.startsWith('server/')), loaded.join(' '));
    for (const c of COMMANDS) assert.match(stdout, new RegExp(`^  ${c.term.replace(/[[\]]/g, '\\$&')} `, 'm'));
  });

  it('reach --help and help reach load the reach command alone', () => {
    for (const args of [['reach', '--help'], ['help', 'reach']]) {
      const { loaded, stdout } = modulesLoaded(args);
      assert.deepEqual(commandFiles(loaded), ['cli/commands/reach.ts'], args.join(' '));
      assert.match(stdout, /^Usage: np2dfw reach \[options\]/);
      assert.ok(!loaded.some((m) => m.startsWith('server/')), args.join(' '));
    }
  });
});

describe('compile cache', () => {
  it('bin/np2dfw.js keeps compiled modules in Node\'s compile cache, and not with NODE_DISABLE_COMPILE_CACHE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'np2dfw-compile-cache-'));
    const { NODE_DISABLE_COMPILE_CACHE: _off, NODE_COMPILE_CACHE: _dir, ...withoutCacheSettings } = process.env;
    try {
      const run = (cache: string, extra: Record<string, string> = {}) => {
        const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'np2dfw.js'), 'reach', '--help'], {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          env: { ...withoutCacheSettings, NODE_COMPILE_CACHE: cache, ...extra },
        });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /Usage: np2dfw reach/);
      };
      const filesUnder = (d: string): number => readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
      run(join(dir, 'on'));
      assert.ok(filesUnder(join(dir, 'on')) > 10, 'the modules of `reach` are cached');
      run(join(dir, 'off'), { NODE_DISABLE_COMPILE_CACHE: '1' });
      assert.equal(existsSync(join(dir, 'off')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
