// An evaluator of the ipset + iptables rulesets np2dfw emits for a node: it reads the `ipset restore` and
// `iptables-restore` texts themselves (not the plan they came from) and walks a packet through them as the kernel
// does: FORWARD jumps to the top chain (as `apply` installs it), chains in order, `-j` and `-g`, RETURN, marks,
// set membership, ports and ranges, conntrack state, DROP and REJECT, and FORWARD's policy ACCEPT at the end.
// The walk itself is the evaluator core's (core/chain-walk.ts): `iptablesProgram` gives it the ruleset.
// Anything it cannot read is an error naming the line, never a guess.
import { parseAddressRange, rangeCidrs, type AddressRange } from '../../net/address-range.ts';
import { addressValue, familyOf, type Family } from '../../net/ip-address.ts';
import type { PortQuery } from '../connection.ts';
import { RulesetError, type MatchedRule, type NodeVerdict, type Packet, type RulesetBoundaries } from './packet.ts';
import { AddressSets, packetVerdict, type AddressTest, type ProgramAction, type ProgramRule, type RulesetProgram } from './ruleset-program.ts';

/** One node's ipset and iptables-restore inputs, as `renderIptablesRuleset` returns them. */
export interface IptablesTexts {
  readonly ipset: string;
  readonly v4: string;
  readonly v6: string;
}

export type IpSet =
  | { readonly type: 'hash:ip' | 'hash:net'; readonly family: Family; readonly ranges: AddressRange[]; readonly texts: string[] }
  | { readonly type: 'hash:ip,port'; readonly family: Family; readonly pairs: Set<string>; readonly texts: string[] };

export type IptMatch =
  | { readonly m: 'addr'; readonly dir: 'src' | 'dst'; readonly range: AddressRange; readonly neg: boolean }
  | { readonly m: 'proto'; readonly protocol: string }
  | { readonly m: 'ctstate'; readonly states: readonly string[] }
  | { readonly m: 'set'; readonly name: string; readonly flags: string }
  | { readonly m: 'ports'; readonly ranges: readonly [number, number][] }
  | { readonly m: 'mark'; readonly value: number; readonly mask: number };

type Target =
  | { readonly t: 'ACCEPT' | 'DROP' | 'REJECT' | 'RETURN' }
  | { readonly t: 'MARK'; readonly value: number; readonly mask: number }
  | { readonly t: 'jump' | 'goto'; readonly chain: string };

export interface IptRule {
  readonly matches: readonly IptMatch[];
  readonly target: Target;
  readonly where: MatchedRule;
}

/** A parsed node ruleset: its sets and, per family, its chains. */
export interface IptablesRuleset {
  readonly sets: ReadonlyMap<string, IpSet>;
  readonly chains: { readonly 4: ReadonlyMap<string, readonly IptRule[]>; readonly 6: ReadonlyMap<string, readonly IptRule[]> };
  /** The chain FORWARD jumps to. */
  readonly top: string;
}

