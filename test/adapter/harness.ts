// What the adapter's end-to-end tests run against: the local Kubernetes API server (test/kube-apiserver) with
// Antrea's CRDs, a real `np2dfw serve` (test/server fixture), and a small loop that PLAYS THE ANTREA CONTROLLER:
// it marks every ClusterNetworkPolicy Realized for its current generation (as Antrea's status manager does), and
// publishes AntreaControllerInfo/AntreaAgentInfo. Nothing here replaces @kubernetes/client-node or the manager.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startAdapter, type RunningAdapter } from '../../src/adapter/adapter.ts';
import { runNp2dfw, type CliRun } from '../cli/run-cli.ts';
import { NsxClient } from '../../src/client/nsx-client.ts';
import { startKubeApiServer, type KubeApiServer, type KubeApiServerOptions } from '../kube-apiserver/kube-apiserver.ts';
import { namespace, PASSWORD, pod, startFixture, type Fixture } from '../server/server-fixture.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

export const ANTREA = 'crd.antrea.io/v1beta1';

export interface Harness {
  readonly kube: KubeApiServer;
  readonly manager: Fixture;
  /** Names of ClusterNetworkPolicies in the order they first appeared, and NetworkPolicies in the order they went. */
  readonly appeared: string[];
  startAdapter(extra?: Partial<Parameters<typeof startAdapter>[0]>): Promise<RunningAdapter>;
  close(): Promise<void>;
}

/** Polls until `cond` holds (or fails with `what` after `ms`). */
export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = performance.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (performance.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function networkPolicy(ns: string, name: string, spec: Json): Json {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name }, spec };
}

/** The test cluster: two namespaces, four pods, three NetworkPolicies. */
export function seedCluster(kube: KubeApiServer): void {
  kube.objects.put(namespace('shop', { team: 'shop' }));
  kube.objects.put(namespace('ops', { team: 'ops' }));
  kube.objects.put(pod('shop', 'web', '10.0.0.10', { app: 'web' }));
  kube.objects.put(pod('shop', 'api', '10.0.0.11', { app: 'api' }));
  kube.objects.put(pod('shop', 'db', '10.0.0.12', { app: 'db' }));
  kube.objects.put(pod('ops', 'probe', '10.0.1.10', { app: 'probe' }));
  kube.objects.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: '192.168.0.1' }] } });
  kube.objects.put({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'shop', name: 'api' }, spec: { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] } });
  kube.objects.put({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { namespace: 'shop', name: 'web' }, spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } }] } }] } });
  kube.objects.put(networkPolicy('shop', 'api-from-web', {
    podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
  }));
  kube.objects.put(networkPolicy('shop', 'db-from-api', {
    podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.1.0/24'] } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
  }));
  kube.objects.put(networkPolicy('ops', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
}

export async function startHarness(kubeOptions: KubeApiServerOptions = {}): Promise<Harness> {
  const kube = await startKubeApiServer({ antreaCrds: 'current', antreaStats: true, bookmarkIntervalMs: 200, namespaces: ['default', 'kube-system', 'np2dfw-system'], ...kubeOptions });
  const manager = await startFixture();
  seedCluster(kube);
  const appeared: string[] = [];
  // Playing the Antrea controller: realize each ACNP's current generation; report controller and agent health.
  kube.objects.put({ apiVersion: ANTREA, kind: 'AntreaControllerInfo', metadata: { name: 'antrea-controller' }, version: 'v2.1.0', connectedAgentNum: 1, controllerConditions: [{ type: 'ControllerHealthy', status: 'True' }], nodeRef: { name: 'node-1' } });
  kube.objects.put({ apiVersion: ANTREA, kind: 'AntreaAgentInfo', metadata: { name: 'node-1' }, version: 'v2.1.0', agentConditions: [{ type: 'AgentHealthy', status: 'True' }], nodeRef: { name: 'node-1' } });
  let playing = true;
  const antrea = (async () => {
    while (playing) {
      for (const o of kube.objects.list(ANTREA, 'ClusterNetworkPolicy')) {
        if (!appeared.includes(o.metadata.name)) appeared.push(o.metadata.name);
        const gen = o.metadata.generation;
        if (o.status?.observedGeneration !== gen) {
          kube.objects.put({ ...o, status: { phase: 'Realized', observedGeneration: gen, currentNodesRealized: 1, desiredNodesRealized: 1 } }, 'antrea-controller');
        }
      }
      await new Promise((r) => setTimeout(r, 40));
    }
  })();
  const running: RunningAdapter[] = [];
  return {
    kube, manager, appeared,
    async startAdapter(extra = {}) {
      const a = await startAdapter({
        cluster: 'c1',
        manager: new NsxClient({ server: manager.url, credentials: { kind: 'basic', user: 'adapter1', password: PASSWORD } }),
        kubeconfig: kube.kubeconfigPath, listen: '127.0.0.1:0', leaseNamespace: 'np2dfw-system', resyncMs: 300, reportMs: 300, batchMs: 50,
        leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 300,
        log: process.env.NP2DFW_TEST_LOG ? (l: string) => process.stderr.write(`adapter: ${l}\n`) : () => {},
        ...extra,
      });
      running.push(a);
      return a;
    },
    async close() {
      playing = false;
      await antrea;
      await Promise.all(running.map((a) => a.stop().catch(() => {})));
      await kube.close();
      await manager.close();
    },
  };
}

/** `kubectl get <kinds> -A -o yaml`: one List, each item with apiVersion and kind, read over HTTP. */
export async function kubectlGetYaml(kube: KubeApiServer, kinds: readonly { path: string; apiVersion: string; kind: string }[]): Promise<string> {
  const items: Json[] = [];
  for (const k of kinds) {
    const res = await fetch(`${kube.url}${k.path}`, { headers: { authorization: `Bearer ${kube.token}` } });
    const list = await res.json() as Json;
    for (const i of list.items) items.push({ apiVersion: k.apiVersion, kind: k.kind, ...i });
  }
  return stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } });
}

