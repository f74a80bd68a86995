#!/usr/bin/env node
import { Command, CommanderError, Help } from 'commander';
import { InvalidInputError } from '../k8s/invalid-input.ts';
import { GroupExpressionError } from '../model/group-expression.ts';
import { CliError } from './cli-error.ts';
import { endQuietlyOnClosedPipe } from './closed-pipe.ts';
import { endWithNpmParent } from './npm-parent.ts';
import { EXIT } from './exit-codes.ts';
import { commandTerm, registerCommands } from './commands/index.ts';
import { registerHelp } from './help-command.ts';

/** Builds the `np2dfw` program with every command loaded (for tests and tools that inspect the commands). */
export async function buildProgram(): Promise<Command> {
  return programWith(undefined);
}

/**
 * The program with only the commands `argv` invokes loaded (`reach ...`, `help reach`, `reach --help`): the others
 * are listed by name and summary, so `np2dfw --help` and an unknown command's message stay the same while a command
 * compiles only its own modules.
 */
async function programFor(argv: readonly string[]): Promise<Command> {
  const words = argv.filter((a) => !a.startsWith('-'));
  const load = new Set(words[0] === 'help' ? words.slice(0, 2) : words.slice(0, 1));
  return programWith(load);
}

async function programWith(load: ReadonlySet<string> | undefined): Promise<Command> {
  const program = new Command('np2dfw')
    .description('Move Kubernetes NetworkPolicies into distributed firewalls without changing what traffic flows, and prove it.')
    .version('0.1.0')
    .showHelpAfterError('(np2dfw --help lists the commands)')
    .exitOverride();
  program.configureHelp({
    subcommandTerm(cmd: Command): string {
      const term = cmd.parent === program ? commandTerm(cmd.name()) : undefined;
      return term ?? Help.prototype.subcommandTerm.call(this, cmd);
    },
  });
  await registerCommands(program, load);
  registerHelp(program);
  return program;
}

/** Runs the CLI; every failure becomes one paragraph on stderr and an exit code, never a stack trace. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = await programFor(argv);
  if (argv.length === 0) {
    // As git does: a bare `np2dfw` is a usage error; the help goes to stderr so that stdout stays empty.
    process.stderr.write(program.helpInformation());
    return EXIT.INVALID_INPUT;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (e) {
    return reportError(e);
  }
}

/** Reports a failure as one paragraph on stderr; returns the exit code. */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // help and version are not errors; commander has already printed its usage message.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
    return EXIT.INVALID_INPUT;
  }
  if (e instanceof InvalidInputError) {
    process.stderr.write(`error: ${e.message}\n`);
    return EXIT.INVALID_INPUT;
  }
  if (e instanceof GroupExpressionError) {
    // An NSX group expression np2dfw (like NSX) rejects: invalid input, with the group and the field named.
    process.stderr.write(`error: invalid input: ${e.message}\n`);
    return EXIT.INVALID_INPUT;
  }
  if (e instanceof CliError) {
    process.stderr.write(`error: ${e.message}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  process.stderr.write(`error: ${err?.message ?? String(e)}\n`);
  if (process.env.NP2DFW_DEBUG) process.stderr.write(`${err?.stack}\n`);
  return EXIT.FAILURE;
}

/**
 * Commands that are done once their output is written: the process ends as soon as stdout and stderr are
 * flushed, without tearing down a heap of hundreds of megabytes first (a `reach` over 100k pods).
 */
const ENDS_WHEN_WRITTEN = new Set(['reach']);

/** Sets the exit code of a command run; ends the process once its output is flushed for ENDS_WHEN_WRITTEN commands. */
export function exitWith(argv: readonly string[], code: number): void {
  process.exitCode = code;
  if (ENDS_WHEN_WRITTEN.has(argv.find((a) => !a.startsWith('-')) ?? '')) {
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  }
}

if (import.meta.main) {
  endQuietlyOnClosedPipe();
  endWithNpmParent();
  const argv = process.argv.slice(2);
  exitWith(argv, await runCli(argv));
}
