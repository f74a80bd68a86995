// Mutations of the rendered Linux rulesets (ipset + iptables-restore, nft -f) for the mutation tests: each one
// changes one rule or one set of one node, and says which rule texts it touched.
import type { IptablesTexts } from '../../../src/evaluate/dataplane/iptables-ruleset.ts';

/** A mutated ruleset of one node, and the rule or set texts that name what was mutated. */
export interface Mutation {
  readonly kind: 'flip' | 'drop-rule' | 'widen-port' | 'widen-range' | 'add-address' | 'add-member' | 'reorder';
  readonly node: string;
  readonly description: string;
  /** The node's mutated texts (one of the two). */
  readonly iptables?: IptablesTexts;
  readonly nft?: string;
  /** Texts that appear in an explanation naming the mutated rule (in the mutated or the original ruleset). */
  readonly markers: readonly string[];
}

const ALLOW = ' -j MARK --set-xmark 0x200000/0x200000';
const ALLOW_RETURN = ' -m mark --mark 0x200000/0x200000 -j RETURN';
const V4_OUTSIDE = '8.8.8.8';
const V6_OUTSIDE = '2001:4860:4860::8888';

/** A few candidates spread over the list (all when few). */
export function spread<T>(list: readonly T[], n: number): T[] {
  if (list.length <= n) return [...list];
  return Array.from({ length: n }, (_, k) => list[Math.floor((k * list.length) / n)]);
}

type Rule = { readonly chain: string; readonly lines: number[]; readonly action: 'allow' | 'drop' };

/** The rules of np2dfw's policy chains (`-A <top>-<gen>-B<k>`): an allow is its MARK lines and its RETURN line. */
function iptablesRules(lines: readonly string[]): Rule[] {
  const out: Rule[] = [];
  let pending: { chain: string; lines: number[] } | undefined;
  lines.forEach((l, i) => {
    const m = /^-A (\S+-B\d+) /.exec(l);
    if (!m) return;
    if (l.endsWith(ALLOW)) {
      if (!pending || pending.chain !== m[1]) pending = { chain: m[1], lines: [] };
      pending.lines.push(i);
    } else if (l.endsWith(ALLOW_RETURN) && pending) {
      out.push({ chain: m[1], lines: [...pending.lines, i], action: 'allow' });
      pending = undefined;
    } else if (l.endsWith(' -j DROP')) out.push({ chain: m[1], lines: [i], action: 'drop' });
  });
  return out;
}

