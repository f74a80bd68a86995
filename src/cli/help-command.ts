import type { Command } from 'commander';
import { usageError } from './cli-error.ts';

/**
 * `np2dfw help [COMMAND [SUBCOMMAND]]`: the help of the program, a command, or a command's subcommand
 * (`help inventory push`), on stdout, exit 0. An unknown command is a usage error (exit 2), as kubectl does.
 */
export function registerHelp(program: Command): void {
  program.helpCommand(false);
  program
    .command('help')
    .description('show the help of np2dfw, of a command, or of a subcommand (help inventory push)')
    .argument('[command...]', 'the command, and its subcommand')
    .action((words: string[]) => {
      let cmd: Command = program;
      const path: string[] = [];
      for (const word of words) {
        const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
        if (!sub) {
          const known = cmd.commands.map((c) => c.name()).filter((n) => n !== 'help');
          const where = path.length ? `np2dfw ${path.join(' ')} has no subcommand '${word}'` : `unknown command '${word}'`;
          throw usageError(`${where}; ${path.length ? 'its subcommands' : 'commands'}: ${known.join(', ')}`);
        }
        cmd = sub;
        path.push(word);
      }
      cmd.outputHelp();
    });
}
