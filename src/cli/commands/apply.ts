import type { Command } from 'commander';
import { convertCluster } from '../../convert/convert-cluster.ts';
import { applyIptables, removeIptables } from '../../realize/iptables/apply-iptables.ts';
import { nodesOf, planNode, planSize } from '../../realize/iptables/node-plan.ts';
import { DEFAULT_IPTABLES_NAMES, renderIptablesRuleset } from '../../realize/iptables/render-iptables.ts';
import { applyNftables, removeNftables } from '../../realize/nftables/apply-nftables.ts';
import { renderNftables } from '../../realize/nftables/render-nftables.ts';
import { CliError, usageError } from '../cli-error.ts';
import { EXIT } from '../exit-codes.ts';
import { addInputOptions, keyword, loadClusterFromOptions } from '../input-options.ts';
import { formatRefusals, refusedPolicies } from '../output/refusals.ts';
import { countOf } from '../../evaluate/counts.ts';

const TARGETS = ['iptables', 'nftables'] as const;

interface ApplyOptions {
  filename?: string[];
  cluster?: string;
  target?: string;
  node?: string;
  dryRun?: boolean;
  netns?: string;
  remove?: boolean;
}

/** `np2dfw apply`: enforces the policies of one node with ipset + iptables or nftables, atomically. */
export function registerApply(program: Command): void {
  const cmd = program
    .command('apply')
    .description("enforce the cluster's policies on this node with ipset+iptables or nftables: swaps the new ruleset in atomically and touches only np2dfw's own chains, sets and table (root)");
  addInputOptions(cmd)
    .requiredOption('--target <target>', `the dataplane: ${TARGETS.join(', ')}`)
    .option('--node <name>', "the node whose pods to protect (spec.nodeName); required when the pods run on several nodes")
    .option('--dry-run', 'print the scripts (ipset restore + iptables-restore + ip6tables-restore, or nft -f) instead of loading them')
    .option('--netns <name>', 'apply inside this network namespace (ip netns exec) instead of the current one')
    .option('--remove', "remove np2dfw's chains, sets or table instead (no -f needed)")
    .action(async (opts: ApplyOptions) => {
      const target = keyword(opts.target ?? '') as (typeof TARGETS)[number];
      if (!TARGETS.includes(target)) throw usageError(`--target ${opts.target}: apply knows ${TARGETS.join(' and ')}`);
      if (opts.remove) {
        if (target === 'iptables') await removeIptables({ netns: opts.netns });
        else await removeNftables({ netns: opts.netns });
        process.stderr.write(`np2dfw apply: removed np2dfw's ${target} objects\n`);
        return;
      }
      const cluster = await loadClusterFromOptions(opts);
      const nodes = nodesOf(cluster);
      const node = opts.node ?? (nodes.length === 1 ? nodes[0] : undefined);
      if (!node) throw usageError(`the pods run on ${nodes.length} nodes (${nodes.join(', ')}): give --node NAME`);
      if (!nodes.includes(node)) throw usageError(`--node ${node}: no live pod runs there; nodes: ${nodes.join(', ')}`);
      const conversion = convertCluster(cluster, { profile: 'extended' });
      if (conversion.refusals.length) {
        throw new CliError(`the dataplane cannot express ${refusedPolicies(conversion.refusals)}:\n${formatRefusals(conversion.refusals)}`, EXIT.REFUSED);
      }
      const plan = planNode(conversion.config, cluster, node);
      const size = planSize(plan);
      if (opts.dryRun) {
        if (target === 'nftables') {
          process.stdout.write(`# nft -f - (one transaction; node ${node})\n${renderNftables(plan).text}`);
        } else {
          const r = renderIptablesRuleset(plan, DEFAULT_IPTABLES_NAMES);
          process.stdout.write(
            `# node ${node}; generation "a" shown (apply writes the generation not in force, then switches)\n` +
            `# ipset restore\n${r.ipset}# iptables-restore --noflush\n${r.v4}# ip6tables-restore --noflush\n${r.v6}` +
            `# then once: iptables -I FORWARD 1 -j ${DEFAULT_IPTABLES_NAMES.chain} (and ip6tables)\n`);
        }
        return;
      }
      if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new CliError('apply changes the kernel\'s firewall and must run as root (or use --dry-run)');
      if (target === 'nftables') await applyNftables(plan, { netns: opts.netns });
      else {
        const r = await applyIptables(plan, { netns: opts.netns });
        process.stderr.write(r.how === 'swap'
          ? `np2dfw apply: same rules as generation ${r.generation} in force: its sets were refilled with ipset swap\n`
          : `np2dfw apply: generation ${r.generation} in force${r.removed ? `, generation ${r.removed} removed` : ''}\n`);
      }
      process.stderr.write(`np2dfw apply: node ${node}: ${countOf(size.pods, 'protected pod')}, ${countOf(size.blocks, 'policy chain')}, ${countOf(size.rules, 'rule')}, ${countOf(size.sets, 'set')} with ${countOf(size.elements, 'element')}\n`);
    });
}
