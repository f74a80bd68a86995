// Runs the real CLI for tests: as a child process (`node src/cli/main.ts ...`, what a user runs), or in this
// process through runCli with stdout and stderr captured (for tests that register a target of their own).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.ts';

/** The repository's root: CLI paths in tests are relative to it. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What one CLI run produced. */
export interface CliRun {
  /** The exit code. */
  readonly code: number;
  /** Everything written to stdout. */
  readonly stdout: string;
  /** Everything written to stderr. */
  readonly stderr: string;
}

/** Runs `np2dfw ARGS` as a child process in the repository's root, on this Node. */
export function runNp2dfw(args: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'src', 'cli', 'main.ts'), ...args], {
    cwd: REPO_ROOT,
    input: options.stdin ?? '',
    encoding: 'utf8',
    env: { ...process.env, NP2DFW_DEBUG: '', ...options.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI in this process (cwd must be the repository's root for relative paths), capturing its output. */
export async function runNp2dfwInProcess(args: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const realOut = process.stdout.write;
  const realErr = process.stderr.write;
  const savedExitCode = process.exitCode;
  process.stdout.write = ((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { err.push(String(chunk)); return true; }) as typeof process.stderr.write;
  let code: number;
  try {
    code = await runCli(args);
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
    process.exitCode = savedExitCode;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Parses `reach -o json` into port -> source -> destination -> allowed, and the key order of each matrix. */
export function parseReachJson(stdout: string): Map<string, { order: string[]; matrix: Record<string, Record<string, boolean>> }> {
  const doc = JSON.parse(stdout) as { ports: { protocol: string; port: number; matrix: Record<string, Record<string, boolean>> }[] };
  const out = new Map<string, { order: string[]; matrix: Record<string, Record<string, boolean>> }>();
  for (const p of doc.ports) out.set(`${p.port}/${p.protocol}`, { order: Object.keys(p.matrix), matrix: p.matrix });
  return out;
}
