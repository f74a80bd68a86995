import { mustRun, runCommand } from './host-command.ts';
import type { NodePlan } from './node-plan.ts';
import { DEFAULT_IPTABLES_NAMES, renderIpsetSwap, renderIptablesRuleset, rulesetStamp, type IptablesNames, type IptablesRuleset } from './render-iptables.ts';

/** What an apply did. */
export interface IptablesApplyResult {
  /** The generation now in force (`a` or `b`). */
  readonly generation: string;
  /**
   * `switch`: a new generation of chains and sets replaced the old one; `swap`: the rules in force were the same,
   * so only the sets' contents were replaced, each with `ipset swap`.
   */
  readonly how: 'switch' | 'swap';
  /** The generation removed after the switch, if one was in force. */
  readonly removed?: string;
  readonly ruleset: IptablesRuleset;
}

const TOOLS = { 4: { save: 'iptables-save', restore: 'iptables-restore', cmd: 'iptables' }, 6: { save: 'ip6tables-save', restore: 'ip6tables-restore', cmd: 'ip6tables' } } as const;

/** np2dfw's chains of each generation present in the filter table of a family (from `iptables-save`). */
async function ownChains(family: 4 | 6, names: IptablesNames, netns: string | undefined): Promise<Map<string, string[]>> {
  const saved = await mustRun([TOOLS[family].save, '-t', 'filter'], { netns });
  const byGen = new Map<string, string[]>();
  const prefix = `:${names.chain}-`;
  for (const line of saved.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const chain = line.slice(1, line.indexOf(' '));
    const gen = chain.slice(names.chain.length + 1).split('-')[0];
    byGen.set(gen, [...(byGen.get(gen) ?? []), chain]);
  }
  return byGen;
}

/** np2dfw's ipsets of a generation (by name prefix). */
async function ownSets(names: IptablesNames, generation: string, netns: string | undefined): Promise<string[]> {
  const out = await mustRun(['ipset', 'list', '-n'], { netns });
  const prefix = `${names.setPrefix}-${generation}-`;
  return out.split('\n').filter((n) => n.startsWith(prefix));
}

