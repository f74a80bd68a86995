// Seeded synthetic clusters: the shapes of Antrea's controller scale tests
// (pkg/controller/networkpolicy/networkpolicy_controller_perf_test.go), scalable down, and a random shape that
// exercises every NetworkPolicy feature the reference engine implements.
import { cidrAround } from '../../src/net/cidr.ts';
import { addressBits, formatAddress, type Family } from '../../src/net/ip-address.ts';
import { buildCluster, type Cluster } from '../../src/k8s/cluster.ts';
import { NAMESPACE_NAME_LABEL, type LabelSelector, type LabelSelectorRequirement, type Labels } from '../../src/k8s/labels.ts';
import type { Namespace } from '../../src/k8s/namespace.ts';
import type { NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule, PolicyType } from '../../src/k8s/network-policy.ts';
import type { ContainerPort, Pod } from '../../src/k8s/pod.ts';
import type { Protocol } from '../../src/k8s/protocol.ts';
import { createPrng, type Prng } from './prng.ts';

/**
 * The shapes:
 * - `small-namespaces`: Antrea's TestInitXLargeScaleWithSmallNamespaces, 25k namespaces x (4 pods, a
 *   default-deny-all and 2 policies each allowing ingress from their own pods): 100k pods, 75k policies.
 * - `large-namespaces`: TestInitXLargeScaleWithLargeNamespaces, 100 namespaces x (1000 pods in 100 label groups,
 *   a default-deny-all and 100 policies): 100k pods, 10.1k policies.
 * - `one-namespace`: TestInitXLargeScaleWithOneNamespace, one namespace with 10k pods and 10k policies that all
 *   select every pod and allow ingress from every pod.
 * - `random`: a small cluster that uses every feature (see `generateCluster`).
 */
export type ClusterShape = 'small-namespaces' | 'large-namespaces' | 'one-namespace' | 'random';

/** How the Antrea shapes treat egress. */
export type EgressVariant =
  /** As in Antrea's tests: policyTypes [Ingress, Egress] without egress rules, so every egress is denied. */
  | 'deny'
  /** policyTypes [Ingress, Egress], and each allow policy also allows egress to the pods it allows ingress from. */
  | 'mirror'
  /** policyTypes [Ingress] only: egress is never isolated. */
  | 'none';

/** Options of `generateCluster`. */
export interface GenerateOptions {
  /** The PRNG seed (default 1): the same seed and options give the same cluster. */
  readonly seed?: number;
  /**
   * Size factor (default 1). For the Antrea shapes, the fraction of the repeated unit kept (namespaces for
   * small- and large-namespaces, pod+policy pairs for one-namespace; at least one unit). For `random`, a
   * multiplier of the number of namespaces, pods per namespace and policies per namespace.
   */
  readonly scale?: number;
  /** Antrea shapes only: how egress is treated (default `deny`, as Antrea's tests). */
  readonly egress?: EgressVariant;
  /** The cluster name (default `synthetic`). */
  readonly name?: string;
}

/** Full-size unit counts of the Antrea shapes. */
export const FULL_SIZE = { 'small-namespaces': 25_000, 'large-namespaces': 100, 'one-namespace': 10_000 } as const;

/** Generates a synthetic cluster of a shape, deterministically from the seed. */
export function generateCluster(shape: ClusterShape, options: GenerateOptions = {}): Cluster {
  const rng = createPrng(options.seed ?? 1);
  const scale = options.scale ?? 1;
  const name = options.name ?? 'synthetic';
  if (shape === 'random') return randomCluster(rng, scale, name);
  const units = Math.max(1, Math.round(FULL_SIZE[shape] * scale));
  const g = new AntreaShapes(rng, options.egress ?? 'deny');
  if (shape === 'small-namespaces') g.smallNamespaces(units);
  else if (shape === 'large-namespaces') g.largeNamespaces(units);
  else g.oneNamespace(units);
  return buildCluster(name, { namespaces: g.namespaces, pods: g.pods, policies: g.policies });
}

/** A selector with only matchLabels. */
function matchLabels(labels: Labels): LabelSelector {
  return { matchLabels: labels, matchExpressions: [] };
}

/**
 * Version-4-shaped uuids for a cluster (like Antrea's uuid.New()): a random prefix drawn once from the PRNG and
 * a counter, so that they are unique, deterministic and cheap.
 */
function uuids(rng: Prng): () => string {
  const hex = (digits: number) => Array.from({ length: digits }, () => rng.int(16).toString(16)).join('');
  const prefix = `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + rng.int(4)).toString(16)}${hex(3)}`;
  let n = 0;
  return () => `${prefix}-${(n++).toString(16).padStart(12, '0')}`;
}

