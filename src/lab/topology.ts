import { existsSync } from 'node:fs';
import { mustRun, runCommand } from '../realize/iptables/host-command.ts';
import { familyOf } from '../net/ip-address.ts';
import { countOf } from '../evaluate/counts.ts';

/**
 * The lab's network, routed like Calico (../shared/ref/lab-notes.md): one namespace per node, one per pod (and
 * per address outside the cluster), a veth pair from each pod to its node, no bridge. Nodes reach each other and
 * the outside namespaces through one `core` namespace (a veth from each node to it). Every veth is created
 * directly inside lab namespaces: no interface ever exists in the host's namespace, no namespace has a default
 * route, and every route names a lab address, so no packet can leave the lab.
 */
export interface LabTopology {
  /** The prefix of every namespace of this lab (`np2dfw-<pid>-<random>`). */
  readonly prefix: string;
  readonly core: string;
  /** Node name -> its namespace. */
  readonly nodes: ReadonlyMap<string, string>;
  /** Host key (a pod id, or an outside address) -> its namespace. */
  readonly hosts: ReadonlyMap<string, string>;
}

/** A pod of the lab: a key, its node, its addresses (one per family at most). */
export interface LabPodSpec {
  readonly key: string;
  readonly node: string;
  readonly ips: readonly string[];
}

/** What the lab is built of. Outside hosts (external addresses, hostNetwork pods) hang off the core. */
export interface TopologySpec {
  readonly prefix: string;
  readonly nodes: readonly string[];
  readonly pods: readonly LabPodSpec[];
  readonly outside: readonly { readonly key: string; readonly ips: readonly string[] }[];
}

/** Namespaces this process created and has not deleted yet: what a signal handler must remove. */
export const liveNamespaces = new Set<string>();

const GW4 = '169.254.1.1';
const GW6 = 'fe80::1';
const CORE4 = '169.254.3.1';
const CORE6 = 'fe80::3';

function nodeAddr4(i: number): string {
  return `169.254.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`;
}
function nodeAddr6(i: number): string {
  return `fe80::100:${(i + 1).toString(16)}`;
}

const SYSCTLS = [
  'net.ipv4.ip_forward=1',
  'net.ipv6.conf.all.forwarding=1',
  'net.ipv6.conf.all.accept_dad=0',
  'net.ipv6.conf.default.accept_dad=0',
  'net.ipv6.conf.default.accept_ra=0',
  'net.ipv4.conf.all.rp_filter=0',
  'net.ipv4.conf.default.rp_filter=0',
];

/**
 * Sets sysctls (`net.ipv4.ip_forward=1`, ...) inside a namespace by writing /proc/sys, which shows the values of
 * the writer's network namespace (no dependency on procps' `sysctl`).
 */
export async function setSysctls(netns: string, settings: readonly string[]): Promise<void> {
  const script = settings.map((kv) => {
    const [key, value] = kv.split('=');
    return `echo '${value}' > /proc/sys/${key.replaceAll('.', '/')}`;
  }).join(' && ');
  await mustRun(['sh', '-c', script], { netns });
}