export const CORE_LIST_KINDS = [
  { path: '/api/v1/namespaces', apiVersion: 'v1', kind: 'Namespace' },
  { path: '/api/v1/pods', apiVersion: 'v1', kind: 'Pod' },
  { path: '/apis/networking.k8s.io/v1/networkpolicies', apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
] as const;
export const ANTREA_LIST_KINDS = [
  { path: '/apis/crd.antrea.io/v1beta1/tiers', apiVersion: ANTREA, kind: 'Tier' },
  { path: '/apis/crd.antrea.io/v1beta1/clustergroups', apiVersion: ANTREA, kind: 'ClusterGroup' },
  { path: '/apis/crd.antrea.io/v1beta1/clusternetworkpolicies', apiVersion: ANTREA, kind: 'ClusterNetworkPolicy' },
] as const;

/**
 * The acceptance check with the real CLI: the original cluster (Namespaces, Pods, NetworkPolicies) and the
 * snapshot of the cluster now (`kubectl get -o yaml` of the NetworkPolicies left and the Antrea objects, one List) written to
 * temporary files, then `np2dfw verify --target antrea --against SNAPSHOT -f ORIGINAL`.
 */
export function verifySnapshotWithCli(original: string, snapshot: string, extra: readonly string[] = []): CliRun {
  const dir = mkdtempSync(join(tmpdir(), 'np2dfw-adapter-snapshot-'));
  try {
    const originalFile = join(dir, 'original.yaml');
    const snapshotFile = join(dir, 'snapshot.yaml');
    writeFileSync(originalFile, original);
    writeFileSync(snapshotFile, snapshot);
    return runNp2dfw(['verify', '--target', 'antrea', '--against', snapshotFile, '-f', originalFile, ...extra]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