/** Pod IPv4 addresses handed out in order from 10.0.0.0/8 (unique up to 16M pods). */
function podIPv4(index: number): string {
  return formatAddress(BigInt(0x0a000000 + index + 1), 4);
}

class AntreaShapes {
  readonly namespaces: Namespace[] = [];
  readonly pods: Pod[] = [];
  readonly policies: NetworkPolicy[] = [];
  private readonly rng: Prng;
  private readonly egress: EgressVariant;
  private readonly usedNames = new Set<string>();
  private readonly uuid: () => string;

  constructor(rng: Prng, egress: EgressVariant) {
    this.rng = rng;
    this.uuid = uuids(rng);
    this.egress = egress;
  }

  /** A fresh random name of 8 characters (unique within the cluster, with a prefix). */
  private randomName(prefix: string): string {
    for (;;) {
      const n = prefix + this.rng.string(8);
      if (!this.usedNames.has(n)) {
        this.usedNames.add(n);
        return n;
      }
    }
  }

  /** `count` fresh namespace names, sorted (so that the cluster's own sort finds them in order). */
  private namespaceNames(count: number): string[] {
    return Array.from({ length: count }, () => this.randomName('')).sort();
  }

  private namespace(name = this.randomName('')): string {
    this.namespaces.push({ name, labels: { app: name, [NAMESPACE_NAME_LABEL]: name }, declared: true });
    return name;
  }

  private pod(namespace: string, name: string, labels: Labels): void {
    this.pods.push({
      namespace, name, labels, ips: [podIPv4(this.pods.length)], hostNetwork: false, phase: 'Running',
      nodeName: `Node-${this.rng.int(1000)}`, ports: [], uid: this.uuid(),
    });
  }

  /** newNetworkPolicy of Antrea's test: selects `selected`; ingress from `peer` pods when given. */
  private policy(namespace: string, name: string, selected: Labels | undefined, peer: Labels | undefined): void {
    const policyTypes: PolicyType[] = this.egress === 'none' ? ['Ingress'] : ['Ingress', 'Egress'];
    const ingress: PolicyRule[] = peer ? [{ peers: [{ podSelector: matchLabels(peer) }] }] : [];
    const egress: PolicyRule[] = peer && this.egress === 'mirror' ? [{ peers: [{ podSelector: matchLabels(peer) }] }] : [];
    this.policies.push({ namespace, name, uid: this.uuid(), podSelector: matchLabels(selected ?? {}), policyTypes, ingress, egress });
  }

  smallNamespaces(count: number): void {
    for (const name of this.namespaceNames(count)) {
      const ns = this.namespace(name);
      const l1 = { 'app-1': 'scale-1' };
      const l2 = { 'app-2': 'scale-2' };
      this.policy(ns, 'default-deny-all', undefined, undefined);
      this.policy(ns, 'np-1', l1, l1);
      this.policy(ns, 'np-2', l2, l2);
      this.pod(ns, 'pod1', l1);
      this.pod(ns, 'pod2', l1);
      this.pod(ns, 'pod3', l2);
      this.pod(ns, 'pod4', l2);
    }
  }

  largeNamespaces(count: number): void {
    for (const name of this.namespaceNames(count)) {
      const ns = this.namespace(name);
      this.policy(ns, 'default-deny-all', undefined, undefined);
      for (let i = 0; i < 100; i++) {
        const labels = { [`app-${i}`]: `scale-${i}` };
        this.policy(ns, `np-${i}`, labels, labels);
        for (let j = 0; j < 10; j++) this.pod(ns, `pod-${i}-${j}`, labels);
      }
    }
  }

  oneNamespace(count: number): void {
    const ns = this.namespace();
    const labels = { 'app-1': 'scale-1' };
    for (let i = 0; i < count; i++) {
      this.policy(ns, this.randomName('np-'), labels, labels);
      this.pod(ns, this.randomName('pod-'), labels);
    }
  }
}

// ---- the random shape ----

const POD_LABELS: Record<string, readonly string[]> = { app: ['web', 'db', 'api', 'cache'], tier: ['front', 'back'], color: ['red', 'blue'] };
const NS_LABELS: Record<string, readonly string[]> = { team: ['a', 'b', 'c'], env: ['prod', 'dev'] };
const NAMED_PORTS = ['http', 'dns', 'metrics', 'diameter', 'nope'];
const NUMBERED_PORTS = [53, 80, 443, 3868, 8080, 9090, 9100];

