// `reach` end to end on Antrea's scale shape (a) (25k namespaces x 4 pods, 75k policies: 100k pods) given as
// kubectl JSON (one List, as `kubectl get namespaces,pods,networkpolicies -A -o json` prints it): the CLI as a user
// runs it (bin/np2dfw.js, what `npx np2dfw` starts) in a child process, wall time, CPU time and peak RSS from
// /usr/bin/time -v, for the grouped table, md and csv. The first run fills Node's compile cache (a folder of the
// bench's own): it is reported apart, and the cases after it run as every later run of the command does.
// `node bench/reach.bench.ts [SCALE]` (default 1, the full 100k pods).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterList } from '../testing/synthetic/cluster-objects.ts';
import { generateCluster } from '../testing/synthetic/generate-cluster.ts';

const scale = Number(process.argv[2] ?? 1);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'np2dfw-reach-bench-'));
const file = join(dir, 'cluster.json');
try {
  const cluster = generateCluster('small-namespaces', { seed: 1, scale });
  writeFileSync(file, JSON.stringify(clusterList(cluster)));
  process.stdout.write(`\n${cluster.namespaces.size} namespaces, ${cluster.pods.length} pods, ${cluster.policies.length} policies; `
    + `${(statSync(file).size / 1048576).toFixed(1)} MiB of kubectl JSON. Load average before: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on the machine's CPUs.\n\n`);
  process.stdout.write('| np2dfw reach -f cluster.json --port 80 ... | wall time | CPU time (user + sys) | peak RSS | output |\n| --- | --- | --- | --- | --- |\n');
  const cases: [string, string[]][] = [
    ['--group namespace (table), first run: compile cache empty', ['--group', 'namespace']],
    ['--group namespace (table)', ['--group', 'namespace']],
    ['--group namespace -o md', ['--group', 'namespace', '-o', 'md']],
    ['--summary --allowed -o csv', ['--summary', '--allowed', '-o', 'csv']],
    ['--summary --allowed (table)', ['--summary', '--allowed']],
  ];
  let failed = 0;
  for (const [label, args] of cases) {
    const r = spawnSync('/usr/bin/time', ['-v', '-o', join(dir, 'time'), process.execPath, join(root, 'bin', 'np2dfw.js'),
      'reach', '-f', file, '--port', '80', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 30,
      env: { ...process.env, NODE_COMPILE_CACHE: join(dir, 'compile-cache'), NODE_DISABLE_COMPILE_CACHE: undefined },
    });
    if (r.status !== 0) {
      failed++;
      process.stdout.write(`| ${label} | failed (exit ${r.status ?? r.signal}) | | | |\n`);
      continue;
    }
    const t = readFileSync(join(dir, 'time'), 'utf8');
    const field = (name: string) => Number(new RegExp(`${name}: ([\\d.:]+)`).exec(t)?.[1].split(':').reduce((acc, x) => acc * 60 + Number(x), 0) ?? NaN);
    const wall = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)');
    const cpu = field('User time \\(seconds\\)') + field('System time \\(seconds\\)');
    const rss = field('Maximum resident set size \\(kbytes\\)') / 1024;
    process.stdout.write(`| ${label} | ${wall.toFixed(1)} s | ${cpu.toFixed(1)} s | ${rss.toFixed(0)} MiB | ${(r.stdout.length / 1024).toFixed(0)} KiB |\n`);
  }
  process.stdout.write(`\nLoad average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}.\n`);
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