/** Mutations of one node's ipset + iptables texts (the family's restore text given by `family`). */
export function iptablesMutations(node: string, texts: IptablesTexts, family: 4 | 6, podIps: readonly string[], per: number): Mutation[] {
  const key = family === 4 ? 'v4' : 'v6';
  const lines = texts[key].split('\n');
  const with_ = (next: string[]): IptablesTexts => ({ ...texts, [key]: next.join('\n') });
  const out: Mutation[] = [];
  const rules = iptablesRules(lines);
  for (const r of spread(rules, per)) {
    const first = lines[r.lines[0]];
    const next = [...lines];
    if (r.action === 'allow') {
      for (const i of r.lines) next[i] = next[i].endsWith(ALLOW) ? next[i].slice(0, -ALLOW.length) + ' -j DROP' : '';
      out.push({ kind: 'flip', node, description: `allow -> drop: ${first}`, iptables: with_(next.filter((l) => l !== '')), markers: r.lines.slice(0, -1).map((i) => next[i]) });
    } else {
      next[r.lines[0]] = `${first.slice(0, -' -j DROP'.length)}${ALLOW}\n-A ${r.chain}${ALLOW_RETURN}`;
      out.push({ kind: 'flip', node, description: `drop -> allow: ${first}`, iptables: with_(next.join('\n').split('\n')), markers: [`${first.slice(0, -' -j DROP'.length)}${ALLOW}`] });
    }
  }
  for (const r of spread(rules, per)) {
    const drop = new Set(r.lines);
    out.push({ kind: 'drop-rule', node, description: `removed: ${lines[r.lines[0]]}`, iptables: with_(lines.filter((_, i) => !drop.has(i))), markers: r.lines.map((i) => lines[i]) });
  }
  const portLines = lines.map((l, i) => ({ l, i })).filter(({ l }) => /^-A \S+-B\d+ .*--dports /.test(l));
  for (const { l, i } of spread(portLines.filter(({ l }) => !/--dports \S*7000/.test(l)), per)) {
    const widened = l.replace(/--dports (\S+)/, '--dports $1,7000');
    const next = [...lines];
    next[i] = widened;
    out.push({ kind: 'widen-port', node, description: `7000 added: ${l}`, iptables: with_(next), markers: [widened] });
  }
  for (const { l, i } of spread(portLines, per)) {
    const widened = l.replace(/--dports (\d+)(?::(\d+))?/, (_, a: string, b?: string) => `--dports ${Math.max(1, Number(a) - 3)}:${Math.min(65535, Number(b ?? a) + 3)}`);
    const next = [...lines];
    next[i] = widened;
    out.push({ kind: 'widen-range', node, description: `range widened: ${l}`, iptables: with_(next), markers: [widened] });
  }
  const ipsetLines = texts.ipset.split('\n');
  const sets = ipsetLines.map((l) => /^create (\S+) (hash:net|hash:ip) family (inet6?) /.exec(l)).filter((m) => m !== null).filter((m) => (m[3] === 'inet6') === (family === 6));
  for (const m of spread(sets, per)) {
    const name = m[1];
    const members = new Set(ipsetLines.filter((l) => l.startsWith(`add ${name} `)).map((l) => l.split(' ')[2]));
    const element = m[2] === 'hash:net' ? `${family === 4 ? V4_OUTSIDE : V6_OUTSIDE}/${family === 4 ? 32 : 128}` : podIps.find((ip) => !members.has(ip));
    if (!element) continue;
    out.push({ kind: m[2] === 'hash:net' ? 'add-address' : 'add-member', node, description: `${element} added to ${name}`, iptables: { ...texts, ipset: `${texts.ipset}add ${name} ${element}\n` }, markers: [`--match-set ${name} `] });
  }
  for (const [a, b] of spread(rules.flatMap((r, k) => (k + 1 < rules.length && rules[k + 1].chain === r.chain && rules[k + 1].action !== r.action ? [[r, rules[k + 1]] as const] : [])), per)) {
    const before = lines.slice(0, a.lines[0]);
    const after = lines.slice(b.lines[b.lines.length - 1] + 1);
    const between = lines.slice(a.lines[a.lines.length - 1] + 1, b.lines[0]);
    const swapped = [...before, ...b.lines.map((i) => lines[i]), ...between, ...a.lines.map((i) => lines[i]), ...after];
    out.push({ kind: 'reorder', node, description: `swapped: ${lines[a.lines[0]]} / ${lines[b.lines[0]]}`, iptables: with_(swapped), markers: [...a.lines, ...b.lines].map((i) => lines[i]).filter((l) => !l.endsWith(ALLOW_RETURN)) });
  }
  // Two policies swapped in a pod's chain: each is a jump to its policy chain and the RETURN on an allow mark.
  const jumps = lines.map((l, i) => ({ l, i })).filter(({ l, i }) => /^-A \S+-[OI]\d+ -j \S+-B\d+$/.test(l) && lines[i + 1]?.endsWith(ALLOW_RETURN));
  const jumpPairs = jumps.flatMap((j, k) => (k + 1 < jumps.length && jumps[k + 1].i === j.i + 2 && jumps[k + 1].l.split(' ')[1] === j.l.split(' ')[1] ? [[j, jumps[k + 1]] as const] : []));
  for (const [a, b] of spread(jumpPairs, per)) {
    const next = [...lines];
    next[a.i] = b.l;
    next[b.i] = a.l;
    out.push({ kind: 'reorder', node, description: `policies swapped: ${a.l} / ${b.l}`, iptables: with_(next), markers: [a.l, b.l] });
  }
  return out;
}

