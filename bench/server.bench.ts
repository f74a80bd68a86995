// The management-plane server: one import of 5000 NetworkPolicies through the import API (NSX's limit per
// request), and GET latency with 10k security policies stored. Real HTTP on 127.0.0.1 against a SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServer } from '../src/server/start-server.ts';
import { verifyClusters } from '../src/server/import/verify-clusters.ts';
import { inTransaction, openDatabase } from '../src/server/db/database.ts';
import { ServerContext } from '../src/server/server-context.ts';
import { checkInventoryObjects } from '../src/server/store/inventory-store.ts';
import { planImport } from '../src/server/import/import-plan.ts';
import { apiClient } from './api-client.ts';
import { measureAsync, measure } from './measure.ts';

const NAMESPACES = 100;
const PER_NAMESPACE = 50;
const PODS_PER_NAMESPACE = 4;
const GETS = 2000;
const PASSWORD = 'bench-password-123';

function uidOf(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

const dir = mkdtempSync(join(tmpdir(), 'np2dfw-bench-'));
const server = await startServer({ db: join(dir, 'bench.db'), host: '127.0.0.1', port: 0, adminPassword: PASSWORD });
const call = apiClient(server.url, 'admin', PASSWORD);

try {
  const objects: unknown[] = [];
  const ids: string[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `ns${n}`;
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: `t${n % 10}` } } });
    for (let p = 0; p < PODS_PER_NAMESPACE; p++) {
      objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name: `pod${p}`, labels: { app: `a${p}` } },
        spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running', podIP: `10.${n >> 8}.${n & 255}.${p + 1}` } });
    }
    for (let j = 0; j < PER_NAMESPACE; j++) {
      const uid = uidOf(n * 1000 + j);
      ids.push(uid);
      objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name: `np${j}`, uid },
        spec: {
          podSelector: { matchLabels: { app: `a${j % PODS_PER_NAMESPACE}` } }, policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ podSelector: { matchLabels: { app: `a${(j + 1) % PODS_PER_NAMESPACE}` } } }, { namespaceSelector: { matchLabels: { team: `t${j % 10}` } } }], ports: [{ protocol: 'TCP', port: 8000 + (j % 20) }] }],
          egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.1.0/24'] } }], ports: [{ protocol: 'UDP', port: 53 }] }],
        } });
    }
  }
  process.stdout.write(`cluster: ${NAMESPACES} namespaces, ${NAMESPACES * PODS_PER_NAMESPACE} pods, ${ids.length} NetworkPolicies\n\n| step | time | memory |\n| --- | --- | --- |\n`);
  // the same import in process on a second database, cold, phase by phase (no HTTP)
  {
    const db = openDatabase(join(dir, 'phases.db'));
    const ctx = new ServerContext(db);
    ctx.inventory.register('bench', 'bench');
    inTransaction(db, () => ctx.inventory.replace('bench', checkInventoryObjects('bench', objects)));
    measure('in process: the import plan (convert, verify)', () => planImport(ctx, { network_policy_ids: ids }, { onError: 'ABORT' }));
    measure('in process: reading the stored DFW back', () => ctx.policies.decodedConfig());
    measure('in process: the verification (reads the DFW back too)', () => verifyClusters(ctx, ['bench']));
    db.close();
  }
  await call('PUT', '/api/v1/fabric/container-clusters/bench');
  await measureAsync('inventory snapshot (PUT, 5400 objects)', () => call('PUT', '/api/v1/fabric/container-clusters/bench/inventory', { objects }));
  const { result } = await measureAsync(`import of ${ids.length} policies (POST import-k8s-np-to-dfw, with verification)`,
    () => call('POST', '/policy/api/v1/infra/import-k8s-np-to-dfw?on_error=ABORT', { network_policy_ids: ids }));
  if (result.success_count !== ids.length) throw new Error(`imported ${result.success_count} of ${ids.length}: ${JSON.stringify(result.errors.slice(0, 2))}`);
  const v = result.verification[0];
  process.stdout.write(`| (verification in the answer: ${v.equivalent ? 'equivalent' : `DIFFERENT, ${v.differences}`}; ${v.summary}) | | |\n`);
  measure('verification again, warm (in process)', () => verifyClusters(server.context, ['bench']));
  const counts = server.context.policies.counts();
  process.stdout.write(`\nstored: ${counts.policies} security policies, ${counts.rules} rules, ${counts.groups} groups\n\n`);

  const policyIds = ids.flatMap((u) => [`${u}-allow`, `${u}-drop`]);
  await call('GET', `/policy/api/v1/infra/domains/default/security-policies/${policyIds[0]}`); // warm the credential cache
  const latencies: number[] = [];
  for (let i = 0; i < GETS; i++) {
    const id = policyIds[(i * 7919) % policyIds.length];
    const t0 = performance.now();
    await call('GET', `/policy/api/v1/infra/domains/default/security-policies/${id}`);
    latencies.push(performance.now() - t0);
  }
  const pages: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await call('GET', '/policy/api/v1/infra/domains/default/security-policies?page_size=1000');
    pages.push(performance.now() - t0);
  }
  const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
  process.stdout.write(`| GET one security policy with rules (${GETS} requests, sequential) | p50 ${q(latencies, 0.5).toFixed(2)} ms, p99 ${q(latencies, 0.99).toFixed(2)} ms | |\n`);
  process.stdout.write(`| GET a page of 1000 security policies (20 requests) | p50 ${q(pages, 0.5).toFixed(1)} ms, p99 ${q(pages, 0.99).toFixed(1)} ms | |\n`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
