import { createHash } from 'node:crypto';
import type { Family } from '../../net/ip-address.ts';
import { chunkPortValues } from '../../model/service-entry.ts';
import { dispatchTree, DISPATCH_LEAF } from './dispatch-tree.ts';
import type { AddressSet, NodePlan, PeerMatch, PlanRule, ServiceMatch } from './node-plan.ts';

/**
 * Names and marks of np2dfw's own iptables objects. The top chain is stable (FORWARD jumps to it once); every
 * other chain and set carries a generation letter, so a new ruleset is built beside the live one and switched in
 * by one `iptables-restore` commit.
 */
export interface IptablesNames {
  /** The stable top chain FORWARD jumps to (`NP2DFW`). Every other chain starts with `<top>-<generation>-`. */
  readonly chain: string;
  /** Prefix of ipset names (`np2dfw`): sets are `<prefix>-<generation>-<id>`. */
  readonly setPrefix: string;
  /** `a` or `b`: the generation being written. */
  readonly generation: string;
  /**
   * The packet mark bit that carries "a policy allowed this stage" from a policy chain back to the pod chain
   * (iptables cannot return two levels). Cleared before each stage and after the last.
   */
  readonly mark: number;
}

/** The defaults `np2dfw apply` uses. */
export const DEFAULT_IPTABLES_NAMES: IptablesNames = { chain: 'NP2DFW', setPrefix: 'np2dfw', generation: 'a', mark: 0x200000 };

/** The generated scripts of one node. */
export interface IptablesRuleset {
  /** Input of `ipset restore`: creates and fills this generation's sets. */
  readonly ipset: string;
  /** Input of `iptables-restore --noflush` (IPv4). */
  readonly v4: string;
  /** Input of `ip6tables-restore --noflush` (IPv6). */
  readonly v6: string;
  /** The kernel names of this generation's sets, chains (per family) and how many rules each family has. */
  readonly setNames: readonly string[];
  readonly chains: readonly string[];
  readonly ruleCount: { readonly 4: number; readonly 6: number };
  /** A hash of the rules and of the sets' names and types (not their contents). */
  readonly fingerprint: string;
}

/** The ipset name of a plan set in a generation (at most 31 characters). */
export function ipsetName(names: IptablesNames, set: AddressSet): string {
  return `${names.setPrefix}-${names.generation}-${set.id}`;
}

function ipsetType(s: AddressSet): string {
  return s.kind === 'ip' ? 'hash:ip' : s.kind === 'net' ? 'hash:net' : 'hash:ip,port';
}

/** hash:net takes prefixes from 1: `0.0.0.0/0` and `::/0` become their two halves. */
export function splitZeroPrefix(cidr: string): string[] {
  if (cidr === '0.0.0.0/0') return ['0.0.0.0/1', '128.0.0.0/1'];
  if (cidr === '::/0') return ['::/1', '8000::/1'];
  return [cidr];
}

