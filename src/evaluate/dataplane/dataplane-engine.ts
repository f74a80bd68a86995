// The evaluator of the `iptables` and `nftables` targets (src/targets/dataplane.ts converts, plans and renders
// every node's texts, the ones `np2dfw apply` loads): it evaluates those texts as the kernel walks a connection's
// opening packet through the rulesets of the nodes it crosses, as the lab's network routes it: a pod's traffic
// leaves through its node's FORWARD hook and enters its destination through the destination's node (once when
// both are on the same node); addresses outside the cluster and hostNetwork pods sit outside every node. Return
// traffic is conntrack's (ESTABLISHED): only the opening packet is judged. It runs on the evaluator core: each
// node's ruleset is a chain program (ruleset-program.ts) walked over every pair of endpoint classes at once
// (core/chain-walk.ts); `decide` walks one pair of classes and names the node and rules that decided.
import type { Family } from '../../net/ip-address.ts';
import { nodeOfPod } from '../../realize/iptables/node-plan.ts';
import { BitMatrix, bitsetWords, emptyBitset, fullBitset, setBit } from '../bit-matrix.ts';
import type { Connection, PortQuery } from '../connection.ts';
import type { ConnectionDecision, Decision } from '../decision.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ClassMatrix, ReachabilityEngine } from '../engine.ts';
import type { TargetBoundaries } from '../target.ts';
import { expandClassMatrix } from '../core/class-evaluator.ts';
import { mergePairs, type ChainProgram, type PairSet } from '../core/chain-walk.ts';
import { partitionEndpoints, type EndpointPartition, type Memberships } from '../core/endpoint-partition.ts';
import { rowsOfMatrix } from '../core/row-store.ts';
import { iptablesBoundaries, iptablesProgram, parseIptablesRuleset, type IptablesTexts } from './iptables-ruleset.ts';
import { nftBoundaries, nftProgram, parseNftRuleset } from './nft-ruleset.ts';
import { formatMatched, type NodeVerdict, type RulesetBoundaries } from './packet.ts';
import { compileProgram, deniedPairs, programPortsOf, traceNode, type ProgramRule, type RulesetProgram } from './ruleset-program.ts';

/** One node's ruleset, read as a program of the evaluator core. */
export interface NodeRuleset {
  readonly node: string;
  readonly program: RulesetProgram;
  readonly boundaries: RulesetBoundaries;
}

/** A node's ipset + iptables texts, read. */
export function iptablesNode(node: string, texts: IptablesTexts): NodeRuleset {
  const rs = parseIptablesRuleset(texts);
  return { node, program: iptablesProgram(rs), boundaries: iptablesBoundaries(rs) };
}

/** A node's nft text, read. */
export function nftNode(node: string, text: string): NodeRuleset {
  const rs = parseNftRuleset(text);
  return { node, program: nftProgram(rs), boundaries: nftBoundaries(rs) };
}

function describe(node: string, v: NodeVerdict): Decision {
  const rules = v.deciding.map(formatMatched);
  const by = v.allowed
    ? `node ${node}: passed${rules.length ? ` (allowed by ${rules.join('; ')})` : ' (no rule of np2dfw matched)'}; ${v.end}`
    : `node ${node}: ${v.end === 'REJECT' || v.end === 'reject' ? 'rejected' : 'dropped'} by ${rules.length ? rules.join('; ') : v.end}`;
  return { allowed: v.allowed, by, notes: v.matched.map((r) => `matched ${formatMatched(r)}`) };
}

/** Where an endpoint's traffic meets a ruleset: its pod's node, or none (outside addresses, hostNetwork pods). */
function nodeOf(e: Endpoint): string | undefined {
  return e.kind === 'pod' && !e.pod.hostNetwork ? nodeOfPod(e.pod) : undefined;
}

/** The nodes' programs with their address memberships laid side by side, as the core's memberships. */
interface NodePrograms {
  readonly nodes: readonly NodeRuleset[];
  /** Where each node's memberships start in `byAddress`. */
  readonly offsets: readonly number[];
  readonly index: ReadonlyMap<string, number>;
  readonly memberships: Memberships<undefined>;
}

function nodePrograms(nodes: readonly NodeRuleset[]): NodePrograms {
  const offsets: number[] = [];
  const byAddress: RulesetProgram['sets'][number][] = [];
  for (const n of nodes) {
    offsets.push(byAddress.length);
    byAddress.push(...n.program.sets);
  }
  const index = new Map(nodes.map((n, i) => [n.node, i]));
  // a class never spans two families or two nodes: the node says which program walks its pairs
  const key = (e: Endpoint) => `${e.family} ${index.get(nodeOf(e) ?? '') ?? -1}`;
  return { nodes, offsets, index, memberships: { key, subject: () => undefined, namespaceOf: () => undefined, byKey: [], byAddress, byEndpoint: [] } };
}

