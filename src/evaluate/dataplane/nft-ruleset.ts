// An evaluator of the nftables ruleset np2dfw emits for a node: it reads the `nft -f` text itself and walks a
// packet through it as the kernel does: the base chains of the forward hook by priority (accept ends one base
// chain, drop and reject end everything), sets, interval sets, concatenations, verdict maps, jump, goto and
// return, port sets and ranges, conntrack state, and each base chain's policy. Anything it cannot read is an error
// naming the line, never a guess. The walk itself is the evaluator core's (core/chain-walk.ts): `nftProgram`
// gives it the ruleset.
import { parseAddressRange, rangeCidrs, type AddressRange } from '../../net/address-range.ts';
import { addressValue, familyOf, type Family } from '../../net/ip-address.ts';
import type { PortQuery } from '../connection.ts';
import { RulesetError, type MatchedRule, type NodeVerdict, type Packet, type RulesetBoundaries } from './packet.ts';
import { AddressSets, packetVerdict, type AddressTest, type ProgramAction, type ProgramRule, type ProgramStage, type RulesetProgram } from './ruleset-program.ts';

export type NftSet =
  | { readonly kind: 'addr'; readonly family: Family; readonly ranges: AddressRange[]; readonly texts: string[] }
  | { readonly kind: 'addr-port'; readonly family: Family; readonly pairs: Set<string>; readonly texts: string[] }
  | { readonly kind: 'vmap'; readonly family: Family; readonly entries: Map<bigint, string> };

export type NftCond =
  | { readonly c: 'addr'; readonly family: Family; readonly dir: 'src' | 'dst'; readonly set?: string; readonly range?: AddressRange }
  | { readonly c: 'addr-port'; readonly family: Family; readonly protocol: string; readonly set: string }
  | { readonly c: 'l4proto'; readonly protocol: string }
  | { readonly c: 'ports'; readonly protocol: string; readonly ranges: readonly [number, number][] }
  | { readonly c: 'ct'; readonly states: readonly string[] };

type Verdict =
  | { readonly v: 'accept' | 'drop' | 'reject' | 'return' | 'continue' }
  | { readonly v: 'jump' | 'goto'; readonly chain: string }
  | { readonly v: 'vmap'; readonly family: Family; readonly dir: 'src' | 'dst'; readonly map: string };

export interface NftRule {
  readonly conds: readonly NftCond[];
  readonly verdict: Verdict;
  readonly where: MatchedRule;
}

interface NftChain {
  readonly rules: NftRule[];
  base?: { readonly priority: number; readonly policy: 'accept' | 'drop' };
}

/** A parsed `inet` table. */
export interface NftRuleset {
  readonly sets: ReadonlyMap<string, NftSet>;
  readonly chains: ReadonlyMap<string, NftChain>;
  /** The forward hook's base chains, by priority. */
  readonly forward: readonly string[];
}

const PROTOCOLS = ['tcp', 'udp', 'sctp'];

function priorityOf(text: string, at: string): number {
  const m = /^(filter|-?\d+)(?:\s*([+-])\s*(\d+))?$/.exec(text.trim());
  if (!m) throw new RulesetError(`${at}: priority ${text} is not evaluated`);
  const base = m[1] === 'filter' ? 0 : Number(m[1]);
  return base + (m[2] ? (m[2] === '+' ? 1 : -1) * Number(m[3]) : 0);
}

function familyOfKey(k: string): Family | undefined {
  return k === 'ip' ? 4 : k === 'ip6' ? 6 : undefined;
}