/** Mutations of one node's nft text. */
export function nftMutations(node: string, text: string, family: 4 | 6, podIps: readonly string[], per: number): Mutation[] {
  const lines = text.split('\n');
  const out: Mutation[] = [];
  const rules: { i: number; chain: string; verdict: 'accept' | 'drop' }[] = [];
  let chain: string | undefined;
  lines.forEach((l, i) => {
    const t = l.trim();
    const m = /^chain (b\d+) \{$/.exec(t);
    if (m) { chain = m[1]; return; }
    if (t === '}') { chain = undefined; return; }
    if (!chain || t.startsWith('comment ')) return;
    if (t.endsWith(' accept') || t === 'accept') rules.push({ i, chain, verdict: 'accept' });
    else if (t.endsWith(' drop') || t === 'drop') rules.push({ i, chain, verdict: 'drop' });
  });
  const marker = (c: string, l: string) => `chain ${c}: ${l.trim()}`;
  const replace = (i: number, l: string) => lines.map((x, k) => (k === i ? l : x)).join('\n');
  for (const r of spread(rules, per)) {
    const l = lines[r.i];
    const flipped = r.verdict === 'accept' ? l.replace(/accept$/, 'drop') : l.replace(/drop$/, 'accept');
    out.push({ kind: 'flip', node, description: `${r.verdict} flipped: ${l.trim()}`, nft: replace(r.i, flipped), markers: [marker(r.chain, flipped)] });
  }
  for (const r of spread(rules, per)) {
    out.push({ kind: 'drop-rule', node, description: `removed: ${lines[r.i].trim()}`, nft: lines.filter((_, k) => k !== r.i).join('\n'), markers: [marker(r.chain, lines[r.i])] });
  }
  const portRules = rules.filter((r) => /dport \{ [^}]+ \}/.test(lines[r.i]));
  for (const r of spread(portRules.filter((x) => !/\b7000\b/.test(lines[x.i])), per)) {
    const widened = lines[r.i].replace(/dport \{ ([^}]+) \}/, 'dport { $1, 7000 }');
    out.push({ kind: 'widen-port', node, description: `7000 added: ${lines[r.i].trim()}`, nft: replace(r.i, widened), markers: [marker(r.chain, widened)] });
  }
  for (const r of spread(portRules, per)) {
    const widened = lines[r.i].replace(/dport \{ (\d+)(?:-(\d+))?/, (_, a: string, b?: string) => `dport { ${Math.max(1, Number(a) - 3)}-${Math.min(65535, Number(b ?? a) + 3)}`);
    out.push({ kind: 'widen-range', node, description: `range widened: ${lines[r.i].trim()}`, nft: replace(r.i, widened), markers: [marker(r.chain, widened)] });
  }
  const sets: { name: string; net: boolean; typeLine: number; elementsLine: number | undefined; elements: string }[] = [];
  lines.forEach((l, i) => {
    const m = /^\tset ((ip|net)\d_\d+) \{$/.exec(l);
    if (!m || !lines[i + 1].includes(family === 4 ? 'ipv4_addr' : 'ipv6_addr')) return;
    let j = i + 1;
    let elementsLine: number | undefined;
    while (lines[j].trim() !== '}') { if (lines[j].trim().startsWith('elements = {')) elementsLine = j; j++; }
    sets.push({ name: m[1], net: m[2] === 'net', typeLine: i + 1, elementsLine, elements: lines.slice(i, j).join(' ') });
  });
  for (const s of spread(sets, per)) {
    const element = s.net ? (family === 4 ? V4_OUTSIDE : V6_OUTSIDE) : podIps.find((ip) => !new RegExp(`[ {,]${ip.replaceAll('.', '\\.')}[ ,}]`).test(s.elements));
    if (!element) continue;
    const next = [...lines];
    if (s.elementsLine !== undefined) next[s.elementsLine] = next[s.elementsLine].replace('elements = { ', `elements = { ${element}, `);
    else next[s.typeLine] = `${next[s.typeLine]}\n\t\telements = { ${element} }`;
    out.push({ kind: s.net ? 'add-address' : 'add-member', node, description: `${element} added to ${s.name}`, nft: next.join('\n'), markers: [`@${s.name} `] });
  }
  const pairs = rules.flatMap((r, k) => (k + 1 < rules.length && rules[k + 1].chain === r.chain && rules[k + 1].i === r.i + 1 && rules[k + 1].verdict !== r.verdict ? [[r, rules[k + 1]] as const] : []));
  for (const [a, b] of spread(pairs, per)) {
    const next = [...lines];
    next[a.i] = lines[b.i];
    next[b.i] = lines[a.i];
    out.push({ kind: 'reorder', node, description: `swapped: ${lines[a.i].trim()} / ${lines[b.i].trim()}`, nft: next.join('\n'), markers: [marker(a.chain, lines[a.i]), marker(b.chain, lines[b.i])] });
  }
  // Two policies swapped in a pod's chain (`jump bN` lines).
  let podChain: string | undefined;
  const jumps: { i: number; chain: string }[] = [];
  lines.forEach((l, i) => {
    const t = l.trim();
    const m = /^chain ((?:in|out)_pod\d+) \{$/.exec(t);
    if (m) { podChain = m[1]; return; }
    if (t === '}') { podChain = undefined; return; }
    if (podChain && /^jump b\d+$/.test(t)) jumps.push({ i, chain: podChain });
  });
  const jumpPairs = jumps.flatMap((j, k) => (k + 1 < jumps.length && jumps[k + 1].i === j.i + 1 ? [[j, jumps[k + 1]] as const] : []));
  for (const [a, b] of spread(jumpPairs, per)) {
    const next = [...lines];
    next[a.i] = lines[b.i];
    next[b.i] = lines[a.i];
    out.push({ kind: 'reorder', node, description: `policies swapped in ${a.chain}: ${lines[a.i].trim()} / ${lines[b.i].trim()}`, nft: next.join('\n'), markers: [marker(a.chain, lines[a.i]), marker(b.chain, lines[b.i])] });
  }
  return out;
}
