// The management-plane server under load: an import of 5000 NetworkPolicies (NSX's limit per request) through
// the import API with 30,000 security policies stored already, while 16 clients keep sending GETs. Real HTTP on
// 127.0.0.1 against a SQLite file or a PostgreSQL database (`--backend sqlite|postgres|both`, default both: a
// process each, their tables side by side). The stored state is built first by a separate process (`setup`), so
// that the peak memory reported is the server's alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/server/db/database.ts';
import { runImport } from '../src/server/import/import-service.ts';
import { ServerContext } from '../src/server/server-context.ts';
import { checkInventoryObjects } from '../src/server/store/inventory-store.ts';
import { inTransaction } from '../src/server/db/database.ts';
import { startServer } from '../src/server/start-server.ts';
import { testPostgres } from '../test/support/postgres.ts';

const PASSWORD = 'Bench-Password-123';
const STORED_POLICIES = 15_000; // NetworkPolicies imported before: 30,000 security policies
const IMPORTED = 5000;
const CLIENTS = 16;

function uidOf(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** A cluster of `policies` NetworkPolicies, 50 per namespace, 4 pods per namespace; uids from `base`. */
function clusterObjects(policies: number, base: number): { objects: unknown[]; ids: string[] } {
  const objects: unknown[] = [];
  const ids: string[] = [];
  for (let n = 0; n < policies / 50; n++) {
    const ns = `ns${n}`;
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: `t${n % 10}` } } });
    for (let p = 0; p < 4; p++) {
      objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name: `pod${p}`, labels: { app: `a${p}` } },
        spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running', podIP: `10.${n >> 8}.${n & 255}.${p + 1}` } });
    }
    for (let j = 0; j < 50; j++) {
      const uid = uidOf(base + n * 1000 + j);
      ids.push(uid);
      objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name: `np${j}`, uid },
        spec: {
          podSelector: { matchLabels: { app: `a${j % 4}` } }, policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ podSelector: { matchLabels: { app: `a${(j + 1) % 4}` } } }, { namespaceSelector: { matchLabels: { team: `t${j % 10}` } } }], ports: [{ protocol: 'TCP', port: 8000 + (j % 20) }] }],
          egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.1.0/24'] } }], ports: [{ protocol: 'UDP', port: 53 }] }],
        } });
    }
  }
  return { objects, ids };
}

/** `setup DB`: registers cluster `stored` with 15,000 NetworkPolicies and imports them (in process, unverified). */
async function setup(db: string): Promise<void> {
  const ctx = new ServerContext(await openDatabase(db));
  await ctx.inventory.register('stored', 'bench');
  const { objects, ids } = clusterObjects(STORED_POLICIES, 1_000_000_000);
  await inTransaction(ctx.db, () => ctx.inventory.replace('stored', checkInventoryObjects('stored', objects)));
  for (let i = 0; i < ids.length; i += 5000) {
    const o = await runImport(ctx, { network_policy_ids: ids.slice(i, i + 5000) }, { onError: 'ABORT', verify: false }, { user: 'bench', path: '-' });
    if (o.answer.success_count !== Math.min(5000, ids.length - i)) throw new Error(JSON.stringify(o.answer.errors.slice(0, 2)));
  }
  await ctx.db.close();
}

/** Resolves once this process (the server and its import worker) has used under 5% of a core for half a second. */
async function untilIdle(): Promise<void> {
  for (;;) {
    const c0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 500));
    const c = process.cpuUsage(c0);
    if (c.user + c.system < 25_000) return;
  }
}

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));

const backendAt = process.argv.indexOf('--backend');
const backend = backendAt > 0 ? process.argv[backendAt + 1] : 'both';
if (!['sqlite', 'postgres', 'both'].includes(backend)) throw new Error(`--backend ${backend}: use sqlite, postgres or both`);