/** Parses a rule's words into conditions and one verdict. */
function parseRule(text: string, where: MatchedRule): NftRule {
  const at = `${where.source} line ${where.line}`;
  const w = text.replace(/\{\s*/g, '{ ').replace(/\s*\}/g, ' }').split(/\s+/).filter((x) => x);
  const conds: NftCond[] = [];
  let verdict: Verdict | undefined;
  let i = 0;
  while (i < w.length) {
    if (verdict) throw new RulesetError(`${at}: ${w.slice(i).join(' ')} after the verdict`);
    const word = w[i];
    const fam = familyOfKey(word);
    if (fam && (w[i + 1] === 'saddr' || w[i + 1] === 'daddr')) {
      const dir = w[i + 1] === 'saddr' ? 'src' : 'dst';
      if (w[i + 2] === '.') {
        // ip daddr . tcp dport @set
        const protocol = w[i + 3];
        if (!PROTOCOLS.includes(protocol) || w[i + 4] !== 'dport' || !w[i + 5]?.startsWith('@') || dir !== 'dst') throw new RulesetError(`${at}: concatenation ${w.slice(i, i + 6).join(' ')} is not evaluated`);
        conds.push({ c: 'addr-port', family: fam, protocol, set: w[i + 5].slice(1) });
        i += 6;
      } else if (w[i + 2] === 'vmap') {
        if (!w[i + 3]?.startsWith('@')) throw new RulesetError(`${at}: an inline verdict map is not evaluated`);
        verdict = { v: 'vmap', family: fam, dir, map: w[i + 3].slice(1) };
        i += 4;
      } else if (w[i + 2]?.startsWith('@')) {
        conds.push({ c: 'addr', family: fam, dir, set: w[i + 2].slice(1) });
        i += 3;
      } else {
        const r = w[i + 2] ? parseAddressRange(w[i + 2]) : undefined;
        if (!r || r.family !== fam) throw new RulesetError(`${at}: ${w[i + 2]} is not an address of ${word}`);
        conds.push({ c: 'addr', family: fam, dir, range: r });
        i += 3;
      }
      continue;
    }
    if (word === 'meta' && w[i + 1] === 'l4proto' && PROTOCOLS.includes(w[i + 2])) {
      conds.push({ c: 'l4proto', protocol: w[i + 2] });
      i += 3;
      continue;
    }
    if (PROTOCOLS.includes(word) && w[i + 1] === 'dport') {
      const ranges: [number, number][] = [];
      let j = i + 2;
      const one = (t: string) => {
        const [a, b] = t.replace(/,$/, '').split('-');
        const lo = Number(a);
        const hi = Number(b ?? a);
        if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw new RulesetError(`${at}: port ${t} is not evaluated`);
        ranges.push([lo, hi]);
      };
      if (w[j] === '{') {
        j++;
        while (j < w.length && w[j] !== '}') { if (w[j] !== ',') one(w[j]); j++; }
        if (w[j] !== '}') throw new RulesetError(`${at}: an unclosed port set`);
        j++;
      } else one(w[j++]);
      conds.push({ c: 'ports', protocol: word, ranges });
      i = j;
      continue;
    }
    if (word === 'ct' && w[i + 1] === 'state') {
      conds.push({ c: 'ct', states: w[i + 2].split(',') });
      i += 3;
      continue;
    }
    if (word === 'accept' || word === 'drop' || word === 'return' || word === 'continue') { verdict = { v: word }; i++; continue; }
    if (word === 'reject') {
      verdict = { v: 'reject' };
      i++;
      if (w[i] === 'with') {
        if (w[i + 1] === 'tcp' && w[i + 2] === 'reset') i += 3;
        else throw new RulesetError(`${at}: reject with ${w[i + 1]} is not evaluated`);
      }
      continue;
    }
    if ((word === 'jump' || word === 'goto') && w[i + 1]) { verdict = { v: word, chain: w[i + 1] }; i += 2; continue; }
    throw new RulesetError(`${at}: ${w.slice(i).join(' ')} is not evaluated`);
  }
  return { conds, verdict: verdict ?? { v: 'continue' }, where };
}

/** Splits `elements = { a, b, c }` contents into elements. */
function elementsOf(text: string): string[] {
  return text.split(',').map((e) => e.trim()).filter((e) => e);
}

/** A set or map block of the np2dfw table, as read. */
interface SetBlock {
  readonly kind: 'set' | 'map' | 'chain';
  readonly name: string;
  type?: string;
  elements?: string;
  readonly line: number;
}