/** One endpoint list in classes: each class's family and node (-1: none), each node's rules compiled on demand. */
interface Classes {
  readonly partition: EndpointPartition;
  readonly family: readonly Family[];
  readonly node: Int32Array;
  readonly compiled: (ChainProgram<ProgramRule> | undefined)[];
  readonly matrices: Map<string, ReturnType<typeof rowsOfMatrix>>;
}

function classesOf(np: NodePrograms, endpoints: readonly Endpoint[]): Classes {
  const partition = partitionEndpoints(endpoints, np.memberships);
  const node = new Int32Array(partition.size);
  partition.representative.forEach((i, c) => {
    node[c] = np.index.get(nodeOf(endpoints[i]) ?? '') ?? -1;
  });
  const family = partition.representative.map((i) => endpoints[i].family);
  return { partition, family, node, compiled: np.nodes.map(() => undefined), matrices: new Map() };
}

function compiledOf(np: NodePrograms, k: Classes, n: number): ChainProgram<ProgramRule> {
  return (k.compiled[n] ??= compileProgram(np.nodes[n].program, k.partition, np.offsets[n]));
}

/** Which of every node's rules match a query, and where: queries with one signature have one class matrix. */
function signatureOf(np: NodePrograms, query: PortQuery): string {
  const parts: string[] = [];
  for (const n of np.nodes) {
    for (const chain of n.program.chains) {
      for (const r of chain) {
        const s = r.opening ? r.services(query) : false;
        parts.push(s === false ? '0' : s.length === 0 ? '1' : `[${s.join(',')}]`);
      }
    }
  }
  return parts.join('');
}

/** The pairs node n judges in one family: every pair whose source or destination is on it (same node: once). */
function pairsAt(k: Classes, n: number, family: Family): PairSet {
  const size = k.partition.size;
  const all = emptyBitset(size);
  const here = emptyBitset(size);
  for (let c = 0; c < size; c++) {
    if (k.family[c] !== family) continue;
    setBit(all, c);
    if (k.node[c] === n) setBit(here, c);
  }
  const pairs: PairSet = new Map();
  const anyHere = here.some((w) => w !== 0);
  for (let c = 0; c < size; c++) {
    if (k.family[c] !== family || !anyHere) continue;
    pairs.set(c, k.node[c] === n ? all.slice() : here.slice());
  }
  return pairs;
}

/** Pairs of classes that every node they cross lets through (pairs of two families cross none: no packet is both). */
function classPairs(np: NodePrograms, k: Classes, query: PortQuery): BitMatrix {
  const size = k.partition.size;
  const words = bitsetWords(size);
  const denied: PairSet = new Map();
  np.nodes.forEach((n, i) => {
    for (const family of [4, 6] as const) {
      const pairs = pairsAt(k, i, family);
      if (pairs.size === 0) continue;
      const portsOf = programPortsOf(k.partition, np.offsets[i], query);
      mergePairs(denied, deniedPairs(n.program, compiledOf(np, k, i), portsOf, family, pairs, words));
    }
  });
  const out = new BitMatrix(size, size);
  const every = fullBitset(size);
  for (let s = 0; s < size; s++) {
    const row = out.row(s);
    const d = denied.get(s);
    for (let w = 0; w < words; w++) row[w] = every[w] & ~(d ? d[w] : 0);
  }
  return out;
}

/** How many class matrices per endpoint list are kept for port classes that share a signature. */
const KEPT_MATRICES = 16;

/** Endpoints that share an address (listed twice, hostNetwork pods of one node): their connections cross no hook. */
function sameAddressGroups(endpoints: readonly Endpoint[]): number[][] {
  const groups = new Map<string, number[]>();
  endpoints.forEach((e, i) => {
    const key = `${e.family} ${e.ip}`;
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  });
  return [...groups.values()].filter((g) => g.length > 1);
}

/** Whether every group of one address is one pod's (then the core's pod-to-itself rule already allows them). */
function onePodPerAddress(endpoints: readonly Endpoint[], groups: readonly number[][]): boolean {
  return groups.every((g) => g.every((i) => endpoints[i].kind === 'pod' && endpoints[i].id === endpoints[g[0]].id));
}

/** The decision of one side of a connection: outside every node, a node without np2dfw's ruleset, or its verdict there. */
function sideDecision(node: string | undefined, judge: (node: string) => NodeVerdict | undefined): Decision {
  if (node === undefined) return { allowed: true, by: 'outside every node: no ruleset on this side', notes: [] };
  const v = judge(node);
  if (!v) return { allowed: true, by: `node ${node}: np2dfw loads no ruleset there`, notes: [] };
  return describe(node, v);
}

/**
 * One connection as its opening packet crosses the nodes (a connection to its own address crosses none): the
 * source's node, then the destination's when it is another one, each judged by `judge` (undefined: no ruleset
 * there), with the NetworkPolicies left (`remaining`) beside.
 */
