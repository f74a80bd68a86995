// Killing `np2dfw adapter` (the real CLI, as child processes, SIGKILL) at a random point of an import, a drift
// repair and a deletion, then starting it again, ends in the same state; two replicas never both write, also when
// the leader is cut off from the Lease but keeps running. The Antrea controller is played by the harness.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../cli/run-cli.ts';
import { PASSWORD } from '../server/server-fixture.ts';
import { ANTREA, startHarness, until, type Harness } from './harness.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const FABRIC = '/api/v1/fabric/container-clusters/c1';
const WRITES = new Set(['create', 'update', 'patch', 'delete']);

/** A seeded pseudo-random source (the test must not depend on the clock for what it does). */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

describe('np2dfw adapter: kill at a random point, restart, two replicas', () => {
  let h: Harness;
  const children = new Map<string, ChildProcess>();
  const logs = new Map<string, string>();
  const random = rng(12);

  function kubeconfigFor(user: string, token: string): string {
    const path = join(h.manager.dir, `kubeconfig-${user}`);
    writeFileSync(path, `apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster:\n    server: ${h.kube.url}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: ${token}\ncontexts:\n- name: t\n  context:\n    cluster: t\n    user: u\ncurrent-context: t\n`);
    return path;
  }

  function startReplica(name: string): void {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'adapter', '--cluster', 'c1', '--server', h.manager.url, '--user', 'adapter1',
      '--kubeconfig', kubeconfigFor(name, `token-${name}`), '--listen', '127.0.0.1:0', '--lease-namespace', 'np2dfw-system', '--lease-duration', '5',
      '--identity', name, '--resync', '0.3', '--report-interval', '0.5'], { cwd: REPO_ROOT, env: { ...process.env, NP2DFW_PASSWORD: PASSWORD }, stdio: ['ignore', 'ignore', 'pipe'] });
    logs.set(name, '');
    child.stderr!.on('data', (d: Buffer) => logs.set(name, (logs.get(name) ?? '') + d.toString()));
    children.set(name, child);
  }

  function kill(name: string): Promise<void> {
    const c = children.get(name)!;
    children.delete(name);
    return new Promise((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }

  const holder = (): string | undefined => h.kube.objects.get('coordination.k8s.io/v1', 'Lease', 'np2dfw-adapter-c1', 'np2dfw-system')?.spec?.holderIdentity;
  const managedAcnps = (): Json[] => h.kube.objects.list(ANTREA, 'ClusterNetworkPolicy').filter((o) => o.metadata.labels?.['np2dfw.io/adapter-cluster'] === 'c1');
  const realization = async (): Promise<Json[]> => (await h.manager.call('GET', `${FABRIC}/realization`, { user: 'admin' })).body.results;
  const wantedNames = async (): Promise<string[]> => ((await h.manager.call('GET', `${FABRIC}/dfw`, { user: 'admin' })).body.policies as Json[]).map((p) => p.id).sort();
  /** The converged state: every DFW policy of c1 realized, nothing else managed, every policy reported realized. */
  async function converged(): Promise<boolean> {
    const want = await wantedNames();
    const have = managedAcnps().map((o) => o.metadata.name).sort();
    const states = await realization();
    return JSON.stringify(want) === JSON.stringify(have) && states.length === want.length && states.every((s) => s.state === 'realized')
      && managedAcnps().every((o) => o.status?.observedGeneration === o.metadata.generation);
  }

  before(async () => {
    h = await startHarness({ tokens: { 'token-a': 'replica-a', 'token-b': 'replica-b', 'token-c': 'replica-c', 'token-d': 'replica-d', 'token-admin': 'admin' } });
    startReplica('a');
    await until('replica a leads', () => holder() === 'a', 20_000);
    startReplica('b');
    await until('replica b is up (standing by)', () => /health and metrics on/.test(logs.get('b') ?? ''), 60_000);
    await until('inventory reported', async () => ((await h.manager.call('GET', `${FABRIC}/network-policies`, { user: 'admin' })).body.results ?? []).length === 3, 20_000);
  });
  after(async () => {
    if (process.env.NP2DFW_TEST_LOG) for (const [k, v] of logs) process.stderr.write(`--- ${k}\n${v}`);
    for (const name of [...children.keys()]) await kill(name);
    await h.close();
  });

  it('an import interrupted by killing the leader at a random point ends realized, the NetworkPolicies gone', async () => {
    const ids = h.kube.objects.list('networking.k8s.io/v1', 'NetworkPolicy', 'shop').map((o) => o.metadata.uid);
    const r = await h.manager.call('POST', '/policy/api/v1/infra/import-k8s-np-to-dfw?on_error=ABORT', { user: 'secadmin', body: { network_policy_ids: ids } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await new Promise((res) => setTimeout(res, Math.floor(random() * 800)));
    await kill(holder()!);
    startReplica('c');
    await until('converged after the kill', converged, 60_000);
    await until('imported NetworkPolicies gone', () => h.kube.objects.list('networking.k8s.io/v1', 'NetworkPolicy', 'shop').length === 0, 10_000)
      .catch(async (e: unknown) => {
        const pending = (await h.manager.call('GET', `${FABRIC}/pending-removals`, { user: 'admin' })).body;
        throw new Error(`${(e as Error).message}; pending ${JSON.stringify(pending)}; left ${h.kube.objects.list('networking.k8s.io/v1', 'NetworkPolicy', 'shop').map((o) => `${o.metadata.name} ${o.metadata.uid}`)}\n${[...logs].map(([k, v]) => `${k}: ${v}`).join('\n')}`);
      });
  });

  it('a drift repair interrupted by a kill ends reverted', async () => {
    const target = managedAcnps()[0];
    const wanted = target.spec;
    h.kube.objects.put({ ...target, spec: { ...target.spec, priority: 77 } }, 'kubectl-edit');
    await new Promise((res) => setTimeout(res, Math.floor(random() * 300)));
    const leader = holder()!;
    await kill(leader);
    await until('the other replica leads', () => holder() !== undefined && holder() !== leader, 60_000);
    startReplica(leader);
    await until('reverted after the kill', () => JSON.stringify(h.kube.objects.get(ANTREA, 'ClusterNetworkPolicy', target.metadata.name)?.spec) === JSON.stringify(wanted), 60_000);
    await until('converged', converged, 60_000);
  });

  it('a deletion in the manager interrupted by a kill ends with the policy gone', async () => {
    const id = (await wantedNames())[0];
    const r = await h.manager.call('DELETE', `/policy/api/v1/infra/domains/default/security-policies/${id}`, { user: 'secadmin' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await new Promise((res) => setTimeout(res, Math.floor(random() * 300)));
    const leader = holder()!;
    await kill(leader);
    startReplica(leader);
    await until('deleted after the kill', () => !managedAcnps().some((o) => o.metadata.name === id), 60_000);
    await until('converged', converged, 60_000);
  });

  it('a leader cut off from its Lease stops writing before another replica starts', async () => {
    const leader = holder()!;
    // The API server refuses the leader's Lease requests from now on (a partition between it and the Lease).
    h.kube.failNext((q) => q.user === `replica-${leader}` && q.resource === 'leases', 503, 1_000_000);
    await until('another replica leads', () => holder() !== undefined && holder() !== leader, 60_000);
    const taken = h.kube.requests.findIndex((q) => q.resource === 'leases' && q.verb === 'update' && q.code === 200 && q.user !== `replica-${leader}` && q.user !== 'admin'
      && h.kube.requests.indexOf(q) > 0);
    // Drift after the takeover: only the new leader repairs it.
    const target = managedAcnps()[0];
    h.kube.objects.put({ ...target, spec: { ...target.spec, priority: 55 } }, 'kubectl-edit');
    await until('repaired by the new leader', () => h.kube.objects.get(ANTREA, 'ClusterNetworkPolicy', target.metadata.name)?.spec.priority !== 55, 60_000);
    assert.ok(taken >= 0);
  });

  it('a clean shutdown (SIGTERM) gives the Lease up: another replica leads at once, the state stays', async () => {
    startReplica('d'); // the replica cut off in the previous test cannot take the Lease: a fresh standby
    await until('replica d is up', () => /health and metrics on/.test(logs.get('d') ?? ''), 60_000);
    const leader = holder()!;
    const child = children.get(leader)!;
    children.delete(leader);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = performance.now();
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    await until('another replica leads', () => holder() !== undefined && holder() !== leader, 20_000);
    assert.ok(performance.now() - started < 20_000);
    assert.match(logs.get(leader) ?? '', /stopping \(giving up the Lease\)/);
    await until('converged', converged, 60_000);
  });

  it('over the whole test, two replicas never both wrote: each change of writer follows a Lease takeover by the new one', () => {
    const log = h.kube.requests;
    const writes = log.map((q, i) => ({ q, i })).filter(({ q }) => q.user.startsWith('replica-') && WRITES.has(q.verb) && q.resource !== 'leases');
    assert.ok(writes.length > 10);
    const acquired = (user: string, from: number, to: number): boolean =>
      log.slice(from, to).some((q) => q.user === user && q.resource === 'leases' && (q.verb === 'update' || q.verb === 'create') && q.code < 300);
    for (let k = 1; k < writes.length; k++) {
      const prev = writes[k - 1];
      const cur = writes[k];
      if (prev.q.user !== cur.q.user) {
        assert.ok(acquired(cur.q.user, prev.i, cur.i), `${cur.q.user} wrote (${cur.q.verb} ${cur.q.resource}) after ${prev.q.user} without taking the Lease in between`);
      }
    }
    // The replica cut off in the last test wrote nothing after the other one took the Lease.
    const lastTakeover = log.map((q, i) => ({ q, i })).filter(({ q }) => q.resource === 'leases' && q.verb === 'update' && q.code < 300 && q.user.startsWith('replica-'));
    const final = lastTakeover[lastTakeover.length - 1];
    assert.ok(!writes.some(({ q, i }) => i > final.i && q.user !== final.q.user), 'a replica without the Lease wrote');
  });
});