/** The set or map a finished block declares. */
function setOrMapOf(b: SetBlock, source: string): NftSet {
  const at = `${source} line ${b.line}`;
  const type = b.type ?? '';
  const elements = elementsOf(b.elements ?? '');
  const addrFamily = (t: string): Family | undefined => (t === 'ipv4_addr' ? 4 : t === 'ipv6_addr' ? 6 : undefined);
  if (b.kind === 'map') {
    const m = /^(ipv[46]_addr)\s*:\s*verdict$/.exec(type);
    const family = m ? addrFamily(m[1]) : undefined;
    if (!family) throw new RulesetError(`${at}: map type ${type} is not evaluated`);
    const entries = new Map<bigint, string>();
    for (const e of elements) {
      const em = /^(\S+)\s*:\s*jump\s+(\S+)$/.exec(e);
      if (!em || familyOf(em[1]) !== family) throw new RulesetError(`${at}: map element ${e} is not evaluated`);
      entries.set(addressValue(em[1], family), em[2]);
    }
    return { kind: 'vmap', family, entries };
  }
  const concat = /^(ipv[46]_addr)\s*\.\s*inet_service$/.exec(type);
  if (concat) {
    const family = addrFamily(concat[1])!;
    const pairs = new Set<string>();
    for (const e of elements) {
      const em = /^(\S+)\s*\.\s*(\d+)$/.exec(e);
      if (!em || familyOf(em[1]) !== family) throw new RulesetError(`${at}: element ${e} is not an address . port`);
      pairs.add(`${addressValue(em[1], family)} ${Number(em[2])}`);
    }
    return { kind: 'addr-port', family, pairs, texts: elements };
  }
  const family = addrFamily(type);
  if (!family) throw new RulesetError(`${at}: set type ${type} is not evaluated`);
  const ranges = elements.map((e) => {
    const r = parseAddressRange(e);
    if (!r || r.family !== family) throw new RulesetError(`${at}: element ${e} is not an address, CIDR or range of the set's family`);
    return r;
  });
  return { kind: 'addr', family, ranges, texts: elements };
}

/** Every jump, goto, map and set a rule names exists (and a set fits its use). */
function checkReferences(sets: ReadonlyMap<string, NftSet>, chains: ReadonlyMap<string, NftChain>, source: string): void {
  for (const [name, c] of chains) {
    for (const r of c.rules) {
      const at = `${source} line ${r.where.line}`;
      if ((r.verdict.v === 'jump' || r.verdict.v === 'goto') && !chains.has(r.verdict.chain)) throw new RulesetError(`${at}: chain ${r.verdict.chain} does not exist`);
      if (r.verdict.v === 'vmap' && sets.get(r.verdict.map)?.kind !== 'vmap') throw new RulesetError(`${at}: map ${r.verdict.map} does not exist`);
      for (const cond of r.conds) {
        if ((cond.c === 'addr' && cond.set) || cond.c === 'addr-port') {
          const s = sets.get(cond.set!);
          if (!s || s.kind === 'vmap' || s.family !== cond.family || (cond.c === 'addr-port') !== (s.kind === 'addr-port')) throw new RulesetError(`${at}: set ${cond.set} does not exist or does not fit (chain ${name})`);
        }
      }
    }
    for (const s of sets.values()) {
      if (s.kind === 'vmap') for (const target of s.entries.values()) if (!chains.has(target)) throw new RulesetError(`${source}: a map jumps to ${target}, which does not exist`);
    }
  }
}