/** Splits a line into words, keeping double-quoted words whole (without the quotes). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] !== undefined ? m[1] : m[2]);
  return out;
}

function numberOf(text: string, where: string): number {
  const n = text.startsWith('0x') ? Number.parseInt(text.slice(2), 16) : Number(text);
  if (!Number.isInteger(n) || n < 0) throw new RulesetError(`${where}: ${text} is not a number`);
  return n;
}

function valueMask(text: string, where: string): { value: number; mask: number } {
  const [v, m] = text.split('/');
  return { value: numberOf(v, where), mask: m === undefined ? 0xffffffff : numberOf(m, where) };
}

/** Parses `ipset restore` input: `create NAME TYPE family inet|inet6 ...` and `add NAME ELEMENT` lines. */
function parseIpset(text: string): Map<string, IpSet> {
  const sets = new Map<string, IpSet>();
  text.split('\n').forEach((raw, i) => {
    const where = `ipset line ${i + 1}`;
    const w = words(raw);
    if (w.length === 0) return;
    if (w[0] === 'create') {
      const [, name, type] = w;
      const fam = w[w.indexOf('family') + 1];
      const family: Family = fam === 'inet6' ? 6 : 4;
      if (type === 'hash:ip' || type === 'hash:net') sets.set(name, { type, family, ranges: [], texts: [] });
      else if (type === 'hash:ip,port') sets.set(name, { type, family, pairs: new Set(), texts: [] });
      else throw new RulesetError(`${where}: set type ${type} is not evaluated`);
      return;
    }
    if (w[0] === 'add') {
      const s = sets.get(w[1]);
      if (!s) throw new RulesetError(`${where}: add to the undeclared set ${w[1]}`);
      if (w.length > 3) throw new RulesetError(`${where}: element options (${w.slice(3).join(' ')}) are not evaluated`);
      s.texts.push(w[2]);
      if (s.type === 'hash:ip,port') {
        const m = /^(.+),(tcp|udp|sctp):(\d+)$/.exec(w[2]);
        if (!m || familyOf(m[1]) !== s.family) throw new RulesetError(`${where}: ${w[2]} is not an address,protocol:port of the set's family`);
        s.pairs.add(`${addressValue(m[1], s.family)} ${m[2]} ${Number(m[3])}`);
      } else {
        const r = parseAddressRange(w[2]);
        if (!r || r.family !== s.family || w[2].includes('-')) throw new RulesetError(`${where}: ${w[2]} is not an address or CIDR of the set's family`);
        s.ranges.push(r);
      }
      return;
    }
    throw new RulesetError(`${where}: ${w[0]} is not evaluated`);
  });
  return sets;
}

function parseRule(w: string[], where: MatchedRule): { chain: string; rule: IptRule } {
  const at = `${where.source} line ${where.line}`;
  const chain = w[1];
  const matches: IptMatch[] = [];
  let target: Target | undefined;
  let protocol: string | undefined;
  let i = 2;
  const next = () => {
    if (i >= w.length) throw new RulesetError(`${at}: ${w[i - 1]} needs a value`);
    return w[i++];
  };
  while (i < w.length) {
    const opt = w[i++];
    let neg = false;
    let o = opt;
    if (o === '!') { neg = true; o = w[i++]; }
    switch (o) {
      case '-s': case '-d': {
        const text = next();
        const r = parseAddressRange(text);
        if (!r || text.includes('-')) throw new RulesetError(`${at}: ${text} is not an address or CIDR`);
        matches.push({ m: 'addr', dir: o === '-s' ? 'src' : 'dst', range: r, neg });
        break;
      }
      case '-p':
        protocol = next();
        matches.push({ m: 'proto', protocol });
        break;
      case '-m': {
        const module = next();
        if (!['conntrack', 'comment', 'set', 'multiport', 'mark', 'tcp', 'udp', 'sctp'].includes(module)) throw new RulesetError(`${at}: match module ${module} is not evaluated`);
        break;
      }
      case '--ctstate': matches.push({ m: 'ctstate', states: next().split(',') }); break;
      case '--comment': next(); break;
      case '--match-set': { const name = next(); matches.push({ m: 'set', name, flags: next() }); break; }
      case '--dports': case '--dport': {
        if (!protocol) throw new RulesetError(`${at}: ${o} without -p`);
        const ranges = next().split(',').map((p): [number, number] => {
          const [a, b] = p.split(':');
          return [numberOf(a, at), numberOf(b ?? a, at)];
        });
        matches.push({ m: 'ports', ranges });
        break;
      }
      case '--mark': matches.push({ m: 'mark', ...valueMask(next(), at) }); break;
      case '-j': case '-g': {
        const name = next();
        if (o === '-g') target = { t: 'goto', chain: name };
        else if (name === 'ACCEPT' || name === 'DROP' || name === 'REJECT' || name === 'RETURN') target = { t: name };
        else if (name === 'MARK') {
          if (w[i] !== '--set-xmark') throw new RulesetError(`${at}: MARK without --set-xmark is not evaluated`);
          i++;
          target = { t: 'MARK', ...valueMask(next(), at) };
        } else target = { t: 'jump', chain: name };
        break;
      }
      case '--reject-with': next(); break;
      default: throw new RulesetError(`${at}: option ${o} is not evaluated`);
    }
    if (neg && o !== '-s' && o !== '-d') throw new RulesetError(`${at}: ! ${o} is not evaluated`);
  }
  if (!target) throw new RulesetError(`${at}: a rule without -j or -g`);
  return { chain, rule: { matches, target, where } };
}