export function decideCrossing(c: Connection, judge: (node: string) => NodeVerdict | undefined, remaining: ReachabilityEngine | undefined): ConnectionDecision {
  const self = c.src.ip === c.dst.ip;
  let egress: Decision;
  let ingress: Decision;
  if (self) {
    egress = { allowed: true, by: 'a connection to its own address never crosses a node\'s FORWARD hook', notes: [] };
    ingress = egress;
  } else {
    const from = nodeOf(c.src);
    const to = nodeOf(c.dst);
    egress = sideDecision(from, judge);
    ingress = to !== undefined && to === from
      ? { allowed: true, by: `same node ${to}: its one pass through FORWARD decided (see egress)`, notes: [] }
      : sideDecision(to, judge);
  }
  if (remaining && !self) {
    const r = remaining.decide(c);
    if (!r.egress.allowed) egress = { allowed: false, by: `${r.egress.by} (NetworkPolicy not converted)`, notes: [egress.by, ...r.egress.notes] };
    if (!r.ingress.allowed) ingress = { allowed: false, by: `${r.ingress.by} (NetworkPolicy not converted)`, notes: [ingress.by, ...r.ingress.notes] };
  }
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

/** One connection on the core: its two ends as classes, each node it crosses walked for that one pair. */
function decideConnection(np: NodePrograms, c: Connection, remaining: ReachabilityEngine | undefined): ConnectionDecision {
  let k: Classes | undefined;
  return decideCrossing(c, (node) => {
    const i = np.index.get(node);
    if (i === undefined) return undefined;
    k ??= classesOf(np, [c.src, c.dst]);
    const p = k.partition;
    return traceNode(np.nodes[i].program, compiledOf(np, k, i), programPortsOf(p, np.offsets[i], c), c.src.family, p.classOf[0], p.classOf[1], p.size);
  }, remaining);
}

/**
 * The engine of a set of node rulesets, on the evaluator core: endpoints in classes by every address the rulesets
 * name and by node, each node's program walked over all its pairs of classes at once, one class matrix per
 * signature of the query. `remaining` (NetworkPolicies not converted) is enforced beside them, by the cluster's
 * own NetworkPolicy implementation: a connection passes only when both let it through.
 */
export function createDataplaneEngine(name: string, nodes: readonly NodeRuleset[], remaining?: ReachabilityEngine): ReachabilityEngine {
  const np = nodePrograms(nodes);
  const cache = new WeakMap<readonly Endpoint[], Classes & { readonly sameAddress: number[][] }>();
  const classes = (endpoints: readonly Endpoint[]) => {
    let k = cache.get(endpoints);
    if (!k) cache.set(endpoints, (k = { ...classesOf(np, endpoints), sameAddress: sameAddressGroups(endpoints) }));
    return k;
  };
  const ownClassMatrix = (endpoints: readonly Endpoint[], query: PortQuery): ClassMatrix => {
    const k = classes(endpoints);
    const signature = signatureOf(np, query);
    let rows = k.matrices.get(signature);
    if (!rows) {
      rows = rowsOfMatrix(classPairs(np, k, query));
      if (k.matrices.size >= KEPT_MATRICES) k.matrices.delete(k.matrices.keys().next().value!);
      k.matrices.set(signature, rows);
    }
    return { classOf: k.partition.classOf, size: k.partition.size, rowOf: rows.rowOf, rows: rows.rows };
  };
  function matrix(endpoints: readonly Endpoint[], query: PortQuery): BitMatrix {
    if (endpoints.length === 0) return new BitMatrix(0, 0);
    const m = expandClassMatrix(ownClassMatrix(endpoints, query), endpoints);
    if (remaining) {
      const r = remaining.matrix(endpoints, query);
      for (let w = 0; w < m.words.length; w++) m.words[w] &= r.words[w];
    }
    for (const g of classes(endpoints).sameAddress) for (const i of g) for (const j of g) m.set(i, j);
    return m;
  }
  function classMatrix(endpoints: readonly Endpoint[], query: PortQuery): ClassMatrix | undefined {
    if (remaining || endpoints.length === 0 || !onePodPerAddress(endpoints, classes(endpoints).sameAddress)) return undefined;
    return ownClassMatrix(endpoints, query);
  }
  return { name, decide: (c) => decideConnection(np, c, remaining), matrix, classMatrix };
}

/** The union of the nodes' boundaries, without repeats. */
export function rulesetsBoundaries(nodes: readonly NodeRuleset[]): TargetBoundaries {
  const ports = new Map<string, { protocol: string; first: number; last: number }>();
  const addresses = new Set<string>();
  for (const n of nodes) {
    for (const p of n.boundaries.ports) ports.set(`${p.protocol} ${p.first} ${p.last}`, p);
    for (const a of n.boundaries.addresses) addresses.add(a);
  }
  return { ports: [...ports.values()], addresses: [...addresses] };
}
