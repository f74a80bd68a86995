import type { Family } from '../../net/ip-address.ts';
import type { AddressSet, NodePlan, PeerMatch, PlanRule, ServiceMatch } from '../iptables/node-plan.ts';

/** The name of np2dfw's own table (family `inet`): nothing else of the ruleset is ever touched. */
export const DEFAULT_NFT_TABLE = 'np2dfw';

/** The generated nftables ruleset of one node and its size. */
export interface NftRuleset {
  /**
   * One `nft -f` transaction: makes sure the table exists, deletes it and recreates it with the new content, so
   * that the old ruleset stays in force until the whole new one is committed, and a failure changes nothing.
   */
  readonly text: string;
  readonly rules: number;
  readonly sets: number;
  readonly elements: number;
}

function setName(s: AddressSet): string {
  return `${s.kind === 'ip' ? 'ip' : s.kind === 'net' ? 'net' : 'port'}${s.id.slice(1).replace('-', '_')}`;
}

function setType(s: AddressSet): string {
  const addr = s.family === 4 ? 'ipv4_addr' : 'ipv6_addr';
  return s.kind === 'ipport' ? `${addr} . inet_service` : addr;
}

function elementText(s: AddressSet, e: string): string {
  if (s.kind !== 'ipport') return e;
  const [ip, port] = e.split(' ');
  return `${ip} . ${port}`;
}

/** Renders a set, 500 elements per line so that huge sets stay parseable. */
function renderSet(s: AddressSet): string[] {
  const lines = [`\tset ${setName(s)} {`, `\t\ttype ${setType(s)}`];
  if (s.kind === 'net') lines.push('\t\tflags interval', '\t\tauto-merge');
  lines.push(`\t\tcomment ${JSON.stringify(s.comment.slice(0, 120))}`);
  if (s.elements.length) {
    const chunks: string[] = [];
    for (let i = 0; i < s.elements.length; i += 500) chunks.push(s.elements.slice(i, i + 500).map((e) => elementText(s, e)).join(', '));
    lines.push(`\t\telements = { ${chunks.join(',\n\t\t\t')} }`);
  }
  lines.push('\t}');
  return lines;
}

function addrKey(family: Family, dir: 'saddr' | 'daddr'): string {
  return `${family === 4 ? 'ip' : 'ip6'} ${dir}`;
}

function peerOptions(m: PeerMatch, family: Family, dir: 'saddr' | 'daddr', name: (id: string) => string): string[] {
  if (m === 'any') return [''];
  return m[family].map((id) => `${addrKey(family, dir)} @${name(id)} `);
}

function serviceOptions(services: 'any' | readonly ServiceMatch[], family: Family, name: (id: string) => string): { match: string; tcp: boolean | undefined }[] {
  if (services === 'any') return [{ match: '', tcp: undefined }];
  return services.map((s) => {
    const p = s.protocol.toLowerCase();
    const tcp = p === 'tcp';
    if (s.named) return { match: `${addrKey(family, 'daddr')} . ${p} dport @${name(s.named[family])} `, tcp };
    if (!s.ports) return { match: `meta l4proto ${p} `, tcp };
    return { match: `${p} dport { ${s.ports.join(', ')} } `, tcp };
  });
}

function verdicts(action: PlanRule['action'], tcp: boolean | undefined): string[] {
  if (action === 'ALLOW') return ['accept'];
  if (action === 'DROP') return ['drop'];
  if (tcp === true) return ['reject with tcp reset'];
  if (tcp === false) return ['reject'];
  return ['meta l4proto tcp reject with tcp reset', 'reject'];
}

/** Whether the rule needs no address family of its own (any address on both sides, no named port). */
function familyFree(rule: PlanRule): boolean {
  return rule.src === 'any' && rule.dst === 'any' && (rule.services === 'any' || rule.services.every((s) => !s.named));
}