/** Parses one family's `iptables-restore` input (the filter table). */
function parseRestore(text: string, source: string): Map<string, IptRule[]> {
  const chains = new Map<string, IptRule[]>();
  let table: string | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = `${source} line ${i + 1}`;
    if (line.startsWith('*')) { table = line.slice(1); return; }
    if (line === 'COMMIT') { table = undefined; return; }
    if (table !== 'filter') throw new RulesetError(`${at}: outside the filter table`);
    if (line.startsWith(':')) { chains.set(line.slice(1).split(' ')[0], []); return; }
    const w = words(line);
    if (w[0] !== '-A') throw new RulesetError(`${at}: ${w[0]} is not evaluated (only -A rules)`);
    const { chain, rule } = parseRule(w, { line: i + 1, source, text: line });
    const list = chains.get(chain);
    if (!list) throw new RulesetError(`${at}: chain ${chain} is not declared`);
    list.push(rule);
  });
  return chains;
}

/** Reads a node's ipset and iptables-restore texts; `top` is the chain FORWARD jumps to (apply's `-j NP2DFW`). */
export function parseIptablesRuleset(texts: IptablesTexts, top = 'NP2DFW'): IptablesRuleset {
  const sets = parseIpset(texts.ipset);
  const chains = { 4: parseRestore(texts.v4, 'v4'), 6: parseRestore(texts.v6, 'v6') };
  for (const family of [4, 6] as const) {
    for (const rules of chains[family].values()) {
      for (const r of rules) {
        const at = `${r.where.source} line ${r.where.line}`;
        if ((r.target.t === 'jump' || r.target.t === 'goto') && !chains[family].has(r.target.chain)) throw new RulesetError(`${at}: target ${r.target.chain} is not a chain`);
        for (const m of r.matches) {
          if (m.m !== 'set') continue;
          const s = sets.get(m.name);
          if (!s) throw new RulesetError(`${at}: set ${m.name} does not exist`);
          if (s.family !== family) throw new RulesetError(`${at}: set ${m.name} is of the other family`);
          const want = s.type === 'hash:ip,port' ? 'dst,dst' : undefined;
          if (want ? m.flags !== want : m.flags !== 'src' && m.flags !== 'dst') throw new RulesetError(`${at}: --match-set ${m.name} ${m.flags} is not evaluated for ${s.type}`);
        }
      }
    }
  }
  return { sets, chains, top };
}

