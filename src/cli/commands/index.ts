import type { Command } from 'commander';
import { registerAdapter } from './adapter.ts';
import { registerImport } from './import.ts';
import { registerInventory } from './inventory.ts';
import { registerServe } from './serve.ts';
import { registerUser } from './user.ts';
import { registerApply } from './apply.ts';
import { registerConvert } from './convert.ts';
import { registerDiff } from './diff.ts';
import { registerExplain } from './explain.ts';
import { registerLab } from './lab.ts';
import { registerReach } from './reach.ts';
import { registerVerify } from './verify.ts';

/** Every command of the CLI; each lives in its own file and adds itself here. */
export function registerCommands(program: Command): void {
  registerReach(program);
  registerExplain(program);
  registerConvert(program);
  registerVerify(program);
  registerDiff(program);
  registerApply(program);
  registerLab(program);
  registerServe(program);
  registerImport(program);
  registerInventory(program);
  registerUser(program);
  registerAdapter(program);
}