if (process.argv[2] === 'setup') {
  await setup(process.argv[3]);
} else if (backend === 'both') {
  // one process per backend (each its own peak memory), then one table with a column per backend
  const rows = new Map<string, string[]>();
  for (const [k, b] of ['sqlite', 'postgres'].entries()) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--backend', b], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    // a run that fails leaves its column at '-' and says so; the other column is still shown
    if (r.status !== 0) {
      process.stdout.write(`${b}: the run failed (exit ${r.status ?? r.signal}); its column is empty\n`);
      process.exitCode = 1;
    }
    for (const line of r.stdout.split('\n')) {
      const m = /^\| (.+?) \| (.+) \|$/.exec(line);
      if (m && m[1] !== 'measure' && m[1] !== '---') {
        const key = m[1].replace(/\d+ security policies stored/, 'the security policies stored');
        rows.set(key, [...(rows.get(key) ?? ['-', '-'])].map((v, i) => (i === k ? m[2] : v)));
      } else if (!line.startsWith('|') && line.trim()) process.stdout.write(`${b}: ${line}\n`);
    }
  }
  process.stdout.write('\n| measure | SQLite | PostgreSQL |\n| --- | --- | --- |\n');
  for (const [key, [a, b]] of rows) process.stdout.write(`| ${key} | ${a} | ${b} |\n`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'np2dfw-bench-'));
  const db = backend === 'postgres' ? await (await testPostgres()).createDatabase() : join(dir, 'bench.db');
  try {
    process.stdout.write(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
    const t0 = performance.now();
    const s = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'setup', db], { stdio: 'inherit' });
    if (s.status !== 0) throw new Error('setup failed');
    process.stdout.write(`setup (separate process): ${STORED_POLICIES} NetworkPolicies imported as ${2 * STORED_POLICIES} security policies in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    // all GETs come from one client: NSX's per-client rate limit (100/s) is off for the benchmark
    const server = await startServer({ db, host: '127.0.0.1', port: 0, adminPassword: PASSWORD, limits: { rateLimit: { perSecond: 0, burst: 0 } } });
    const auth = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
    const call = async (method: string, path: string, body?: unknown): Promise<any> => {
      const headers: Record<string, string> = { authorization: auth };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
      return text ? JSON.parse(text) : undefined;
    };
    try {
      const counts = (await server.context.policies.counts());
      process.stdout.write(`stored: ${counts.policies} security policies, ${counts.rules} rules, ${counts.groups} groups\n\n`);
      const { objects, ids } = clusterObjects(IMPORTED, 0);
      await call('PUT', '/api/v1/fabric/container-clusters/bench');
      await call('PUT', '/api/v1/fabric/container-clusters/bench/inventory', { objects });
      const storedIds = Array.from({ length: 1000 }, (_, i) => `${uidOf(1_000_000_000 + Math.floor(i / 50) * 1000 + (i % 50))}-allow`);
      let i = 0;
      const gets = async (until: () => boolean, out: number[]) => {
        while (!until()) {
          const n = i++;
          const path = n % 4 === 3 ? '/api/v1/aaa/user-info' : `/policy/api/v1/infra/domains/default/security-policies/${storedIds[n % storedIds.length]}`;
          const t = performance.now();
          await call('GET', path);
          out.push(performance.now() - t);
        }
      };
      // the import worker decodes the stored state when the server starts: measure once the process is idle
      await untilIdle();
      // before: GETs alone, 3 s
      const quiet: number[] = [];
      const stopAt = performance.now() + 3000;
      await Promise.all(Array.from({ length: CLIENTS }, () => gets(() => performance.now() > stopAt, quiet)));
      // during: the import, with GETs until it answers
      const during: number[] = [];
      let done = false;
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      const t1 = performance.now();
      const cpu0 = process.cpuUsage();
      const main0 = process.threadCpuUsage();
      const importing = call('POST', '/policy/api/v1/infra/import-k8s-np-to-dfw?on_error=ABORT', { network_policy_ids: ids }).finally(() => { done = true; });
      await Promise.all([importing, ...Array.from({ length: CLIENTS }, () => gets(() => done, during))]);
      const importMs = performance.now() - t1;
      const cpu = process.cpuUsage(cpu0);
      const mainCpu = process.threadCpuUsage(main0);
      loopDelay.disable();
      const result = await importing;
      if (result.success_count !== IMPORTED) throw new Error(`imported ${result.success_count}: ${JSON.stringify(result.errors.slice(0, 2))}`);
      const v = result.verification[0];
      // a second import right after the first (another cluster's 5000), without GETs: the worker decodes again the
      // objects the first one wrote (the change log names them) while idle, or before it plans
      const second = clusterObjects(IMPORTED, 500_000_000);
      await call('PUT', '/api/v1/fabric/container-clusters/bench2');
      await call('PUT', '/api/v1/fabric/container-clusters/bench2/inventory', { objects: second.objects });
      const t2 = performance.now();
      const cpu2 = process.cpuUsage();
      const result2 = await call('POST', '/policy/api/v1/infra/import-k8s-np-to-dfw?on_error=ABORT', { network_policy_ids: second.ids });
      const second2Ms = performance.now() - t2;
      const secondCpu = process.cpuUsage(cpu2);
      if (result2.success_count !== IMPORTED) throw new Error(`imported ${result2.success_count}: ${JSON.stringify(result2.errors.slice(0, 2))}`);
      const peak = process.resourceUsage().maxRSS / 1024;
      process.stdout.write(`| measure | value |\n| --- | --- |\n`);
      process.stdout.write(`| import of ${IMPORTED} NetworkPolicies (one POST, on_error=ABORT, verification in the answer) with ${counts.policies} security policies stored | ${(importMs / 1000).toFixed(2)} s |\n`);
      const secs = (c: { user: number; system: number }) => (c.user + c.system) / 1e6;
      process.stdout.write(`| CPU time of the process meanwhile (every thread) | ${secs(cpu).toFixed(2)} s |\n`);
      process.stdout.write(`| of which the request thread (serving the GETs, receiving the outcome) | ${secs(mainCpu).toFixed(2)} s |\n`);
      process.stdout.write(`| of which the other threads (the import worker: read, convert, verify, write; GC helpers) | ${(secs(cpu) - secs(mainCpu)).toFixed(2)} s |\n`);
      process.stdout.write(`| the longest the request thread did not run (event-loop delay during the import) | ${(loopDelay.max / 1e6).toFixed(0)} ms |\n`);
      process.stdout.write(`| its verification | ${v.equivalent ? 'equivalent' : `DIFFERENT (${v.differences})`}; ${v.summary} |\n`);
      process.stdout.write(`| GETs during the import (${CLIENTS} clients; 3 of 4 a security policy, 1 of 4 user-info) | ${during.length} requests: p50 ${ms(q(during, 0.5))} ms, p99 ${ms(q(during, 0.99))} ms, max ${ms(Math.max(...during))} ms |\n`);
      process.stdout.write(`| the same GETs without an import (3 s) | ${quiet.length} requests: p50 ${ms(q(quiet, 0.5))} ms, p99 ${ms(q(quiet, 0.99))} ms, max ${ms(Math.max(...quiet))} ms |\n`);
      process.stdout.write(`| a second import of ${IMPORTED} (cluster bench2, ${counts.policies + 2 * IMPORTED} security policies stored) right after the first, without GETs (the worker decodes again only the objects the first wrote) | ${(second2Ms / 1000).toFixed(2)} s wall, ${((secondCpu.user + secondCpu.system) / 1e6).toFixed(2)} s CPU |\n`);
      process.stdout.write(`| peak RSS of the server process (request thread and import worker) | ${peak.toFixed(0)} MiB |\n`);
      process.stdout.write(`\nload average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
