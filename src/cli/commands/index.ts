import type { Command } from 'commander';

/** Every command of the CLI; each lives in its own file and adds itself here. */
export function registerCommands(program: Command): void {
  void program;
}