function randomLabels(rng: Prng, vocab: Record<string, readonly string[]>, p: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, values] of Object.entries(vocab)) if (rng.chance(p)) out[k] = rng.pick(values);
  return out;
}

function randomSelector(rng: Prng, vocab: Record<string, readonly string[]>, extra: Record<string, readonly string[]> = {}): LabelSelector {
  const all = { ...vocab, ...extra };
  const keys = Object.keys(all);
  if (rng.chance(0.25)) return matchLabels({});
  const ml: Record<string, string> = {};
  const me: LabelSelectorRequirement[] = [];
  const terms = 1 + rng.int(2);
  for (let t = 0; t < terms; t++) {
    const key = rng.pick(keys);
    const values = all[key];
    switch (rng.int(5)) {
      case 0: ml[key] = rng.pick(values); break;
      case 1: me.push({ key, operator: 'In', values: [rng.pick(values), rng.pick(values)].filter((v, i, a) => a.indexOf(v) === i) }); break;
      case 2: me.push({ key, operator: 'NotIn', values: [rng.pick(values)] }); break;
      case 3: me.push({ key, operator: 'Exists', values: [] }); break;
      default: me.push({ key, operator: 'DoesNotExist', values: [] }); break;
    }
  }
  return { matchLabels: ml, matchExpressions: me };
}

interface RandomState {
  readonly rng: Prng;
  readonly v4: bigint[];
  readonly v6: bigint[];
  readonly nsNames: readonly string[];
}

/** An ipBlock around some pod address (so that it covers pods), with excepts that also cover pods. */
function randomIpBlock(s: RandomState): PolicyPeer {
  const { rng } = s;
  const family: Family = s.v6.length && (rng.chance(0.4) || !s.v4.length) ? 6 : 4;
  const pool = family === 4 ? s.v4 : s.v6;
  const bits = addressBits(family);
  const base = pool.length ? rng.pick(pool) : family === 4 ? 0x0a000001n : 0xfd00n << 112n;
  const prefixes = family === 4 ? [0, 8, 16, 24, 26, 28, 30, 32] : [0, 64, 112, 120, 124, 126, 128];
  const prefix = rng.pick(prefixes);
  const cidr = cidrAround(base, prefix, family);
  const except: string[] = [];
  if (prefix < bits && rng.chance(0.5)) {
    const host = BigInt(bits - prefix);
    const network = (base >> host) << host;
    const inside = pool.filter((a) => a >> host === base >> host);
    for (let k = 1 + rng.int(2); k > 0; k--) {
      const addr = inside.length ? rng.pick(inside) : network;
      const ep = prefix + 1 + rng.int(Math.min(bits - prefix, 4));
      const e = cidrAround(addr, Math.min(ep, bits), family);
      if (!except.includes(e)) except.push(e);
    }
  }
  return { ipBlock: { cidr, except } };
}

function randomPeer(s: RandomState): PolicyPeer {
  const { rng } = s;
  const nsVocab = { [NAMESPACE_NAME_LABEL]: s.nsNames };
  switch (rng.int(10)) {
    case 0: case 1: case 2: return { podSelector: randomSelector(rng, POD_LABELS) };
    case 3: case 4: return { namespaceSelector: randomSelector(rng, NS_LABELS, nsVocab) };
    case 5: case 6: return { namespaceSelector: randomSelector(rng, NS_LABELS, nsVocab), podSelector: randomSelector(rng, POD_LABELS) };
    default: return randomIpBlock(s);
  }
}

function randomPort(rng: Prng): PolicyPort {
  const protocol: Protocol = rng.chance(0.6) ? 'TCP' : rng.chance(0.6) ? 'UDP' : 'SCTP';
  switch (rng.int(7)) {
    case 0: return { protocol };
    case 1: case 2: case 3: return { protocol, port: rng.pick(NUMBERED_PORTS) };
    case 4: {
      const port = rng.pick([52, 53, 79, 80, 8000, 9000]);
      return { protocol, port, endPort: port + rng.pick([0, 1, 10, 1000]) };
    }
    default: return { protocol, port: rng.pick(NAMED_PORTS) };
  }
}

function randomRule(s: RandomState): PolicyRule {
  const { rng } = s;
  const peers = rng.chance(0.15) ? undefined : Array.from({ length: 1 + rng.int(3) }, () => randomPeer(s));
  const ports = rng.chance(0.35) ? undefined : Array.from({ length: 1 + rng.int(3) }, () => randomPort(rng));
  return { ...(peers ? { peers } : {}), ...(ports ? { ports } : {}) };
}

