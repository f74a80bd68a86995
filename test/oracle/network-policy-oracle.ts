// An independent oracle of Kubernetes NetworkPolicy semantics, for testing the reference engine only. It shares
// no code with src/: its own selector matching, its own address checks (node:net's BlockList) and address
// arithmetic, its own port and named-port logic, written straight from the NetworkPolicy API reference and
// seed 003, one connection at a time, with no compilation and no caching. From src/ it takes only types of the
// loaded cluster objects it reads.
import { BlockList, isIP } from 'node:net';
import type { Cluster } from '../../src/k8s/cluster.ts';

type Labels = Readonly<Record<string, string>>;
type Selector = Cluster['policies'][number]['podSelector'];
type Policy = Cluster['policies'][number];
type Rule = Policy['ingress'][number];
type Peer = NonNullable<Rule['peers']>[number];
type PolicyPort = NonNullable<Rule['ports']>[number];
type Pod = Cluster['pods'][number];

/** One end of a connection, as the oracle sees it. */
export type OracleEnd = { readonly pod: Pod; readonly ip: string } | { readonly pod?: undefined; readonly ip: string };

/** A connection: protocol `TCP`/`UDP`/`SCTP` with a port, or `OTHER` (ICMP and every other IP protocol). */
export interface OracleConnection {
  readonly src: OracleEnd;
  readonly dst: OracleEnd;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP' | 'OTHER';
  readonly port: number;
}

/** A label selector: every matchLabels pair and every requirement must hold; empty selects everything. */
export function selects(selector: Selector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (!Object.hasOwn(labels, k) || labels[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In': if (!has || !values.includes(labels[req.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[req.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

const ipType = (ip: string): 'ipv4' | 'ipv6' | undefined => (isIP(ip) === 4 ? 'ipv4' : isIP(ip) === 6 ? 'ipv6' : undefined);

const lists = new Map<string, { type: 'ipv4' | 'ipv6'; list: BlockList } | undefined>();

/** Whether `ip` is in the CIDR `cidr` (same family only), by node:net's BlockList (one list per CIDR text). */
export function inCidr(ip: string, cidr: string): boolean {
  if (!lists.has(cidr)) {
    const slash = cidr.indexOf('/');
    const net = slash < 0 ? cidr : cidr.slice(0, slash);
    const type = ipType(net);
    const list = new BlockList();
    if (type) list.addSubnet(net, slash < 0 ? (type === 'ipv4' ? 32 : 128) : Number(cidr.slice(slash + 1)), type);
    lists.set(cidr, type ? { type, list } : undefined);
  }
  const entry = lists.get(cidr);
  return entry !== undefined && ipType(ip) === entry.type && entry.list.check(ip, entry.type);
}

/** The pod's namespace labels (an undeclared namespace has only its name label). */
function namespaceLabels(cluster: Cluster, namespace: string): Labels {
  return cluster.namespaces.get(namespace)?.labels ?? { 'kubernetes.io/metadata.name': namespace };
}

/** Whether a peer of `policy`'s rule matches the endpoint at the other end. */
function peerHolds(cluster: Cluster, policy: Policy, peer: Peer, end: OracleEnd): boolean {
  if (peer.ipBlock) return inCidr(end.ip, peer.ipBlock.cidr) && !peer.ipBlock.except.some((x) => inCidr(end.ip, x));
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  const pod = end.pod;
  if (!pod || pod.hostNetwork) return false; // selectors match only pods on the pod network
  if (peer.namespaceSelector) {
    if (!selects(peer.namespaceSelector, namespaceLabels(cluster, pod.namespace))) return false;
  } else if (pod.namespace !== policy.namespace) return false;
  return peer.podSelector ? selects(peer.podSelector, pod.labels) : true;
}

/** Whether a rule's port matches: same protocol; no port = all; a range; a name resolved at the destination pod. */
function portHolds(port: PolicyPort, c: OracleConnection): boolean {
  if (c.protocol === 'OTHER' || port.protocol !== c.protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'number') return c.port >= port.port && c.port <= (port.endPort ?? port.port);
  const dst = c.dst.pod;
  if (!dst) return false;
  const declared = dst.ports.find((p) => p.name === port.port && p.protocol === port.protocol);
  return declared !== undefined && declared.port === c.port;
}

/** Whether a policy's podSelector picks the pod: same namespace, and never a hostNetwork pod. */
function picks(policy: Policy, pod: Pod | undefined): pod is Pod {
  return pod !== undefined && !pod.hostNetwork && pod.namespace === policy.namespace && selects(policy.podSelector, pod.labels);
}

/** One direction: allowed unless some policy isolates the pod there and no rule of those policies allows it. */
function directionAllows(cluster: Cluster, c: OracleConnection, direction: 'Ingress' | 'Egress'): boolean {
  const subject = direction === 'Ingress' ? c.dst : c.src;
  const other = direction === 'Ingress' ? c.src : c.dst;
  let isolated = false;
  for (const policy of cluster.policies) {
    if (!picks(policy, subject.pod) || !policy.policyTypes.includes(direction)) continue;
    isolated = true;
    for (const rule of direction === 'Ingress' ? policy.ingress : policy.egress) {
      const peerOk = !rule.peers || rule.peers.length === 0 || rule.peers.some((p) => peerHolds(cluster, policy, p, other));
      const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((p) => portHolds(p, c));
      if (peerOk && portOk) return true;
    }
  }
  return !isolated;
}

/** The verdict: a pod may always reach itself; otherwise the source's egress and the destination's ingress must both allow. */
export function oracleAllows(cluster: Cluster, c: OracleConnection): boolean {
  if (c.src.pod && c.dst.pod && c.src.pod.namespace === c.dst.pod.namespace && c.src.pod.name === c.dst.pod.name) return true;
  return directionAllows(cluster, c, 'Egress') && directionAllows(cluster, c, 'Ingress');
}

/** Whether a pod takes part in traffic: it has an address and is neither Succeeded nor Failed. */
export function oracleLive(pod: Pod): boolean {
  return pod.ips.length > 0 && pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

// Address arithmetic of the oracle's own, to pick external addresses at and next to every ipBlock edge.

function toBig(ip: string): bigint {
  if (isIP(ip) === 4) return ip.split('.').reduce((a, o) => (a << 8n) | BigInt(Number(o)), 0n);
  let [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((a, g) => (a << 16n) | BigInt(Number.parseInt(g || '0', 16)), 0n);
}

function fromBig(v: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  return Array.from({ length: 8 }, (_, i) => ((v >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
}

/** Addresses at and next to both ends of a CIDR. */
export function cidrEdges(cidr: string): string[] {
  const [net, len] = cidr.split('/');
  const family = isIP(net) === 4 ? 4 : 6;
  const bits = family === 4 ? 32n : 128n;
  const host = bits - BigInt(len ?? bits);
  const first = (toBig(net) >> host) << host;
  const last = first + (1n << host) - 1n;
  const max = (1n << bits) - 1n;
  return [first - 1n, first, first + 1n, last - 1n, last, last + 1n].filter((x) => x >= 0n && x <= max).map((x) => fromBig(x, family));
}
