// A node's parsed ruleset (ipset + iptables, or nft) as a program the evaluator core walks (core/chain-walk.ts):
// address memberships (set elements, -s/-d and saddr/daddr addresses, verdict map keys, the addresses of address
// and port sets per protocol and port), chains of rules over them, and the forward hook's stages in order (the
// iptables top chain that FORWARD jumps to; nft's base chains by priority), each ending in its policy. The same
// program judges every pair of endpoint classes at once (`deniedPairs`) and one connection with the rules that
// decided it (`traceNode`).
import type { AddressRange } from '../../net/address-range.ts';
import { formatAddress, type Family } from '../../net/ip-address.ts';
import { emptyBitset, setBit, type Bitset } from '../bit-matrix.ts';
import { mergePairs, walkChain, type ChainAction, type ChainProgram, type ChainRule, type PairSet } from '../core/chain-walk.ts';
import { partitionEndpoints, type EndpointPartition } from '../core/endpoint-partition.ts';
import type { PortMatch } from '../core/stage-pipeline.ts';
import type { PortQuery } from '../connection.ts';
import type { Endpoint } from '../endpoint.ts';
import { RulesetError, type MatchedRule, type NodeVerdict, type Packet } from './packet.ts';

/** The source's or destination's address is (or, negated, is not) in address membership `set`. */
export interface AddressTest {
  readonly dir: 'src' | 'dst';
  readonly set: number;
  readonly neg: boolean;
}

/** A rule's action, with verdict maps' keys as address memberships. */
export type ProgramAction =
  | Exclude<ChainAction, { readonly kind: 'dispatch' }>
  | { readonly kind: 'dispatch'; readonly entries: readonly { readonly dir: 'src' | 'dst'; readonly set: number; readonly chain: number }[] };

/** One rule of a ruleset, independent of any endpoint list. */
export interface ProgramRule {
  readonly where: MatchedRule;
  readonly addresses: readonly AddressTest[];
  /** False when the rule never matches an opening packet (conntrack state without NEW). */
  readonly opening: boolean;
  /** For a query: false when the rule's protocol or ports do not match it, else the address memberships of the destination it also needs (address and port sets for this protocol and port). */
  services(q: PortQuery): false | readonly number[];
  /** Packet mark matches, all of which must hold: (mark & mask) === value. */
  readonly marks: readonly { readonly value: number; readonly mask: number }[];
  readonly action: ProgramAction;
}

/** A stage of the forward hook: a chain, then its policy for what it lets through without a verdict. */
export interface ProgramStage {
  readonly chain: number;
  readonly name: string;
  readonly policy: 'accept' | 'drop';
}

/** A node's ruleset as a program. */
export interface RulesetProgram {
  readonly dialect: 'iptables' | 'nft';
  /** The address memberships the rules name, by index. */
  readonly sets: readonly (readonly AddressRange[])[];
  readonly names: readonly string[];
  readonly chains: readonly (readonly ProgramRule[])[];
  /** The forward hook's stages for packets of a family. */
  stages(family: Family): readonly ProgramStage[];
  /** How deep jumps may nest. */
  readonly maxDepth: number;
}

/** Address memberships as a program collects them: one index per distinct list of ranges. */
export class AddressSets {
  readonly lists: (readonly AddressRange[])[] = [];
  private readonly ids = new Map<string, number>();

  /** The index of a list of ranges (the same for the same ranges). */
  add(ranges: readonly AddressRange[]): number {
    const key = ranges.map((r) => `${r.family}:${r.start}-${r.end}`).join(',');
    let id = this.ids.get(key);
    if (id === undefined) this.ids.set(key, (id = this.lists.push(ranges) - 1));
    return id;
  }
}

/** The rules of a program over one partition: its address memberships start at `offset` in `partition.byAddress`. */
export function compileProgram(program: RulesetProgram, partition: EndpointPartition, offset: number): ChainProgram<ProgramRule> {
  const size = partition.size;
  const setOf = (i: number) => partition.byAddress[offset + i];
  const side = (tests: readonly AddressTest[], dir: 'src' | 'dst'): Bitset | undefined => {
    let out: Bitset | undefined;
    for (const t of tests) {
      if (t.dir !== dir) continue;
      const bits = t.neg ? complement(setOf(t.set), size) : setOf(t.set);
      if (!out) out = bits.slice();
      else for (let w = 0; w < out.length; w++) out[w] &= bits[w];
    }
    return out;
  };
  const chains = program.chains.map((rules) => rules.map((r): ChainRule<ProgramRule> => {
    const a = r.action;
    const action: ChainAction = a.kind === 'dispatch' ? { kind: 'dispatch', entries: a.entries.map((e) => ({ dir: e.dir, classes: setOf(e.set), chain: e.chain })) } : a;
    const src = side(r.addresses, 'src');
    const dst = side(r.addresses, 'dst');
    return { rule: r, action, ...(src ? { src } : {}), ...(dst ? { dst } : {}), ...(r.marks.length ? { marks: r.marks } : {}) };
  }));
  return {
    names: program.names,
    chains,
    maxDepth: program.maxDepth,
    tooDeep: (chain, depth) => new RulesetError(`chain ${chain}: jumps nest deeper than ${depth}`),
  };
}