function randomPorts(rng: Prng): ContainerPort[] {
  const ports: ContainerPort[] = [];
  if (rng.chance(0.7)) ports.push({ name: 'http', port: rng.pick([80, 8080, 9090]), protocol: 'TCP' });
  if (rng.chance(0.4)) ports.push({ name: 'dns', port: 53, protocol: rng.pick(['UDP', 'TCP'] as const) });
  if (rng.chance(0.3)) ports.push({ name: 'metrics', port: 9100, protocol: 'TCP' });
  if (rng.chance(0.2)) ports.push({ name: 'diameter', port: 3868, protocol: 'SCTP' });
  if (rng.chance(0.2)) ports.push({ port: 443, protocol: 'TCP' });
  return ports;
}

/**
 * A random cluster: namespaces with labels; pods with labels, named ports that differ per pod (http on 80, 8080
 * or 9090, dns over UDP or TCP), IPv4-only, IPv6-only and dual-stack addresses, some without an IP, some
 * terminated, some hostNetwork (sharing node addresses); policies with random selectors (matchLabels,
 * In/NotIn/Exists/DoesNotExist, kubernetes.io/metadata.name), every policyTypes combination, sometimes rules for
 * a direction not in policyTypes, peers of every kind, ipBlocks (IPv4 and IPv6, with excepts) around pod
 * addresses, ports with protocols TCP/UDP/SCTP, numbers, endPort ranges and named ports.
 */
function randomCluster(rng: Prng, scale: number, name: string): Cluster {
  const nsCount = Math.max(1, Math.round((2 + rng.int(3)) * scale));
  const namespaces: Namespace[] = [];
  for (let i = 0; i < nsCount; i++) {
    const n = `ns-${i}`;
    namespaces.push({ name: n, labels: { ...randomLabels(rng, NS_LABELS, 0.6), [NAMESPACE_NAME_LABEL]: n }, declared: true });
  }
  const pods: Pod[] = [];
  const v4: bigint[] = [];
  const v6: bigint[] = [];
  let counter = 0;
  for (let n = 0; n < namespaces.length; n++) {
    const ns = namespaces[n];
    const podCount = Math.max(1, Math.round((2 + rng.int(5)) * scale));
    for (let i = 0; i < podCount; i++) {
      counter++;
      const kind = rng.next();
      const labels = randomLabels(rng, POD_LABELS, 0.6);
      const ips: string[] = [];
      let hostNetwork = false;
      let phase = 'Running';
      if (kind < 0.06) {
        phase = 'Pending';
      } else if (kind < 0.16) {
        hostNetwork = true;
        const node = 1 + rng.int(3);
        ips.push(`192.168.0.${node}`);
        v4.push(BigInt(0xc0a80000 + node));
        if (rng.chance(0.3)) {
          ips.push(`fd00:ffff::${node}`);
          v6.push((0xfd00ffffn << 96n) + BigInt(node));
        }
      } else {
        const f = rng.next();
        const a4 = BigInt(0x0a000000 + n * 65536 + i + 1);
        const a6 = (0xfd00n << 112n) + (BigInt(n) << 32n) + BigInt(i + 1);
        if (f < 0.85) { ips.push(formatAddress(a4, 4)); v4.push(a4); }
        if (f > 0.6) { ips.push(formatAddress(a6, 6)); v6.push(a6); }
        if (rng.chance(0.08)) phase = rng.pick(['Succeeded', 'Failed']);
      }
      pods.push({ namespace: ns.name, name: `pod-${i}`, labels, ips, hostNetwork, phase, ports: randomPorts(rng), nodeName: `node-${counter % 3}` });
    }
  }
  const state: RandomState = { rng, v4, v6, nsNames: namespaces.map((n) => n.name) };
  const policies: NetworkPolicy[] = [];
  const uuid = uuids(rng);
  const typeChoices: PolicyType[][] = [['Ingress'], ['Egress'], ['Ingress', 'Egress']];
  for (const ns of namespaces) {
    const policyCount = Math.max(1, Math.round((1 + rng.int(3)) * scale));
    for (let i = 0; i < policyCount; i++) {
      const policyTypes = rng.pick(typeChoices);
      const rules = (dir: PolicyType) => {
        const inForce = policyTypes.includes(dir);
        const count = inForce ? rng.int(3) : rng.chance(0.2) ? 1 : 0;
        return Array.from({ length: count }, () => randomRule(state));
      };
      policies.push({
        namespace: ns.name, name: `np-${i}`, uid: uuid(), podSelector: randomSelector(rng, POD_LABELS),
        policyTypes, ingress: rules('Ingress'), egress: rules('Egress'),
      });
    }
  }
  return buildCluster(name, { namespaces, pods, policies });
}
