// The web console with 10,000 security policies and 10,000 pods: how long until the firewall page shows its first
// rows, until the last row shows after End, until a server-side filter answers, and until the reachability heatmap
// and a group's members show. Debian's chromium (headless) drives the real console against a real server.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/server/start-server.ts';
import { launchBrowser } from '../test/console/console-fixture.ts';
import { apiClient } from './api-client.ts';
import { measureAsync } from './measure.ts';

const NAMESPACES = 100;
const PODS_PER_NAMESPACE = 100;
const POLICIES_PER_NAMESPACE = 50;
const ROUNDS = 7;
const PASSWORD = 'Bench-Password-123';

const uidOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const dir = mkdtempSync(join(tmpdir(), 'np2dfw-bench-console-'));
const server = await startServer({ db: join(dir, 'bench.db'), host: '127.0.0.1', port: 0, adminPassword: PASSWORD });
const call = apiClient(server.url, 'admin', PASSWORD);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const browser = await launchBrowser();
try {
  const objects: unknown[] = [];
  const ids: string[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `ns${n}`;
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: `t${n % 10}` } } });
    for (let p = 0; p < PODS_PER_NAMESPACE; p++) {
      objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name: `pod${p}`, labels: { app: `a${p % 10}` } },
        spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running', podIP: `10.${n}.${p >> 8}.${(p & 255) + 1}` } });
    }
    for (let j = 0; j < POLICIES_PER_NAMESPACE; j++) {
      const uid = uidOf(n * 1000 + j);
      ids.push(uid);
      objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name: `np${j}`, uid },
        spec: {
          podSelector: { matchLabels: { app: `a${j % 10}` } }, policyTypes: ['Ingress'],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: `t${j % 10}` } }, podSelector: { matchLabels: { app: `a${(j + 1) % 10}` } } }], ports: [{ protocol: 'TCP', port: 8000 + (j % 20) }] }],
        } });
    }
  }
  process.stdout.write(`cluster: ${NAMESPACES} namespaces, ${NAMESPACES * PODS_PER_NAMESPACE} pods, ${ids.length} NetworkPolicies\n\n| step | time | memory |\n| --- | --- | --- |\n`);
  await call('PUT', '/api/v1/fabric/container-clusters/big');
  await measureAsync('setup: report the inventory', () => call('PUT', '/api/v1/fabric/container-clusters/big/inventory', { objects }));
  const imported = await measureAsync(`setup: import ${ids.length} NetworkPolicies (one request)`, () => call('POST', '/policy/api/v1/infra/import-k8s-np-to-dfw?on_error=ABORT', { network_policy_ids: ids }));
  const stored = (await call('GET', '/policy/api/v1/infra/domains/default/security-policies?page_size=1')).result_count;
  if (imported.result.success_count !== ids.length || stored < 10_000) throw new Error(`expected 10,000 security policies, have ${stored}`);
  process.stdout.write(`\n${stored} security policies stored.\n\n`);

  const { page } = browser;
  await page.goto(`${server.url}/#/login`);
  await page.getByLabel('User').fill('admin');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Clusters and inventory' }).waitFor();

  /** In the page: the browser's clock once `selector` is in the document, else 0 (polled every animation frame). */
  const shownAt = (selector: string) => ((globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(selector) ? performance.now() : 0);
  /**
   * Loads a console page from scratch (a new document) and returns the time from the navigation's start to the
   * first animation frame in which `ready` is in the page (the browser's own clock, performance.now()).
   */
  const timeTo = async (hash: string, ready: string) => {
    await page.goto('about:blank');
    await page.goto(`${server.url}/${hash}`, { waitUntil: 'commit' });
    const at = await page.waitForFunction(shownAt, ready, { polling: 'raf', timeout: 120_000 });
    return Number(await at.jsonValue());
  };
  /** Times `act` (in the page already shown) until `ready` is in the page, on the browser's clock. */
  const timeAction = async (act: () => Promise<void>, ready: string) => {
    const t0 = await page.evaluate(() => performance.now());
    await act();
    const at = await page.waitForFunction(shownAt, ready, { polling: 'raf', timeout: 120_000 });
    return Number(await at.jsonValue()) - t0;
  };
  const rounds = async (label: string, fn: () => Promise<number>) => {
    const xs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) xs.push(await fn());
    process.stdout.write(`| ${label} | median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}; ${ROUNDS} runs) |\n`);
  };
  process.stdout.write(`load average before the browser runs: ${loadavg().map((x) => x.toFixed(1)).join(', ')} (${cpus().length} CPUs)\n\n`);
  process.stdout.write('| in the browser (from the navigation\'s start, browser clock) | time |\n| --- | --- |\n');
  await rounds('firewall page: first rows shown', () => timeTo('#/firewall', 'table.vt tr.vt-row[aria-rowindex="2"] td:nth-child(2) span'));
  {
    // where the first rows' time goes, on the last run: the document, the scripts, the table's first request
    const t = await page.evaluate(() => {
      const entries = (performance as unknown as { getEntriesByType(t: string): { name: string; startTime: number; requestStart: number; responseStart: number; responseEnd: number }[] });
      const nav = entries.getEntriesByType('navigation')[0];
      const res = entries.getEntriesByType('resource');
      const table = res.find((r) => r.name.includes('/api/v1/console/security-policies'))!;
      const scripts = res.filter((r) => r.name.includes('/console/js/'));
      return {
        document: nav.responseEnd, scriptsDone: Math.max(...scripts.map((r) => r.responseEnd)),
        tableStart: table.startTime, tableServer: table.responseStart - table.requestStart, tableEnd: table.responseEnd,
      };
    });
    process.stdout.write(`| (last run: document received at ${t.document.toFixed(0)} ms, scripts at ${t.scriptsDone.toFixed(0)} ms; the first page of the table requested at ${t.tableStart.toFixed(0)} ms, `
      + `answered in ${t.tableServer.toFixed(0)} ms by the server, received at ${t.tableEnd.toFixed(0)} ms) | |\n`);
  }
  await rounds('firewall page: End key, last row shown', async () => {
    await timeTo('#/firewall', 'table.vt tr.vt-row[aria-rowindex="2"] td:nth-child(2) span');
    await page.locator('.vt-scroll').focus();
    return timeAction(() => page.keyboard.press('End'), `table.vt tr.vt-row[aria-rowindex="${stored + 1}"] td:nth-child(2) span`);
  });
  await rounds('firewall page: filter by namespace (server, after the 250 ms typing pause), rows shown', async () => {
    await timeTo('#/firewall', 'table.vt tr.vt-row[aria-rowindex="2"] td:nth-child(2) span');
    return timeAction(() => page.getByLabel('Namespace').fill('ns42'), `table.vt[aria-rowcount="${POLICIES_PER_NAMESPACE * 2 + 1}"] tr.vt-row[aria-rowindex="2"] td:nth-child(2) span`);
  });
  await rounds('reachability: namespace heatmap shown (first run computes, later ones are cached)', () => timeTo('#/reachability?cluster=big&port=8001', 'table.heatmap td.cell a'));
  await rounds('reachability: pods of one namespace pair shown', () => timeTo('#/reachability?cluster=big&port=8001&src=ns1&dst=ns2', 'table.heatmap td.cell a'));
  const group = (await call('GET', '/api/v1/console/groups?namespace=ns7&limit=1')).results[0].id;
  await rounds('groups: a group\'s members shown', () => timeTo(`#/groups?id=${encodeURIComponent(group)}`, 'section.detail table.vt tr.vt-row td'));
  process.stdout.write(`\nload average after: ${loadavg().map((x) => x.toFixed(1)).join(', ')}\n`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
