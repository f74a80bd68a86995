/**
 * `np2dfw adapter`: seed 001's Antrea NSX adapter for one cluster, with np2dfw serve (or NSX) as its manager.
 * Everything runs from the cluster and the manager, with no state of its own: each start lists everything and
 * reconciles everything, so killing it at any moment is safe. Only the replica holding the Lease writes (to the
 * cluster and to the manager); every replica serves /healthz, /readyz and /metrics.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import type { NsxClient } from '../client/nsx-client.ts';
import { antreaHealth, antreaStatistics, runTraceflow, type TraceflowRequest } from './antrea-reports.ts';
import { Backoff, sleep } from './backoff.ts';
import { Informer, type ResourceRef } from './informer.ts';
import { InventoryReporter } from './inventory.ts';
import { at, type KubeObject, messageOf } from './kube-object.ts';
import { LeaderElector } from './leader-election.ts';
import { ManagerApi, type ComponentHealth } from './manager-api.ts';
import { Metrics } from './metrics.ts';
import { ADAPTER_LABEL, ANTREA_KINDS, NotLeaderError, Realizer } from './realizer.ts';
import { readServedSchemas } from './served-schemas.ts';

export interface AdapterOptions {
  readonly cluster: string;
  readonly manager: NsxClient;
  /** A kubeconfig file; without one, the in-cluster configuration (or the default kubeconfig outside a pod). */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Where /healthz, /readyz and /metrics listen (host:port; default 0.0.0.0:8080; port 0 picks one). */
  readonly listen?: string;
  /** This replica's identity in the Lease (default: the pod's host name and pid). */
  readonly identity?: string;
  readonly leaseNamespace?: string;
  readonly leaseName?: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  /** How often the manager's policies are read again even without a change in the cluster (default 10 s). */
  readonly resyncMs?: number;
  /** Health and statistics report interval (default 30 s). */
  readonly reportMs?: number;
  /** Inventory batch interval (default 250 ms). */
  readonly batchMs?: number;
  readonly fieldManager?: string;
  readonly log?: (line: string) => void;
}

export interface RunningAdapter {
  /** The health server's URL (http://host:port). */
  readonly url: string;
  readonly metrics: Metrics;
  isLeader(): boolean;
  /** Resolves after the first complete reconcile as leader (tests). */
  readonly realizer: Realizer;
  stop(): Promise<void>;
}