/** Reads one node's `nft -f` text (the np2dfw table). */
export function parseNftRuleset(text: string, source = 'nft'): NftRuleset {
  const lines = text.split('\n');
  const sets = new Map<string, NftSet>();
  const chains = new Map<string, NftChain>();
  let block: SetBlock | undefined;
  let collecting: { start: number; text: string } | undefined;
  let inTable = false;
  lines.forEach((raw, i) => {
    const at = `${source} line ${i + 1}`;
    let line = raw.trim();
    if (collecting) {
      collecting.text += ` ${line}`;
      if (!line.includes('}')) return;
      block!.elements = collecting.text.slice(0, collecting.text.lastIndexOf('}'));
      collecting = undefined;
      return;
    }
    if (line === '' || line.startsWith('#')) return;
    if (!inTable) {
      if (/^table inet \S+ \{\}$/.test(line) || /^delete table inet \S+$/.test(line)) return;
      if (/^table inet \S+ \{$/.test(line)) { inTable = true; return; }
      throw new RulesetError(`${at}: ${line} is not evaluated`);
    }
    if (!block) {
      const m = /^(set|map|chain) (\S+) \{$/.exec(line);
      if (m) {
        block = { kind: m[1] as 'set' | 'map' | 'chain', name: m[2], line: i + 1 };
        if (block.kind === 'chain') chains.set(m[2], { rules: [] });
        return;
      }
      if (line === '}') { inTable = false; return; }
      throw new RulesetError(`${at}: ${line} is not evaluated`);
    }
    if (line === '}') {
      if (block.kind !== 'chain') sets.set(block.name, setOrMapOf(block, source));
      block = undefined;
      return;
    }
    if (line.startsWith('comment ')) return;
    if (block.kind !== 'chain') {
      if (line.startsWith('type ')) { block.type = line.slice(5).trim(); return; }
      if (line === 'flags interval' || line === 'auto-merge') return;
      const em = /^elements = \{(.*)$/.exec(line);
      if (em) {
        if (em[1].includes('}')) block.elements = em[1].slice(0, em[1].lastIndexOf('}'));
        else collecting = { start: i, text: em[1] };
        return;
      }
      throw new RulesetError(`${at}: ${line} is not evaluated`);
    }
    const chain = chains.get(block.name)!;
    const base = /^type filter hook (\w+) priority ([^;]+);\s*policy (accept|drop);$/.exec(line);
    if (base) {
      if (base[1] !== 'forward') throw new RulesetError(`${at}: hook ${base[1]} is not evaluated`);
      chain.base = { priority: priorityOf(base[2], at), policy: base[3] as 'accept' | 'drop' };
      return;
    }
    line = line.replace(/;$/, '');
    chain.rules.push(parseRule(line, { line: i + 1, source, text: `chain ${block.name}: ${line}` }));
  });
  if (block || inTable) throw new RulesetError(`${source}: the text ends inside a block`);
  checkReferences(sets, chains, source);
  const forward = [...chains].filter(([, c]) => c.base).sort((a, b) => a[1].base!.priority - b[1].base!.priority).map(([n]) => n);
  return { sets, chains, forward };
}

/** The address memberships of the sets: per address set its ranges, per address . port set and port its addresses, per verdict map and target chain its keys. */
function nftMemberships(sets: ReadonlyMap<string, NftSet>, into: AddressSets): { ranges: Map<string, number>; byPort: Map<string, Map<number, number>>; maps: Map<string, Map<string, number>> } {
  const ranges = new Map<string, number>();
  const byPort = new Map<string, Map<number, number>>();
  const maps = new Map<string, Map<string, number>>();
  const grouped = <K>(entries: Iterable<[K, bigint]>, family: Family): Map<K, number> => {
    const groups = new Map<K, AddressRange[]>();
    for (const [k, v] of entries) {
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push({ family, start: v, end: v });
    }
    return new Map([...groups].map(([k, list]) => [k, into.add(list)]));
  };
  for (const [name, s] of sets) {
    if (s.kind === 'addr') ranges.set(name, into.add(s.ranges));
    else if (s.kind === 'vmap') maps.set(name, grouped([...s.entries].map(([v, chain]): [string, bigint] => [chain, v]), s.family));
    else byPort.set(name, grouped([...s.pairs].map((pair): [number, bigint] => [Number(pair.split(' ')[1]), BigInt(pair.split(' ')[0])]), s.family));
  }
  return { ranges, byPort, maps };
}

/** One nft rule as a program rule: addresses and address sets decide the classes, the rest the query. */
function programRule(r: NftRule, sets: ReturnType<typeof nftMemberships>, into: AddressSets, chainIndex: (name: string) => number): ProgramRule {
  const addresses: AddressTest[] = [];
  const query: ((q: PortQuery) => boolean)[] = [];
  const byPort: Map<number, number>[] = [];
  let opening = true;
  for (const c of r.conds) {
    if (c.c === 'addr') addresses.push({ dir: c.dir, set: c.range ? into.add([c.range]) : sets.ranges.get(c.set!)!, neg: false });
    else if (c.c === 'addr-port') {
      query.push((q) => q.protocol.toLowerCase() === c.protocol);
      byPort.push(sets.byPort.get(c.set)!);
    } else if (c.c === 'l4proto') query.push((q) => q.protocol.toLowerCase() === c.protocol);
    else if (c.c === 'ports') query.push((q) => q.protocol.toLowerCase() === c.protocol && c.ranges.some(([a, b]) => q.port >= a && q.port <= b));
    else opening &&= c.states.includes('new');
  }
  const v = r.verdict;
  const action: ProgramAction = v.v === 'vmap'
    ? { kind: 'dispatch', entries: [...sets.maps.get(v.map)!].map(([chain, set]) => ({ dir: v.dir, set, chain: chainIndex(chain) })) }
    : v.v === 'jump' || v.v === 'goto' ? { kind: v.v, chain: chainIndex(v.chain) } : { kind: v.v };
  const services = (q: PortQuery): false | number[] => {
    if (!query.every((f) => f(q))) return false;
    const need: number[] = [];
    for (const m of byPort) {
      const id = m.get(q.port);
      if (id === undefined) return false;
      need.push(id);
    }
    return need;
  };
  return { where: r.where, addresses, opening, services, marks: [], action };
}

/** The ruleset as a program of the evaluator core: the forward hook's base chains by priority, each with its policy. */
export function nftProgram(rs: NftRuleset): RulesetProgram {
  const into = new AddressSets();
  const sets = nftMemberships(rs.sets, into);
  const names = [...rs.chains.keys()];
  const index = new Map(names.map((n, i) => [n, i]));
  const chains = [...rs.chains.values()].map((c) => c.rules.map((r) => programRule(r, sets, into, (n) => index.get(n)!)));
  const stages: ProgramStage[] = rs.forward.map((name) => ({ chain: index.get(name)!, name, policy: rs.chains.get(name)!.base!.policy }));
  return { dialect: 'nft', sets: into.lists, names, chains, stages: () => stages, maxDepth: 16 };
}

/** Walks the opening packet through the forward hook's base chains in priority order. */
export function evaluateNft(rs: NftRuleset, p: Packet): NodeVerdict {
  return packetVerdict(nftProgram(rs), p);
}

/** Ports and addresses the ruleset names: port sets and ranges, set and map elements, literal addresses. */
export function nftBoundaries(rs: NftRuleset): RulesetBoundaries {
  const ports: RulesetBoundaries['ports'] = [];
  const addresses = new Set<string>();
  for (const s of rs.sets.values()) {
    if (s.kind === 'addr') for (const r of s.ranges) for (const c of rangeCidrs(r)) addresses.add(c);
    else if (s.kind === 'vmap') for (const k of s.entries.keys()) addresses.add(rangeCidrs({ family: s.family, start: k, end: k })[0]);
    else for (const t of s.texts) addresses.add(t.split('.').slice(0, -1).join('.').trim());
  }
  for (const c of rs.chains.values()) {
    for (const r of c.rules) {
      for (const cond of r.conds) {
        if (cond.c === 'ports') for (const [a, b] of cond.ranges) ports.push({ protocol: cond.protocol.toUpperCase(), first: a, last: b });
        if (cond.c === 'addr' && cond.range) for (const x of rangeCidrs(cond.range)) addresses.add(x);
        if (cond.c === 'addr-port') {
          const s = rs.sets.get(cond.set) as Extract<NftSet, { kind: 'addr-port' }>;
          for (const t of s.texts) ports.push({ protocol: cond.protocol.toUpperCase(), first: Number(t.slice(t.lastIndexOf('.') + 1)), last: Number(t.slice(t.lastIndexOf('.') + 1)) });
        }
      }
    }
  }
  return { ports, addresses: [...addresses] };
}