/** `ipset restore` input for the plan's sets (this generation's names). */
export function renderIpset(plan: NodePlan, names: IptablesNames): string {
  const lines: string[] = [];
  for (const s of plan.sets) {
    const name = ipsetName(names, s);
    const size = Math.max(1024, 2 ** Math.ceil(Math.log2(Math.max(1, s.elements.length))));
    lines.push(`create ${name} ${ipsetType(s)} family ${s.family === 4 ? 'inet' : 'inet6'} hashsize ${Math.min(size, 1 << 20)} maxelem ${Math.max(65536, s.elements.length * 2)}`);
    for (const e of s.kind === 'net' ? s.elements.flatMap(splitZeroPrefix) : s.elements) {
      const value = s.kind === 'ipport' ? `${e.split(' ')[0]},${s.protocol!.toLowerCase()}:${e.split(' ')[1]}` : e;
      lines.push(`add ${name} ${value}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** The most values `multiport --dports` takes (the kernel's XT_MULTI_PORTS), a range counting 2. */
const MULTIPORT_MAX_VALUES = 15;

/** `multiport --dports` takes 15 values, a range counting 2: the ports in chunks that fit, ranges as `first:last`. */
export function multiportChunks(ports: readonly string[]): string[][] {
  return chunkPortValues(ports, MULTIPORT_MAX_VALUES).map((chunk) => chunk.map((p) => p.replace('-', ':')));
}

/** How a rule refers to a set: by its ipset name, or (plain iptables, no sets) by the set itself, inlined. */
interface SetRef {
  readonly name: (id: string) => string;
  /** Present in plain mode: the set whose elements become one rule each. */
  readonly inline?: (id: string) => AddressSet;
}

function peerOptions(m: PeerMatch, family: Family, dir: 'src' | 'dst', ref: SetRef): string[] {
  if (m === 'any') return [''];
  if (ref.inline) {
    const flag = dir === 'src' ? '-s' : '-d';
    return m[family].flatMap((id) => ref.inline!(id).elements.map((e) => ` ${flag} ${e}`));
  }
  return m[family].map((id) => ` -m set --match-set ${ref.name(id)} ${dir}`);
}

function serviceOptions(services: 'any' | readonly ServiceMatch[], family: Family, ref: SetRef): { match: string; protocol?: string }[] {
  if (services === 'any') return [{ match: '' }];
  const out: { match: string; protocol?: string }[] = [];
  for (const s of services) {
    const p = s.protocol.toLowerCase();
    if (s.named && ref.inline) {
      for (const e of ref.inline(s.named[family]).elements) {
        const [ip, port] = e.split(' ');
        out.push({ match: ` -p ${p} -d ${ip} --dport ${port}`, protocol: p });
      }
    } else if (s.named) out.push({ match: ` -p ${p} -m set --match-set ${ref.name(s.named[family])} dst,dst`, protocol: p });
    else if (!s.ports) out.push({ match: ` -p ${p}`, protocol: p });
    else for (const chunk of multiportChunks(s.ports)) out.push({ match: ` -p ${p} -m multiport --dports ${chunk.join(',')}`, protocol: p });
  }
  return out;
}

/** The iptables lines of one rule in a block chain (empty when it cannot match in this family). */
function ruleLines(chain: string, rule: PlanRule, family: Family, names: IptablesNames, ref: SetRef): string[] {
  const srcs = peerOptions(rule.src, family, 'src', ref);
  const dsts = peerOptions(rule.dst, family, 'dst', ref);
  const svcs = serviceOptions(rule.services, family, ref);
  const mark = `0x${names.mark.toString(16)}`;
  const lines: string[] = [];
  for (const s of srcs) {
    for (const d of dsts) {
      for (const v of svcs) {
        const m = `-A ${chain}${s}${d}${v.match}`;
        if (rule.action === 'ALLOW') lines.push(`${m} -j MARK --set-xmark ${mark}/${mark}`);
        else if (rule.action === 'DROP') lines.push(`${m} -j DROP`);
        else {
          if (v.protocol === undefined) lines.push(`${m} -p tcp -j REJECT --reject-with tcp-reset`);
          lines.push(v.protocol === 'tcp' ? `${m} -j REJECT --reject-with tcp-reset` : `${m} -j REJECT`);
        }
      }
    }
  }
  if (rule.action === 'ALLOW' && lines.length) lines.push(`-A ${chain} -m mark --mark ${mark}/${mark} -j RETURN`);
  return lines;
}

/**
 * `iptables-restore --noflush` input for one family: declares (and so empties) the top chain and this
 * generation's chains, fills them, and nothing else: FORWARD's jump to the top chain is added separately, once.
 * Top chain: established and related traffic returns unjudged; then the OUT chain of a protected source; then
 * the IN chain of a protected destination; a drop ends it, an allow or no match returns to FORWARD.
 * Pods whose stage goes through the same policy blocks share one pod chain (`<top>-<gen>-O<k>` / `-I<k>`);
 * only the pods with an address of the family, and the blocks they use, are written.
 */
export function renderIptables(plan: NodePlan, names: IptablesNames, family: Family, options: { plain?: boolean } = {}): { text: string; rules: number; chains: string[] } {
  const setById = new Map(plan.sets.map((s) => [s.id, s]));
  const ref: SetRef = { name: (id) => ipsetName(names, setById.get(id)!), inline: options.plain ? (id) => setById.get(id)! : undefined };
  const mark = `0x${names.mark.toString(16)}`;
  const top = names.chain;
  const base = `${names.chain}-${names.generation}`;
  const blockChain = (id: string) => `${base}-${id.toUpperCase()}`;
  const chains: string[] = [top];
  const body: string[] = [];
  const podChains: string[] = [];
  const usedBlocks = new Set<string>();
  body.push(`-A ${top} -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN`);
  for (const stage of ['out', 'in'] as const) {
    body.push(`-A ${top} -j MARK --set-xmark 0x0/${mark}`);
    const shared = new Map<string, string>();
    const entries: { ip: string; target: string }[] = [];
    for (const p of plan.pods) {
      const ip = p.ips[family];
      const list = p[stage];
      if (!ip || list.length === 0) continue;
      const key = list.join(',');
      let chain = shared.get(key);
      if (!chain) {
        chain = `${base}-${stage === 'out' ? 'O' : 'I'}${shared.size}`;
        shared.set(key, chain);
        chains.push(chain);
        for (const b of list) {
          usedBlocks.add(b);
          podChains.push(`-A ${chain} -j ${blockChain(b)}`, `-A ${chain} -m mark --mark ${mark}/${mark} -j RETURN`);
        }
      }
      entries.push({ ip, target: chain });
    }
    const flag = stage === 'out' ? '-s' : '-d';
    if (entries.length <= DISPATCH_LEAF) {
      // few pods: test each address in the top chain
      for (const e of entries) body.push(`-A ${top} ${flag} ${e.ip}${family === 4 ? '/32' : '/128'} -j ${e.target}`);
    } else {
      const root = `${base}-${stage === 'out' ? 'OD' : 'ID'}`;
      const tree = dispatchTree(entries, family, flag, root, (n) => `${root}${n}`);
      chains.push(root, ...tree.chains);
      body.push(`-A ${top} -j ${root}`, ...tree.lines);
    }
  }
  body.push(`-A ${top} -j MARK --set-xmark 0x0/${mark}`);
  body.push(...podChains);
  for (const b of plan.blocks) {
    if (!usedBlocks.has(b.id)) continue;
    const chain = blockChain(b.id);
    chains.push(chain);
    for (const r of b.rules) body.push(...ruleLines(chain, r, family, names, ref));
  }
  const text = ['*filter', ...chains.map((c) => `:${c} - [0:0]`), ...body, 'COMMIT', ''].join('\n');
  return { text, rules: body.length, chains };
}

/**
 * Both families' iptables input and the ipset script of a node's plan. `plain`: no ipset at all, every set
 * element its own rule (what seed 004 warns against; kept for the benchmark's comparison).
 */
export function renderIptablesRuleset(plan: NodePlan, names: IptablesNames = DEFAULT_IPTABLES_NAMES, options: { plain?: boolean } = {}): IptablesRuleset {
  const v4 = renderIptables(plan, names, 4, options);
  const v6 = renderIptables(plan, names, 6, options);
  // The rules' fingerprint (set contents left out): an update whose rules are the same only refills the sets.
  const shape = plan.sets.map((s) => `${s.id} ${s.kind} ${s.family} ${s.protocol ?? ''}`).join('\n');
  const fingerprint = createHash('sha256').update(`${options.plain ? 'plain' : 'ipset'}\n${v4.text}\n${v6.text}\n${shape}`).digest('hex').slice(0, 16);
  // The stamp rides on the established rule rather than a rule of its own, which every packet would pass.
  const stamp = (text: string) => text.replace(
    `-A ${names.chain} -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN`,
    `-A ${names.chain} -m conntrack --ctstate ESTABLISHED,RELATED -m comment --comment "${rulesetStamp(names, fingerprint)}" -j RETURN`,
  );
  return {
    ipset: options.plain ? '' : renderIpset(plan, names),
    v4: stamp(v4.text),
    v6: stamp(v6.text),
    setNames: options.plain ? [] : plan.sets.map((s) => ipsetName(names, s)),
    chains: v4.chains,
    ruleCount: { 4: v4.rules, 6: v6.rules },
    fingerprint,
  };
}

/** The comment the top chain carries: which generation is in force and its rules' fingerprint. */
export function rulesetStamp(names: IptablesNames, fingerprint: string): string {
  return `np2dfw generation ${names.generation} rules ${fingerprint}`;
}

/**
 * `ipset restore` inputs that refill this generation's live sets in place: `fill` creates and fills a temporary
 * set beside each live one (a failure there changes nothing in force); `swap` then swaps each pair (`ipset swap`,
 * atomic per set, and it cannot fail for sets of the same type) and destroys the temporaries.
 */
export function renderIpsetSwap(plan: NodePlan, names: IptablesNames): { fill: string; swap: string } {
  const fill: string[] = [];
  for (const line of renderIpset(plan, names).split('\n')) {
    if (!line) continue;
    const [verb, name, ...rest] = line.split(' ');
    fill.push([verb, `${name}-t`, ...rest].join(' '));
  }
  const swap: string[] = [];
  for (const s of plan.sets) {
    const name = ipsetName(names, s);
    swap.push(`swap ${name}-t ${name}`, `destroy ${name}-t`);
  }
  const text = (lines: string[]) => (lines.length ? `${lines.join('\n')}\n` : '');
  return { fill: text(fill), swap: text(swap) };
}