function ruleLines(rule: PlanRule, name: (id: string) => string): string[] {
  const out: string[] = [];
  const families: (Family | undefined)[] = familyFree(rule) ? [undefined] : [4, 6];
  for (const f of families) {
    const fam: Family = f ?? 4;
    for (const s of peerOptions(rule.src, fam, 'saddr', name)) {
      for (const d of peerOptions(rule.dst, fam, 'daddr', name)) {
        for (const v of serviceOptions(rule.services, fam, name)) {
          for (const verdict of verdicts(rule.action, v.tcp)) out.push(`\t\t${s}${d}${v.match}${verdict}`);
        }
      }
    }
  }
  return out;
}

/**
 * The node's plan as one nftables transaction on the table `inet <table>`. Two base chains on the forward hook:
 * `out_stage` (priority filter) sends a protected source's packets through its OUT chain, then `in_stage`
 * (priority filter + 1) a protected destination's packets through its IN chain. In a policy chain an allow is
 * `accept`, which ends only the current base chain, so a packet between two pods of the node passes the
 * source's OUT verdict and then the destination's IN verdict; a drop ends everything; no match falls through
 * (default allow). Established and related traffic is accepted first in both stages.
 */
export function renderNftables(plan: NodePlan, table: string = DEFAULT_NFT_TABLE): NftRuleset {
  const byId = new Map(plan.sets.map((s) => [s.id, s]));
  const name = (id: string) => setName(byId.get(id)!);
  const lines: string[] = [`table inet ${table} {}`, `delete table inet ${table}`, `table inet ${table} {`];
  let rules = 0;
  for (const s of plan.sets) lines.push(...renderSet(s));
  for (const b of plan.blocks) {
    lines.push(`\tchain ${b.id} {`, `\t\tcomment ${JSON.stringify(`${b.stage} ${b.policyPath}`.slice(0, 120))}`);
    for (const r of b.rules) {
      const rl = ruleLines(r, name);
      rules += rl.length;
      lines.push(...rl);
    }
    lines.push('\t}');
  }
  const maps: Record<string, string[]> = { out4: [], out6: [], in4: [], in6: [] };
  // Pods whose stage goes through the same blocks share one chain.
  const shared = { out: new Map<string, string>(), in: new Map<string, string>() };
  for (const p of plan.pods) {
    for (const [stage, blocks] of [['out', p.out], ['in', p.in]] as const) {
      if (blocks.length === 0) continue;
      const key = blocks.join(',');
      let chain = shared[stage].get(key);
      if (!chain) {
        chain = `${stage}_pod${shared[stage].size}`;
        shared[stage].set(key, chain);
        lines.push(`\tchain ${chain} {`, `\t\tcomment ${JSON.stringify(p.id)}`);
        for (const b of blocks) lines.push(`\t\tjump ${b}`);
        rules += blocks.length;
        lines.push('\t}');
      }
      for (const f of [4, 6] as const) {
        const ip = p.ips[f];
        if (ip) maps[`${stage}${f}`].push(`${ip} : jump ${chain}`);
      }
    }
  }
  for (const [m, elements] of Object.entries(maps)) {
    lines.push(`\tmap ${m} {`, `\t\ttype ${m.endsWith('4') ? 'ipv4_addr' : 'ipv6_addr'} : verdict`);
    if (elements.length) lines.push(`\t\telements = { ${elements.join(', ')} }`);
    lines.push('\t}');
  }
  lines.push(
    '\tchain out_stage {',
    '\t\ttype filter hook forward priority filter; policy accept;',
    '\t\tct state established,related accept',
    '\t\tip saddr vmap @out4',
    '\t\tip6 saddr vmap @out6',
    '\t}',
    '\tchain in_stage {',
    '\t\ttype filter hook forward priority filter + 1; policy accept;',
    '\t\tct state established,related accept',
    '\t\tip daddr vmap @in4',
    '\t\tip6 daddr vmap @in6',
    '\t}',
    '}',
    '',
  );
  rules += 6;
  return {
    text: lines.join('\n'),
    rules,
    sets: plan.sets.length,
    elements: plan.sets.reduce((n, s) => n + s.elements.length, 0),
  };
}