const INVENTORY_KINDS: readonly ResourceRef[] = [
  { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces' },
  { apiVersion: 'v1', kind: 'Pod', plural: 'pods' },
  { apiVersion: 'v1', kind: 'Node', plural: 'nodes' },
  { apiVersion: 'v1', kind: 'Service', plural: 'services' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', plural: 'networkpolicies' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', plural: 'ingresses' },
];

export function loadKubeConfig(path: string | undefined, context: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else kc.loadFromDefault();
  if (context) {
    if (!kc.getContextObject(context)) throw new Error(`--context ${context}: no such context in the kubeconfig`);
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) throw new Error('the kubeconfig names no cluster (give --kubeconfig, or run in a pod)');
  return kc;
}

function parseListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  const port = Number(listen.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--listen ${listen}: expected host:port`);
  return { host: listen.slice(0, i) || '0.0.0.0', port };
}

export async function startAdapter(options: AdapterOptions): Promise<RunningAdapter> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${new Date().toISOString()} np2dfw adapter: ${line}\n`));
  const kc = loadKubeConfig(options.kubeconfig, options.context);
  const manager = new ManagerApi(options.manager, options.cluster);
  const metrics = new Metrics();
  const stop = new AbortController();
  const fieldManager = options.fieldManager ?? 'np2dfw-adapter';
  let leader = false;
  let reconciled = false;

  const wake = { fn: () => {} };
  const requestReconcile = (): void => wake.fn();
  const informers = new Map<string, Informer>();
  let inventory: InventoryReporter | undefined;
  const restarts = (kind: string) => (reason: string, error?: unknown) => {
    metrics.inc('np2dfw_adapter_watch_restarts_total', 'Watch restarts by resource and reason', { resource: kind, reason });
    if (reason === 'error') {
      metrics.inc('np2dfw_adapter_errors_total', 'Errors by component', { component: 'watch' });
      log(`watch of ${kind} failed (${messageOf(error)}); retrying with backoff`);
    }
  };
  for (const r of INVENTORY_KINDS) {
    informers.set(r.kind, new Informer(kc, r, {
      onList: () => {
        inventory?.relisted();
        if (r.kind === 'NetworkPolicy') requestReconcile();
      },
      onEvent: (type, o) => {
        if (leader) inventory?.changed(type, o);
        metrics.set('np2dfw_adapter_queue_depth', 'Inventory changes waiting to be reported', inventory?.queueDepth ?? 0);
      },
      onRestart: restarts(r.kind),
    }, { backoff: new Backoff() }));
  }
  for (const k of ANTREA_KINDS) {
    informers.set(k.kind, new Informer(kc, k, {
      onList: requestReconcile,
      onEvent: requestReconcile,
      onRestart: restarts(k.kind),
    }, { labelSelector: `${ADAPTER_LABEL}=${options.cluster}`, backoff: new Backoff() }));
  }
  const inv = (kind: string): Informer => informers.get(kind)!;
  inventory = new InventoryReporter(manager, () => {
    if (!leader || !INVENTORY_KINDS.every((r) => inv(r.kind).synced)) return undefined;
    return INVENTORY_KINDS.flatMap((r) => inv(r.kind).list());
  }, options.batchMs ?? 250, (e) => {
    metrics.inc('np2dfw_adapter_errors_total', 'Errors by component', { component: 'inventory' });
    log(`inventory report failed: ${messageOf(e)}; retrying`);
  });

  let schemas: Map<string, Record<string, unknown>> | undefined;
  let schemasReadAt = 0;
  const elector = new LeaderElector(kc, {
    namespace: options.leaseNamespace ?? 'kube-system',
    name: options.leaseName ?? `np2dfw-adapter-${options.cluster}`,
    identity: options.identity ?? `${hostname()}-${process.pid}`,
    ...(options.leaseDurationMs ? { leaseDurationMs: options.leaseDurationMs } : {}),
    ...(options.renewDeadlineMs ? { renewDeadlineMs: options.renewDeadlineMs } : {}),
    ...(options.retryPeriodMs ? { retryPeriodMs: options.retryPeriodMs } : {}),
    onStartedLeading: () => {
      leader = true;
      log('leading: reconciling everything');
      metrics.set('np2dfw_adapter_leader', 'Whether this replica holds the Lease', 1);
      inventory?.relisted();
      requestReconcile();
    },
    onStoppedLeading: () => {
      leader = false;
      reconciled = false;
      log('no longer leading: not writing');
      metrics.set('np2dfw_adapter_leader', 'Whether this replica holds the Lease', 0);
    },
    onError: (e) => log(`lease: ${messageOf(e)}`),
  });
  const canWrite = (): boolean => leader && elector.isLeader() && !stop.signal.aborted;

  const realizer = new Realizer({
    kc, manager, cluster: options.cluster, fieldManager,
    informers: { Tier: inv('Tier'), ClusterGroup: inv('ClusterGroup'), ClusterNetworkPolicy: inv('ClusterNetworkPolicy'), NetworkPolicy: inv('NetworkPolicy') },
    // The served schemas are read again every minute (and after any error): an Antrea upgrade changes them.
    schemas: async () => {
      if (!schemas || performance.now() - schemasReadAt > 60_000) {
        schemas = await readServedSchemas(kc, ANTREA_KINDS, 'crd.antrea.io', 'v1beta1');
        schemasReadAt = performance.now();
      }
      return schemas;
    },
    canWrite,
    log,
    onWrite: (verb, kind) => metrics.inc('np2dfw_adapter_writes_total', 'Writes to the API server by verb and kind', { verb, kind }),
  });

  // The reconcile loop: on a change in the cluster, on the resync timer, and after errors with backoff.
  const reconcileLoop = async (): Promise<void> => {
    const backoff = new Backoff(200, 30_000);
    let registered = false;
    while (!stop.signal.aborted) {
      const woken = new Promise<void>((resolve) => { wake.fn = resolve; });
      if (canWrite() && ['Tier', 'ClusterGroup', 'ClusterNetworkPolicy', 'NetworkPolicy'].every((k) => inv(k).synced)) {
        const started = performance.now();
        try {
          if (!registered) {
            await manager.register();
            registered = true;
          }
          await realizer.reconcile();
          reconciled = true;
          backoff.reset();
          metrics.observe('np2dfw_adapter_reconcile_duration_seconds', 'Duration of full reconciles', (performance.now() - started) / 1000);
          metrics.set('np2dfw_adapter_objects_realized', 'Security policies realized in the cluster', [...realizer.states.values()].filter((s) => s.state === 'REALIZED').length);
          metrics.set('np2dfw_adapter_policies_in_error', 'Security policies that could not be realized', [...realizer.states.values()].filter((s) => s.state === 'ERROR').length);
        } catch (e) {
          if (!(e instanceof NotLeaderError)) {
            metrics.inc('np2dfw_adapter_errors_total', 'Errors by component', { component: 'reconcile' });
            log(`reconcile failed: ${messageOf(e)}; retrying with backoff`);
            schemas = undefined;
            await sleep(backoff.next(), stop.signal);
            continue;
          }
        }
      }
      const timer = sleep(options.resyncMs ?? 10_000, stop.signal);
      await Promise.race([woken.then(() => sleep(50, stop.signal)), timer]);
    }
  };

  // Health, statistics and traceflows, at an interval (leader only).
  const reportLoop = async (): Promise<void> => {
    const every = options.reportMs ?? 30_000;
    while (!stop.signal.aborted) {
      if (canWrite() && reconciled) {
        try {
          const own: ComponentHealth = {
            name: 'np2dfw-adapter',
            status: inventory?.lastError ? 'DEGRADED' : 'HEALTHY',
            message: `leader; ${[...realizer.states.values()].filter((s) => s.state === 'REALIZED').length} policies realized, ${[...realizer.states.values()].filter((s) => s.state === 'ERROR').length} in error${inventory?.lastError ? `; inventory: ${inventory.lastError}` : ''}`,
          };
          const antrea = await antreaHealth(kc);
          const worst = [own, ...antrea].some((c) => c.status === 'DOWN') ? 'DOWN' : [own, ...antrea].some((c) => c.status !== 'HEALTHY') ? 'DEGRADED' : 'HEALTHY';
          await manager.health(worst, [own, ...antrea]);
          await reportStatistics();
          await runTraceflows();
        } catch (e) {
          metrics.inc('np2dfw_adapter_errors_total', 'Errors by component', { component: 'report' });
          log(`report failed: ${messageOf(e)}`);
        }
      }
      await sleep(every, stop.signal);
    }
  };

  const reportStatistics = async (): Promise<void> => {
    // An ACNP rule is named after its DFW rule: `<id>`, `<id>-in`/`<id>-out` for IN_OUT, `-2`... when names repeat.
    const byObject = new Map<string, { policyId: string; ruleOf: (n: string) => string | undefined }>();
    for (const [name, p] of realizer.realized) {
      byObject.set(name, {
        policyId: p.policyId,
        ruleOf: (n) => {
          for (const a of [n, n.replace(/-\d+$/, '')]) for (const b of [a, a.replace(/-(in|out)$/, '')]) if (p.ruleIds.has(b)) return b;
          return undefined;
        },
      });
    }
    let stats;
    try {
      stats = await antreaStatistics(kc, byObject);
    } catch (e) {
      log(`statistics: cannot read stats.crd.antrea.io (${messageOf(e)})`);
      return;
    }
    if (stats.length) await manager.statistics(stats);
  };

  let traceflowCount = 0;
  const runTraceflows = async (): Promise<void> => {
    const pending = at(await manager.pendingTraceflows(), 'results');
    for (const p of Array.isArray(pending) ? pending : []) {
      const req = traceflowRequestOf(p);
      if (!req) continue;
      let result;
      try {
        result = await runTraceflow(kc, req, `np2dfw-${options.cluster}-${req.id}-${traceflowCount++}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63).replace(/-+$/, ''), 10_000, stop.signal);
      } catch (e) {
        result = { phase: 'Failed', verdict: 'unknown', observations: [], message: `the API server refused the Traceflow: ${messageOf(e)}` };
      }
      await manager.traceflowResult(req.id, result);
    }
  };

  // /healthz, /readyz, /metrics
  const { host, port } = parseListen(options.listen ?? '0.0.0.0:8080');
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const synced = [...informers.values()].every((i) => i.synced);
      const ready = synced && (!leader || reconciled);
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? `ready (${leader ? 'leader' : 'standby'})\n` : `not ready: ${synced ? 'first reconcile not done' : 'informers listing'}\n`);
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.text());
    } else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const addr = server.address() as AddressInfo;

  for (const i of informers.values()) i.start();
  elector.start();
  const loops = [reconcileLoop(), reportLoop()];

  return {
    url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`,
    metrics,
    realizer,
    isLeader: () => leader,
    async stop() {
      stop.abort();
      wake.fn();
      inventory?.stop();
      await Promise.all(loops);
      await Promise.all([...informers.values()].map((i) => i.stop()));
      await elector.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function traceflowRequestOf(v: unknown): TraceflowRequest | undefined {
  const id = at(v, 'id');
  const sns = at(v, 'source', 'namespace');
  const spod = at(v, 'source', 'pod');
  const protocol = at(v, 'protocol');
  const port = at(v, 'port');
  if (typeof id !== 'string' || typeof sns !== 'string' || typeof spod !== 'string') return undefined;
  if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'ICMP') return undefined;
  const dip = at(v, 'destination', 'ip');
  const dns = at(v, 'destination', 'namespace');
  const dpod = at(v, 'destination', 'pod');
  const destination = typeof dip === 'string' ? { ip: dip } : typeof dns === 'string' && typeof dpod === 'string' ? { namespace: dns, pod: dpod } : undefined;
  if (!destination) return undefined;
  return { id, source: { namespace: sns, pod: spod }, destination, protocol, ...(typeof port === 'number' ? { port } : {}) };
}

export type { KubeObject };
