import { mustRun, runCommand } from '../iptables/host-command.ts';
import type { NodePlan } from '../iptables/node-plan.ts';
import { DEFAULT_NFT_TABLE, renderNftables, type NftRuleset } from './render-nftables.ts';

/**
 * Applies a node's plan with nftables: one `nft -f` transaction that creates np2dfw's table if missing, deletes
 * it and recreates it with the new sets, maps and chains. nft commits the whole file or nothing, so the old
 * ruleset stays in force when anything in the new one is refused. Only the table `inet <table>` is touched.
 */
export async function applyNftables(plan: NodePlan, options: { netns?: string; table?: string } = {}): Promise<NftRuleset> {
  const ruleset = renderNftables(plan, options.table ?? DEFAULT_NFT_TABLE);
  await applyNftText(ruleset.text, options.netns);
  return ruleset;
}

/** Loads an nft script in one transaction (`nft -f -`). */
export async function applyNftText(text: string, netns?: string): Promise<void> {
  await mustRun(['nft', '-f', '-'], { netns, input: text, timeoutMs: 600_000 });
}

/** Deletes np2dfw's table, when present. */
export async function removeNftables(options: { netns?: string; table?: string } = {}): Promise<void> {
  const table = options.table ?? DEFAULT_NFT_TABLE;
  const r = await runCommand(['nft', 'list', 'table', 'inet', table], { netns: options.netns });
  if (r.code === 0) await mustRun(['nft', 'delete', 'table', 'inet', table], { netns: options.netns });
}
