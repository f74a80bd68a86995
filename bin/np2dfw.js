#!/usr/bin/env node
// Entry point installed as `np2dfw`. From the repository (or `npm install -g` of it, a link to it) Node runs the
// TypeScript sources directly (type stripping, Node >= 22.18). Node never strips types under node_modules, so the
// packed package (`npm pack`, then `npm install -g np2dfw-X.tgz`) carries them built as JavaScript in dist/.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`np2dfw needs Node.js 22.18 or newer (this is ${process.version}); run it through npm (npx np2dfw, npm run ...), which uses the project's Node 24.\n`);
  process.exit(1);
}
// Node's compile cache (node:module; in the system's temporary folder, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1
// turns it off): from the second run of a command on, its modules are not compiled (nor their types stripped) again.
const { enableCompileCache } = await import('node:module');
try {
  enableCompileCache?.();
} catch {
  // A cache that cannot be opened only makes the start slower.
}
const installed = new URL('.', import.meta.url).pathname.includes('/node_modules/');
const dir = installed ? '../dist/cli/' : '../src/cli/';
const ext = installed ? '.js' : '.ts';
const { endQuietlyOnClosedPipe } = await import(`${dir}closed-pipe${ext}`);
endQuietlyOnClosedPipe();
const { endWithNpmParent } = await import(`${dir}npm-parent${ext}`);
endWithNpmParent();
const { runCli, exitWith } = await import(`${dir}main${ext}`);
const argv = process.argv.slice(2);
exitWith(argv, await runCli(argv));