async function addNamespace(name: string, router: boolean): Promise<void> {
  await mustRun(['ip', 'netns', 'add', name]);
  liveNamespaces.add(name);
  await setSysctls(name, router ? SYSCTLS : SYSCTLS.slice(2));
  await mustRun(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
}

async function batch(ns: string, lines: readonly string[]): Promise<void> {
  if (lines.length) await mustRun(['ip', '-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

/** Runs tasks with at most `limit` at a time. */
export async function inParallel<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function hostRoute(ip: string): string {
  return familyOf(ip) === 4 ? `${ip}/32` : `${ip}/128`;
}

/** Builds the lab's namespaces, links, addresses and routes. */
export async function buildTopology(spec: TopologySpec, report: (what: string) => void = () => {}): Promise<LabTopology> {
  const core = `${spec.prefix}-core`;
  const nodes = new Map<string, string>(spec.nodes.map((n, i) => [n, `${spec.prefix}-n${i}`]));
  const hosts = new Map<string, string>();
  spec.pods.forEach((p, i) => hosts.set(p.key, `${spec.prefix}-p${i}`));
  spec.outside.forEach((o, i) => hosts.set(o.key, `${spec.prefix}-x${i}`));
  const allIps = [...spec.pods.flatMap((p) => p.ips), ...spec.outside.flatMap((o) => o.ips)];

  report(`creating ${countOf(2 + nodes.size + hosts.size, 'namespace')}`);
  await addNamespace(core, true);
  await batch(core, [`address add ${CORE4}/32 dev lo`]);
  await inParallel([...nodes.values()], 8, (ns) => addNamespace(ns, true));
  await inParallel([...hosts.values()], 8, (ns) => addNamespace(ns, false));

  report('linking nodes to the core');
  const coreLines: string[] = [];
  const nodeIndex = new Map<string, number>(spec.nodes.map((n, i) => [n, i]));
  await inParallel(spec.nodes, 8, async (node, i) => {
    const ns = nodes.get(node)!;
    const local = new Set(spec.pods.filter((p) => p.node === node).flatMap((p) => p.ips));
    const lines = [
      `address add ${GW4}/32 dev lo`,
      `address add ${nodeAddr4(i)}/32 dev lo`,
      `link add up0 type veth peer name l${i} netns ${core}`,
      `address add ${nodeAddr6(i)}/64 dev up0 nodad`,
      'link set up0 up',
      `route add ${CORE4}/32 dev up0 scope link`,
    ];
    for (const ip of allIps) if (!local.has(ip)) lines.push(`route add ${hostRoute(ip)} via ${familyOf(ip) === 4 ? CORE4 : CORE6} dev up0`);
    await batch(ns, lines);
  });
  spec.nodes.forEach((_, i) => {
    coreLines.push(`address add ${CORE6}/64 dev l${i} nodad`, `link set l${i} up`, `route add ${nodeAddr4(i)}/32 dev l${i} scope link`);
  });
  for (const p of spec.pods) {
    const i = nodeIndex.get(p.node)!;
    for (const ip of p.ips) coreLines.push(`route add ${hostRoute(ip)} via ${familyOf(ip) === 4 ? nodeAddr4(i) : nodeAddr6(i)} dev l${i}`);
  }

  report(`attaching ${countOf(spec.pods.length, 'pod')} and ${countOf(spec.outside.length, 'outside host')}`);
  await batch(core, coreLines);
  // Each host's veth: `dev` in its router (the node, or the core for outside hosts), `eth0` in the host.
  const attach = async (hostNs: string, routerNs: string, dev: string, ips: readonly string[], gw4: string): Promise<void> => {
    const routerLines = [`link add ${dev} type veth peer name eth0 netns ${hostNs}`, `link set ${dev} up`, `address add ${GW6}/64 dev ${dev} nodad`];
    for (const ip of ips) routerLines.push(`route add ${hostRoute(ip)} dev ${dev}`);
    const hostLines = ['link set eth0 up', `route add ${gw4}/32 dev eth0 scope link`];
    for (const ip of ips) hostLines.push(`address add ${hostRoute(ip)} dev eth0${familyOf(ip) === 6 ? ' nodad' : ''}`);
    for (const a of allIps) if (!ips.includes(a)) hostLines.push(`route add ${hostRoute(a)} via ${familyOf(a) === 4 ? gw4 : GW6} dev eth0`);
    await batch(routerNs, routerLines);
    await batch(hostNs, hostLines);
  };
  await inParallel(spec.pods, 8, (p, i) => attach(hosts.get(p.key)!, nodes.get(p.node)!, `h${i}`, p.ips, GW4));
  await inParallel(spec.outside, 8, (o, i) => attach(hosts.get(o.key)!, core, `x${i}`, o.ips, CORE4));
  return { prefix: spec.prefix, core, nodes, hosts };
}

/** Deletes namespaces (their veths go with them); errors are ignored so that cleanup always goes on. */
export async function deleteNamespaces(names: Iterable<string>): Promise<void> {
  await inParallel([...names], 8, async (ns) => {
    await runCommand(['ip', 'netns', 'pids', ns]).then(async (r) => {
      for (const pid of r.stdout.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
    for (let attempt = 0; attempt < 5; attempt++) {
      await runCommand(['ip', 'netns', 'delete', ns]);
      if (!existsSync(`/run/netns/${ns}`)) break;
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
    }
    liveNamespaces.delete(ns);
  });
}

/** Synchronous last-resort cleanup for exit handlers: deletes the namespaces this process still holds. */
export function deleteNamespacesSync(spawnSync: (cmd: string, args: string[]) => unknown): void {
  for (const ns of liveNamespaces) spawnSync('ip', ['netns', 'delete', ns]);
  liveNamespaces.clear();
}

/** Deletes leftover lab namespaces (`np2dfw-<pid>-...`) of processes that no longer run. */
export async function sweepLeftovers(): Promise<string[]> {
  const r = await runCommand(['ip', 'netns', 'list']);
  const stale: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const name = line.split(' ')[0];
    const m = /^np2dfw-(\d+)-/.exec(name ?? '');
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) stale.push(name);
  }
  if (stale.length) await deleteNamespaces(stale);
  return stale;
}