function complement(s: Bitset, size: number): Bitset {
  const out = emptyBitset(size);
  for (let w = 0; w < out.length; w++) out[w] = ~s[w];
  if (size & 31) out[out.length - 1] &= (1 << (size & 31)) - 1;
  return out;
}

/** Where a rule's services match a query, over one partition (the destination classes when sets decide). */
export function programPortsOf(partition: EndpointPartition, offset: number, query: PortQuery): (r: ChainRule<ProgramRule>) => PortMatch {
  return (r) => {
    if (!r.rule.opening) return false;
    const need = r.rule.services(query);
    if (need === false) return false;
    if (need.length === 0) return true;
    const out = partition.byAddress[offset + need[0]].slice();
    for (let k = 1; k < need.length; k++) {
      const s = partition.byAddress[offset + need[k]];
      for (let w = 0; w < out.length; w++) out[w] &= s[w];
    }
    return out;
  };
}

/** A program's answer for some pairs of one family: the pairs it denies (drop, reject, a stage's policy drop). */
export function deniedPairs(program: RulesetProgram, compiled: ChainProgram<ProgramRule>, portsOf: (r: ChainRule<ProgramRule>) => PortMatch, family: Family, pairs: PairSet, words: number): PairSet {
  const denied: PairSet = new Map();
  let going = pairs;
  for (const stage of program.stages(family)) {
    if (going.size === 0) break;
    const r = walkChain({ program: compiled, portsOf, words }, stage.chain, new Map([[0, going]]), 0);
    mergePairs(denied, r.denied);
    going = r.accepted;
    for (const back of r.back.values()) mergePairs(stage.policy === 'accept' ? going : denied, back);
  }
  return denied;
}

/** One pair of classes walked through a node's stages, with every rule it matched and the ones that decided. */
export function traceNode(program: RulesetProgram, compiled: ChainProgram<ProgramRule>, portsOf: (r: ChainRule<ProgramRule>) => PortMatch, family: Family, src: number, dst: number, size: number): NodeVerdict {
  const matched: MatchedRule[] = [];
  const accepting: MatchedRule[] = [];
  const words = emptyBitset(size).length;
  for (const stage of program.stages(family)) {
    const row = emptyBitset(size);
    setBit(row, dst);
    const trail: ChainRule<ProgramRule>[] = [];
    const r = walkChain({ program: compiled, portsOf, words, trail }, stage.chain, new Map([[0, new Map([[src, row]])]]), 0);
    matched.push(...trail.map((t) => t.rule.where));
    const last = trail.at(-1)?.rule;
    if (r.denied.size > 0) return { allowed: false, deciding: [last!.where], matched, end: program.dialect === 'iptables' ? last!.action.kind.toUpperCase() : last!.action.kind };
    if (r.accepted.size > 0) {
      if (program.dialect === 'iptables') return { allowed: true, deciding: [last!.where], matched, end: 'ACCEPT' };
      accepting.push(last!.where);
    } else if (stage.policy === 'drop') return { allowed: false, deciding: [], matched, end: `chain ${stage.name}: policy drop` };
  }
  if (program.dialect === 'nft') return { allowed: true, deciding: accepting, matched, end: 'every base chain of the forward hook let it pass' };
  const allowing = matched.filter((m) => allowingMarks(program).has(m));
  return { allowed: true, deciding: allowing, matched, end: 'FORWARD policy ACCEPT' };
}

/** The iptables rules that set a mark bit (np2dfw's allow mark): what allowed a packet that no rule accepted. */
function allowingMarks(program: RulesetProgram): Set<MatchedRule> {
  return new Set(program.chains.flatMap((rules) => rules.filter((r) => r.action.kind === 'mark' && r.action.value !== 0).map((r) => r.where)));
}

/** A packet's verdict on one node's program (a connection between two addresses, wherever they are). */
export function packetVerdict(program: RulesetProgram, p: Packet): NodeVerdict {
  const ends: Endpoint[] = [p.src, p.dst].map((v) => {
    const ip = formatAddress(v, p.family);
    return { kind: 'external', id: ip, ip, family: p.family };
  });
  const partition = partitionEndpoints(ends, { key: () => '', subject: () => undefined, namespaceOf: () => undefined, byKey: [], byAddress: program.sets, byEndpoint: [] });
  const compiled = compileProgram(program, partition, 0);
  const portsOf = programPortsOf(partition, 0, { protocol: p.protocol.toUpperCase() as PortQuery['protocol'], port: p.dport });
  return traceNode(program, compiled, portsOf, p.family, partition.classOf[0], partition.classOf[1], partition.size);
}