/** The address memberships of the ipsets: per hash:ip/hash:net set its ranges, per hash:ip,port set and protocol and port its addresses. */
function ipsetMemberships(sets: ReadonlyMap<string, IpSet>, into: AddressSets): { ranges: Map<string, number>; byPort: Map<string, Map<string, number>> } {
  const ranges = new Map<string, number>();
  const byPort = new Map<string, Map<string, number>>();
  for (const [name, s] of sets) {
    if (s.type !== 'hash:ip,port') {
      ranges.set(name, into.add(s.ranges));
      continue;
    }
    const groups = new Map<string, AddressRange[]>();
    for (const pair of s.pairs) {
      const [value, protocol, port] = pair.split(' ');
      const key = `${protocol} ${port}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push({ family: s.family, start: BigInt(value), end: BigInt(value) });
    }
    byPort.set(name, new Map([...groups].map(([k, list]) => [k, into.add(list)])));
  }
  return { ranges, byPort };
}

/** One iptables rule as a program rule: addresses and plain sets decide the classes, the rest the query. */
function programRule(r: IptRule, sets: ReturnType<typeof ipsetMemberships>, into: AddressSets, chainIndex: (name: string) => number): ProgramRule {
  const addresses: AddressTest[] = [];
  const query: ((q: PortQuery) => boolean)[] = [];
  const byPort: Map<string, number>[] = [];
  const marks: { value: number; mask: number }[] = [];
  let opening = true;
  for (const m of r.matches) {
    if (m.m === 'addr') addresses.push({ dir: m.dir, set: into.add([m.range]), neg: m.neg });
    else if (m.m === 'proto') query.push((q) => q.protocol.toLowerCase() === m.protocol);
    else if (m.m === 'ports') query.push((q) => m.ranges.some(([a, b]) => q.port >= a && q.port <= b));
    else if (m.m === 'ctstate') opening &&= m.states.includes('NEW');
    else if (m.m === 'mark') marks.push({ value: m.value, mask: m.mask });
    else if (sets.ranges.has(m.name)) addresses.push({ dir: m.flags === 'src' ? 'src' : 'dst', set: sets.ranges.get(m.name)!, neg: false });
    else byPort.push(sets.byPort.get(m.name)!);
  }
  const t = r.target;
  const action: ProgramAction = t.t === 'MARK' ? { kind: 'mark', value: t.value, mask: t.mask }
    : t.t === 'jump' || t.t === 'goto' ? { kind: t.t, chain: chainIndex(t.chain) }
    : { kind: t.t === 'ACCEPT' ? 'accept' : t.t === 'DROP' ? 'drop' : t.t === 'REJECT' ? 'reject' : 'return' };
  const services = (q: PortQuery): false | number[] => {
    if (!query.every((f) => f(q))) return false;
    const key = `${q.protocol.toLowerCase()} ${q.port}`;
    const need: number[] = [];
    for (const m of byPort) {
      const id = m.get(key);
      if (id === undefined) return false;
      need.push(id);
    }
    return need;
  };
  return { where: r.where, addresses, opening, services, marks, action };
}

/** The ruleset as a program of the evaluator core: both families' chains; FORWARD jumps to the top chain, then its policy ACCEPT. */
export function iptablesProgram(rs: IptablesRuleset): RulesetProgram {
  const into = new AddressSets();
  const sets = ipsetMemberships(rs.sets, into);
  const names: string[] = [];
  const index = { 4: new Map<string, number>(), 6: new Map<string, number>() };
  for (const family of [4, 6] as const) for (const name of rs.chains[family].keys()) index[family].set(name, names.push(name) - 1);
  const chains: ProgramRule[][] = names.map(() => []);
  for (const family of [4, 6] as const) {
    for (const [name, rules] of rs.chains[family]) {
      chains[index[family].get(name)!] = rules.map((r) => programRule(r, sets, into, (n) => index[family].get(n)!));
    }
  }
  return {
    dialect: 'iptables',
    sets: into.lists,
    names,
    chains,
    stages: (family) => (index[family].has(rs.top) ? [{ chain: index[family].get(rs.top)!, name: rs.top, policy: 'accept' }] : []),
    maxDepth: 64,
  };
}

/** Walks the opening packet through FORWARD: `-j <top>` first, then FORWARD's policy ACCEPT. */
export function evaluateIptables(rs: IptablesRuleset, p: Packet): NodeVerdict {
  return packetVerdict(iptablesProgram(rs), p);
}

/** Ports and addresses the ruleset names: multiport and --dport values, set elements, -s/-d addresses. */
export function iptablesBoundaries(rs: IptablesRuleset): RulesetBoundaries {
  const ports: RulesetBoundaries['ports'] = [];
  const addresses = new Set<string>();
  for (const s of rs.sets.values()) {
    if (s.type === 'hash:ip,port') {
      for (const t of s.texts) {
        const m = /^(.+),(tcp|udp|sctp):(\d+)$/.exec(t)!;
        addresses.add(m[1]);
        ports.push({ protocol: m[2].toUpperCase(), first: Number(m[3]), last: Number(m[3]) });
      }
    } else for (const r of s.ranges) for (const c of rangeCidrs(r)) addresses.add(c);
  }
  for (const family of [4, 6] as const) {
    for (const rules of rs.chains[family].values()) {
      for (const r of rules) {
        const protocol = r.matches.find((m) => m.m === 'proto');
        for (const m of r.matches) {
          if (m.m === 'addr') for (const c of rangeCidrs(m.range)) addresses.add(c);
          if (m.m === 'ports' && protocol?.m === 'proto') for (const [a, b] of m.ranges) ports.push({ protocol: protocol.protocol.toUpperCase(), first: a, last: b });
        }
      }
    }
  }
  return { ports, addresses: [...addresses] };
}
