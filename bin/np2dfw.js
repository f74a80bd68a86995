#!/usr/bin/env node
// Entry point installed as `np2dfw`. The CLI is TypeScript run directly by Node (type stripping, Node >= 22.18).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`np2dfw needs Node.js 22.18 or newer (this is ${process.version}); run it through npm (npx np2dfw, npm run ...), which uses the project's Node 24.\n`);
  process.exit(1);
}
const { endQuietlyOnClosedPipe } = await import('../src/cli/closed-pipe.ts');
endQuietlyOnClosedPipe();
const { endWithNpmParent } = await import('../src/cli/npm-parent.ts');
endWithNpmParent();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
