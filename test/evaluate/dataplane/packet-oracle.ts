// The test oracle of the dataplane evaluators: the per-packet reading of the rendered rulesets as np2dfw did it
// before the rulesets went on the evaluator core (src/evaluate/core/chain-walk.ts): the opening packet of one
// connection walked rule by rule through each node's parsed chains. It shares no evaluation code with the core
// path (only the parsers, which read the texts for both, and `decideCrossing`, which says which nodes a
// connection crosses and words the decision; the core's matrices decide the crossing on their own);
// test/evaluate/dataplane/core-vs-packet.test.ts checks that both agree on every connection.
import { addressValue, type Family } from '../../../src/net/ip-address.ts';
import { decideCrossing } from '../../../src/evaluate/dataplane/dataplane-engine.ts';
import { BitMatrix } from '../../../src/evaluate/bit-matrix.ts';
import type { Connection, PortQuery } from '../../../src/evaluate/connection.ts';
import type { ConnectionDecision } from '../../../src/evaluate/decision.ts';
import type { Endpoint } from '../../../src/evaluate/endpoint.ts';
import type { ReachabilityEngine } from '../../../src/evaluate/engine.ts';
import type { AddressRange } from '../../../src/net/address-range.ts';
import type { IptablesRuleset, IptMatch, IpSet } from '../../../src/evaluate/dataplane/iptables-ruleset.ts';
import type { NftRuleset, NftCond, NftSet } from '../../../src/evaluate/dataplane/nft-ruleset.ts';
import { RulesetError, type MatchedRule, type NodeVerdict, type Packet } from '../../../src/evaluate/dataplane/packet.ts';

function inRange(r: AddressRange, family: Family, v: bigint): boolean {
  return r.family === family && v >= r.start && v <= r.end;
}

function matches(m: IptMatch, p: Packet, mark: number, sets: ReadonlyMap<string, IpSet>): boolean {
  switch (m.m) {
    case 'addr': return inRange(m.range, p.family, m.dir === 'src' ? p.src : p.dst) !== m.neg;
    case 'proto': return m.protocol === p.protocol;
    case 'ctstate': return m.states.includes('NEW');
    case 'ports': return m.ranges.some(([a, b]) => p.dport >= a && p.dport <= b);
    case 'mark': return ((mark & m.mask) >>> 0) === m.value;
    case 'set': {
      const s = sets.get(m.name)!;
      if (s.family !== p.family) return false;
      if (s.type === 'hash:ip,port') return s.pairs.has(`${p.dst} ${p.protocol} ${p.dport}`);
      const v = m.flags === 'src' ? p.src : p.dst;
      return s.ranges.some((r) => inRange(r, p.family, v));
    }
  }
}

/** Walks the opening packet through FORWARD: `-j <top>` first, then FORWARD's policy ACCEPT. */
export function oracleIptables(rs: IptablesRuleset, p: Packet): NodeVerdict {
  const chains = rs.chains[p.family];
  const matched: MatchedRule[] = [];
  const allowing: MatchedRule[] = [];
  let mark = 0;
  type Result = { readonly verdict?: 'ACCEPT' | 'DROP' | 'REJECT'; readonly by?: MatchedRule };
  const run = (chain: string, depth: number): Result => {
    if (depth > 64) throw new RulesetError(`chain ${chain}: jumps nest deeper than 64`);
    for (const r of chains.get(chain) ?? []) {
      if (!r.matches.every((m) => matches(m, p, mark, rs.sets))) continue;
      matched.push(r.where);
      const t = r.target;
      switch (t.t) {
        case 'ACCEPT': case 'DROP': case 'REJECT': return { verdict: t.t, by: r.where };
        case 'RETURN': return {};
        case 'MARK':
          mark = ((mark & ~t.mask) ^ t.value) >>> 0;
          if (t.value !== 0) allowing.push(r.where);
          break;
        case 'jump': {
          const sub = run(t.chain, depth + 1);
          if (sub.verdict) return sub;
          break;
        }
        case 'goto': return run(t.chain, depth + 1);
      }
    }
    return {};
  };
  const r = chains.has(rs.top) ? run(rs.top, 0) : {};
  if (r.verdict === 'DROP' || r.verdict === 'REJECT') return { allowed: false, deciding: [r.by!], matched, end: r.verdict };
  if (r.verdict === 'ACCEPT') return { allowed: true, deciding: [r.by!], matched, end: 'ACCEPT' };
  return { allowed: true, deciding: allowing, matched, end: 'FORWARD policy ACCEPT' };
}

