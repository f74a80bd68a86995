// `npm run bench [-- NAME...]`: runs every bench/*.bench.ts (or those whose name contains one of the NAMEs),
// each in its own Node process, so that each reports its own wall time and peak memory. Options (`--backend both`)
// go to every benchmark run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters: string[] = [];
const options: string[] = [];
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i].startsWith('--')) options.push(process.argv[i], process.argv[++i] ?? '');
  else filters.push(process.argv[i]);
}
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((n) => f.includes(n)))
  .sort();
if (benches.length === 0) {
  process.stderr.write(`no benchmark matches ${filters.join(', ')}\n`);
  process.exit(2);
}
let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n## ${file}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=16384', join(here, file), ...options], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`(${file} failed with exit ${r.status ?? r.signal})\n`);
  }
}
process.exit(failed ? 1 : 0);
