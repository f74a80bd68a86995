import type { Command } from 'commander';
import { startAdapter } from '../../adapter/adapter.ts';
import { addClientOptions, clientFromOptions, type ClientOptions } from '../../client/client-options.ts';
import { usageError } from '../cli-error.ts';

interface AdapterCliOptions extends ClientOptions {
  cluster?: string;
  kubeconfig?: string;
  context?: string;
  listen: string;
  leaseNamespace: string;
  resync: string;
  reportInterval: string;
  leaseDuration: string;
  identity?: string;
}

function seconds(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw usageError(`${flag} ${value}: expected a positive number of seconds`);
  return n * 1000;
}

/** client-go's proportions: renew deadline two thirds of the lease, retry every fifth. */
function leaseTimes(ms: number): { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number } {
  return { leaseDurationMs: ms, renewDeadlineMs: Math.round(ms * 2 / 3), retryPeriodMs: Math.round(ms / 5) };
}

/** `np2dfw adapter`: the Antrea NSX adapter of one cluster (seed 001), with np2dfw serve or NSX as the manager. */
export function registerAdapter(program: Command): void {
  addClientOptions(program
    .command('adapter')
    .description('connect a cluster to the manager: report inventory, health, statistics and traceflows; realize its DFW policies as Antrea objects')
    .option('--cluster <name>', 'the cluster\'s name in the manager (or NP2DFW_CLUSTER)')
    .option('--kubeconfig <path>', 'kubeconfig file (default: in-cluster configuration in a pod, else KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option('--listen <host:port>', 'where /healthz, /readyz and /metrics listen', '0.0.0.0:8080')
    .option('--lease-namespace <ns>', 'namespace of the leader-election Lease', process.env.POD_NAMESPACE ?? 'kube-system')
    .option('--lease-duration <seconds>', 'leader election: how long a Lease lasts without renewal (renewed every fifth of it)', '15')
    .option('--identity <name>', 'this replica\'s name in the Lease (default: host name and pid; the pod name in a pod)')
    .option('--resync <seconds>', 'read the manager\'s policies at least this often', '10')
    .option('--report-interval <seconds>', 'health, statistics and traceflow interval', '30'))
    .action(async (opts: AdapterCliOptions) => {
      const cluster = opts.cluster ?? process.env.NP2DFW_CLUSTER;
      if (!cluster) throw usageError('no cluster: give --cluster NAME (or NP2DFW_CLUSTER)');
      let manager;
      try {
        manager = clientFromOptions(opts);
      } catch (e) {
        throw usageError((e as Error).message);
      }
      const adapter = await startAdapter({
        cluster, manager, kubeconfig: opts.kubeconfig, context: opts.context, listen: opts.listen,
        leaseNamespace: opts.leaseNamespace, ...leaseTimes(seconds('--lease-duration', opts.leaseDuration)),
        ...(opts.identity ? { identity: opts.identity } : {}), resyncMs: seconds('--resync', opts.resync), reportMs: seconds('--report-interval', opts.reportInterval),
      });
      process.stderr.write(`np2dfw adapter: cluster ${cluster}; health and metrics on ${adapter.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          process.stderr.write('np2dfw adapter: stopping (giving up the Lease)\n');
          void adapter.stop().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