function condHolds(c: NftCond, p: Packet, sets: ReadonlyMap<string, NftSet>): boolean {
  switch (c.c) {
    case 'addr': {
      if (c.family !== p.family) return false;
      const v = c.dir === 'src' ? p.src : p.dst;
      const ranges = c.range ? [c.range] : (sets.get(c.set!) as Extract<NftSet, { kind: 'addr' }>).ranges;
      return ranges.some((r) => r.family === p.family && v >= r.start && v <= r.end);
    }
    case 'addr-port':
      return c.family === p.family && c.protocol === p.protocol && (sets.get(c.set) as Extract<NftSet, { kind: 'addr-port' }>).pairs.has(`${p.dst} ${p.dport}`);
    case 'l4proto': return c.protocol === p.protocol;
    case 'ports': return c.protocol === p.protocol && c.ranges.some(([a, b]) => p.dport >= a && p.dport <= b);
    case 'ct': return c.states.includes('new');
  }
}

/** Walks the opening packet through the forward hook's base chains in priority order. */
export function oracleNft(rs: NftRuleset, p: Packet): NodeVerdict {
  const matched: MatchedRule[] = [];
  const accepting: MatchedRule[] = [];
  type Result = { readonly verdict?: 'accept' | 'drop' | 'reject'; readonly by?: MatchedRule };
  const run = (name: string, depth: number): Result => {
    if (depth > 16) throw new RulesetError(`chain ${name}: jumps nest deeper than 16`);
    for (const r of rs.chains.get(name)!.rules) {
      if (!r.conds.every((c) => condHolds(c, p, rs.sets))) continue;
      const v = r.verdict;
      let target: { chain: string; goto: boolean } | undefined;
      if (v.v === 'vmap') {
        if (v.family !== p.family) continue;
        const m = rs.sets.get(v.map) as Extract<NftSet, { kind: 'vmap' }>;
        const chain = m.entries.get(v.dir === 'src' ? p.src : p.dst);
        if (!chain) continue;
        target = { chain, goto: false };
      }
      matched.push(r.where);
      if (v.v === 'accept' || v.v === 'drop' || v.v === 'reject') return { verdict: v.v, by: r.where };
      if (v.v === 'return') return {};
      if (v.v === 'jump' || v.v === 'goto') target = { chain: v.chain, goto: v.v === 'goto' };
      if (target) {
        const sub = run(target.chain, depth + 1);
        if (sub.verdict || target.goto) return sub;
      }
    }
    return {};
  };
  for (const base of rs.forward) {
    const r = run(base, 0);
    if (r.verdict === 'drop' || r.verdict === 'reject') return { allowed: false, deciding: [r.by!], matched, end: r.verdict };
    if (r.verdict === 'accept') { accepting.push(r.by!); continue; }
    if (rs.chains.get(base)!.base!.policy === 'drop') return { allowed: false, deciding: [], matched, end: `chain ${base}: policy drop` };
  }
  return { allowed: true, deciding: accepting, matched, end: 'every base chain of the forward hook let it pass' };
}

/** One node's parsed ruleset for the oracle: a packet's verdict there. */
export interface OracleNode {
  readonly node: string;
  decide(p: Packet): NodeVerdict;
}

/** The oracle of a node's ipset + iptables texts, parsed. */
export function oracleIptablesNode(node: string, rs: IptablesRuleset): OracleNode {
  return { node, decide: (p) => oracleIptables(rs, p) };
}

/** The oracle of a node's nft text, parsed. */
export function oracleNftNode(node: string, rs: NftRuleset): OracleNode {
  return { node, decide: (p) => oracleNft(rs, p) };
}

/**
 * The per-packet engine of a set of node rulesets. `remaining` (NetworkPolicies not converted) is enforced beside them, by
 * the cluster's own NetworkPolicy implementation: a connection passes only when both let it through.
 */
export function createPacketOracle(name: string, nodes: readonly OracleNode[], remaining?: ReachabilityEngine): ReachabilityEngine {
  const byNode = new Map(nodes.map((n) => [n.node, n]));
  const decide = (c: Connection): ConnectionDecision => {
    const p: Packet = { family: c.src.family, src: addressValue(c.src.ip, c.src.family), dst: addressValue(c.dst.ip, c.dst.family), protocol: c.protocol.toLowerCase() as Packet['protocol'], dport: c.port };
    return decideCrossing(c, (node) => byNode.get(node)?.decide(p), remaining);
  };
  return {
    name,
    decide,
    matrix(endpoints: readonly Endpoint[], query: PortQuery): BitMatrix {
      const m = new BitMatrix(endpoints.length, endpoints.length);
      for (let i = 0; i < endpoints.length; i++) {
        for (let j = 0; j < endpoints.length; j++) if (decide({ src: endpoints[i], dst: endpoints[j], ...query }).allowed) m.set(i, j);
      }
      return m;
    },
  };
}