/** Flushes then deletes chains, in one restore per family: rules go before the chains (and sets) they use. */
async function deleteChains(family: 4 | 6, chains: readonly string[], netns: string | undefined): Promise<void> {
  if (chains.length === 0) return;
  const text = ['*filter', ...chains.map((c) => `-F ${c}`), ...chains.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n');
  await mustRun([TOOLS[family].restore, '--noflush'], { netns, input: text });
}

async function destroySets(sets: readonly string[], netns: string | undefined): Promise<void> {
  if (sets.length === 0) return;
  await mustRun(['ipset', 'restore'], { netns, input: sets.map((s) => `destroy ${s}`).join('\n') + '\n' });
}

/** Removes one generation: its chains in both families first, then its sets. */
async function removeGeneration(names: IptablesNames, generation: string, chains: { 4: string[]; 6: string[] }, netns: string | undefined): Promise<void> {
  await deleteChains(4, chains[4], netns);
  await deleteChains(6, chains[6], netns);
  await destroySets(await ownSets(names, generation, netns), netns);
}

/** Adds `-j <top>` at the head of FORWARD once (checked with `-C`), in a family. */
async function ensureJump(family: 4 | 6, names: IptablesNames, netns: string | undefined): Promise<void> {
  const check = await runCommand([TOOLS[family].cmd, '-w', '-t', 'filter', '-C', 'FORWARD', '-j', names.chain], { netns });
  if (check.code === 0) return;
  await mustRun([TOOLS[family].cmd, '-w', '-t', 'filter', '-I', 'FORWARD', '1', '-j', names.chain], { netns });
}

/** Creates the top chain when missing, empty, so that FORWARD can jump to it before the first switch. */
async function ensureTopChain(family: 4 | 6, names: IptablesNames, netns: string | undefined): Promise<void> {
  const r = await runCommand([TOOLS[family].cmd, '-w', '-t', 'filter', '-S', names.chain], { netns });
  if (r.code !== 0) await mustRun([TOOLS[family].cmd, '-w', '-t', 'filter', '-N', names.chain], { netns });
}

/**
 * Applies a node's plan with ipset + iptables, atomically and touching only np2dfw's own objects. When the rules
 * in force are the same as the new ones (the top chain's stamp carries their fingerprint) and only set members
 * changed, each set is refilled with `ipset swap`. Otherwise:
 * 1. leftovers of the unused generation (an earlier failed run) are removed, chains before sets;
 * 2. `ipset restore` creates the new generation's sets beside the live ones;
 * 3. the IPv6 input is checked (`--test`); then each family's `iptables-restore --noflush` commit replaces the
 *    top chain's content and adds the new generation's chains in one transaction (all or nothing): the switch;
 * 4. the old generation's chains are flushed and deleted, then its sets destroyed.
 * On a failure before the switch the new generation is removed again and the old ruleset stays in force.
 * FORWARD gets one `-j NP2DFW` at its head the first time; no other chain, set or table is read or written.
 * `plain`: no ipset, every set element its own rule (only for the benchmark's comparison).
 */
export async function applyIptables(plan: NodePlan, options: { netns?: string; names?: Partial<IptablesNames>; plain?: boolean } = {}): Promise<IptablesApplyResult> {
  const netns = options.netns;
  const base = { ...DEFAULT_IPTABLES_NAMES, ...options.names };
  const live4 = await ownChains(4, base, netns);
  const live6 = await ownChains(6, base, netns);
  const liveGen = live4.has('a') || live6.has('a') ? 'a' : live4.has('b') || live6.has('b') ? 'b' : undefined;
  if (liveGen && !options.plain) {
    // Same rules as the ones in force (only members changed, as when pods come and go): refill the sets in place.
    const same = renderIptablesRuleset(plan, { ...base, generation: liveGen });
    const top = await runCommand([TOOLS[4].cmd, '-w', '-t', 'filter', '-S', base.chain], { netns });
    if (top.code === 0 && top.stdout.includes(`"${rulesetStamp({ ...base, generation: liveGen }, same.fingerprint)}"`)) {
      const script = renderIpsetSwap(plan, { ...base, generation: liveGen });
      try {
        await mustRun(['ipset', 'restore'], { netns, input: script.fill });
        await mustRun(['ipset', 'restore'], { netns, input: script.swap });
      } catch (e) {
        const leftovers = (await ownSets(base, liveGen, netns)).filter((n) => n.endsWith('-t'));
        await destroySets(leftovers, netns).catch(() => {});
        throw e;
      }
      return { generation: liveGen, how: 'swap', ruleset: same };
    }
  }
  const generation = liveGen === 'a' ? 'b' : 'a';
  const names = { ...base, generation };
  await removeGeneration(names, generation, { 4: live4.get(generation) ?? [], 6: live6.get(generation) ?? [] }, netns);
  const ruleset = renderIptablesRuleset(plan, names, { plain: options.plain });
  try {
    await mustRun(['ipset', 'restore'], { netns, input: ruleset.ipset });
    // IPv6 is checked before IPv4 commits, so that a refusal cannot leave the families on different generations.
    await mustRun([TOOLS[6].restore, '--noflush', '--test'], { netns, input: ruleset.v6 });
    for (const family of [4, 6] as const) await ensureTopChain(family, names, netns);
    await mustRun([TOOLS[4].restore, '--noflush'], { netns, input: ruleset.v4 });
  } catch (e) {
    await removeGeneration(names, generation, { 4: (await ownChains(4, names, netns)).get(generation) ?? [], 6: [] }, netns).catch(() => {});
    throw e;
  }
  // Checked with --test above; should this commit still fail, IPv4 runs the new generation and IPv6 the old one,
  // and both generations stay in place (nothing is deleted) until the next apply.
  await mustRun([TOOLS[6].restore, '--noflush'], { netns, input: ruleset.v6 });
  for (const family of [4, 6] as const) await ensureJump(family, names, netns);
  if (liveGen) {
    await removeGeneration(names, liveGen, { 4: live4.get(liveGen) ?? [], 6: live6.get(liveGen) ?? [] }, netns);
  }
  return { generation, how: 'switch', removed: liveGen, ruleset };
}

/** Removes everything np2dfw put into iptables and ipset: FORWARD's jump, its chains, then its sets. */
export async function removeIptables(options: { netns?: string; names?: Partial<IptablesNames> } = {}): Promise<void> {
  const netns = options.netns;
  const names = { ...DEFAULT_IPTABLES_NAMES, ...options.names };
  for (const family of [4, 6] as const) {
    while ((await runCommand([TOOLS[family].cmd, '-w', '-t', 'filter', '-D', 'FORWARD', '-j', names.chain], { netns })).code === 0) { /* every copy */ }
    const chains = [...(await ownChains(family, names, netns)).values()].flat();
    const top = await runCommand([TOOLS[family].cmd, '-w', '-t', 'filter', '-S', names.chain], { netns });
    await deleteChains(family, top.code === 0 ? [names.chain, ...chains] : chains, netns);
  }
  for (const gen of ['a', 'b']) await destroySets(await ownSets(names, gen, netns), netns);
}
