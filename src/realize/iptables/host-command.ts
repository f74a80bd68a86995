import { spawn } from 'node:child_process';

/** The outcome of one command. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where and how a command runs: inside a network namespace (`ip netns exec NAME`), with stdin text. */
export interface CommandOptions {
  readonly netns?: string;
  readonly input?: string;
  /** Kill the command after this many milliseconds (default 10 min: huge rulesets load slowly). */
  readonly timeoutMs?: number;
}

/** A command failed: its command line, exit code and stderr. */
export class CommandError extends Error {
  readonly result: CommandResult;
  constructor(argv: readonly string[], result: CommandResult) {
    super(`${argv.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = 'CommandError';
    this.result = result;
  }
}

/** Runs a command (no shell), optionally inside a network namespace; resolves with its result whatever the exit. */
export function runCommand(argv: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const full = options.netns ? ['ip', 'netns', 'exec', options.netns, ...argv] : [...argv];
  return new Promise((resolve) => {
    const child = spawn(full[0], full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 600_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout: '', stderr: e.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString() + (timedOut ? `killed after ${options.timeoutMs ?? 600_000} ms` : signal ? `killed by ${signal}` : '');
      resolve({ code: code ?? 128, stdout: Buffer.concat(out).toString(), stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a command and throws a CommandError unless it exits 0. */
export async function mustRun(argv: readonly string[], options: CommandOptions = {}): Promise<string> {
  const r = await runCommand(argv, options);
  if (r.code !== 0) throw new CommandError(options.netns ? ['ip', 'netns', 'exec', options.netns, ...argv] : argv, r);
  return r.stdout;
}
