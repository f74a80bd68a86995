import type { Command } from 'commander';
import { CliError, usageError } from '../cli-error.ts';
import { EXIT } from '../exit-codes.ts';
import { repeatable } from '../input-options.ts';
import { addClientOptions, clientFromOptions, type ClientOptions } from '../../client/client-options.ts';
import { NsxApiError, type NsxClient } from '../../client/nsx-client.ts';
import { InvalidInputError, type InputProblem } from '../../k8s/invalid-input.ts';
import { parseDocuments } from '../../k8s/parse-documents.ts';
import { readInputs } from '../../k8s/read-inputs.ts';

/** The kinds a cluster's inventory holds. */
const INVENTORY_KINDS = new Set(['Namespace', 'Pod', 'NetworkPolicy', 'Node', 'Service']);

/** Reads kubectl-style files and keeps the inventory kinds (others are counted on stderr). */
export function readInventoryObjects(paths: readonly string[]): Record<string, unknown>[] {
  const problems: InputProblem[] = [];
  const objects: Record<string, unknown>[] = [];
  const skipped = new Map<string, number>();
  for (const input of readInputs(paths)) {
    for (const raw of parseDocuments(input, problems)) {
      if (INVENTORY_KINDS.has(raw.kind)) objects.push({ ...raw.body, kind: raw.kind, apiVersion: raw.apiVersion });
      else skipped.set(raw.kind, (skipped.get(raw.kind) ?? 0) + 1);
    }
  }
  if (problems.length) throw new InvalidInputError(problems);
  if (skipped.size) process.stderr.write(`np2dfw: skipped ${[...skipped].map(([k, n]) => `${n} ${k}`).join(', ')}: not part of a cluster's inventory\n`);
  return objects;
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof NsxApiError) throw new CliError(e.message, e.status === 400 ? EXIT.INVALID_INPUT : EXIT.FAILURE);
    throw new CliError((e as Error).message, EXIT.FAILURE);
  }
}

function client(opts: ClientOptions): NsxClient {
  try {
    return clientFromOptions(opts);
  } catch (e) {
    throw usageError((e as Error).message);
  }
}

/** `np2dfw inventory push|namespaces|policies`: a cluster's inventory on np2dfw serve. */
export function registerInventory(program: Command): void {
  const inventory = program.command('inventory').description('report and read clusters\' inventories on np2dfw serve');
  addClientOptions(inventory
    .command('push')
    .description('send kubectl-style files as a cluster\'s inventory (registers the cluster; replaces its previous inventory)')
    .option('-f, --filename <path>', 'a file, a folder, or - for stdin (repeatable)', repeatable)
    .requiredOption('--cluster <name>', 'the cluster\'s name'))
    .action(async (opts: ClientOptions & { filename?: string[]; cluster: string }) => {
      if (!opts.filename?.length) throw usageError('no input: give -f FILE, -f FOLDER or -f -');
      const objects = readInventoryObjects(opts.filename);
      const c = client(opts);
      const name = encodeURIComponent(opts.cluster);
      await call(() => c.request('PUT', `/api/v1/fabric/container-clusters/${name}`));
      const view = await call(() => c.request<{ counts: Record<string, number>; generation: number }>('PUT', `/api/v1/fabric/container-clusters/${name}/inventory`, { objects }));
      const counts = Object.entries(view.counts).map(([k, n]) => `${n} ${k}`).join(', ');
      process.stdout.write(`cluster ${opts.cluster}: inventory replaced (${counts}), generation ${view.generation}\n`);
    });
  addClientOptions(inventory
    .command('namespaces')
    .description('a cluster\'s namespaces with their NetworkPolicy count (as kubectl get networkpolicies -n counts)')
    .requiredOption('--cluster <name>', 'the cluster\'s name'))
    .action(async (opts: ClientOptions & { cluster: string }) => {
      const c = client(opts);
      const r = await call(() => c.request<{ results: { name: string; network_policy_count: number; pod_count: number }[] }>('GET',
        `/api/v1/fabric/container-clusters/${encodeURIComponent(opts.cluster)}/namespaces`));
      const w = Math.max(9, ...r.results.map((n) => n.name.length));
      let out = `${'NAMESPACE'.padEnd(w)}  NETWORK POLICIES  PODS\n`;
      for (const n of r.results) out += `${n.name.padEnd(w)}  ${String(n.network_policy_count).padEnd(16)}  ${n.pod_count}\n`;
      process.stdout.write(out);
    });
  addClientOptions(inventory
    .command('policies')
    .description('NetworkPolicies reported by the clusters, with their uids (for np2dfw import --ids)')
    .option('--cluster <name>', 'only this cluster')
    .option('-n, --namespace <ns>', 'only this namespace'))
    .action(async (opts: ClientOptions & { cluster?: string; namespace?: string }) => {
      const c = client(opts);
      const q = new URLSearchParams();
      if (opts.cluster) q.set('cluster', opts.cluster);
      if (opts.namespace) q.set('namespace', opts.namespace);
      const list = await call(() => c.listAll<{ cluster: string; namespace: string; name: string; uid: string; imported?: { removal: string } }>(
        `/api/v1/fabric/container-network-policies${q.size ? `?${q}` : ''}`));
      const rows = list.map((p) => [p.cluster, p.namespace, p.name, p.uid, p.imported ? `imported (removal ${p.imported.removal})` : '']);
      const header = ['CLUSTER', 'NAMESPACE', 'NAME', 'UID', 'STATE'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const line = (cells: string[]) => cells.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
      process.stdout.write([line(header), ...rows.map(line)].join('\n') + '\n');
    });
}
