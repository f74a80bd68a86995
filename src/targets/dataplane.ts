// The `iptables` and `nftables` targets: the cluster's conversion (`extended` profile) planned per node and
// rendered as the texts `np2dfw apply` loads, evaluated as the kernel would, with the NetworkPolicies left beside.
import { convertCluster, convertOptionsFor } from '../convert/convert-cluster.ts';
import { createDataplaneEngine, iptablesNode, nftNode, rulesetsBoundaries, type NodeRuleset } from '../evaluate/dataplane/dataplane-engine.ts';
import type { IptablesTexts } from '../evaluate/dataplane/iptables-ruleset.ts';
import { createKubernetesEngine } from '../evaluate/kubernetes/kubernetes-engine.ts';
import type { Cluster } from '../k8s/cluster.ts';
import type { DfwConfig } from '../model/dfw-config.ts';
import { nodesOf, planNode } from '../realize/iptables/node-plan.ts';
import { renderIptablesRuleset } from '../realize/iptables/render-iptables.ts';
import { renderNftables } from '../realize/nftables/render-nftables.ts';
import type { BuiltTarget, Target, TargetBuilder, TargetOptions } from './target.ts';

/** Every node's rendered texts of a DFW config: what `np2dfw apply` (and the lab) would load there. */
export function renderConfig(config: DfwConfig, cluster: Cluster): { iptables: Map<string, IptablesTexts>; nftables: Map<string, string> } {
  const iptables = new Map<string, IptablesTexts>();
  const nftables = new Map<string, string>();
  for (const node of nodesOf(cluster)) {
    const plan = planNode(config, cluster, node);
    const r = renderIptablesRuleset(plan);
    iptables.set(node, { ipset: r.ipset, v4: r.v4, v6: r.v6 });
    nftables.set(node, renderNftables(plan).text);
  }
  return { iptables, nftables };
}

/** The rendered texts of every node for a cluster's conversion (`extended` profile), and what stays Kubernetes'. */
export function renderedNodes(cluster: Cluster, options: Partial<TargetOptions> = {}): {
  iptables: Map<string, IptablesTexts>;
  nftables: Map<string, string>;
  refusals: BuiltTarget['refusals'];
  remaining: Cluster['policies'];
} {
  const conversion = convertCluster(cluster, convertOptionsFor(options, 'extended'));
  const converted = new Set(conversion.convertedUids);
  return { ...renderConfig(conversion.config, cluster), refusals: conversion.refusals, remaining: cluster.policies.filter((p) => !converted.has(p.uid)) };
}

/** A dataplane target built from node rulesets, with the unconverted policies beside it. */
export function dataplaneTarget(cluster: Cluster, name: string, nodes: readonly NodeRuleset[], refusals: BuiltTarget['refusals'], remaining: Cluster['policies']): BuiltTarget {
  const kubernetes = remaining.length ? createKubernetesEngine(cluster, { policies: remaining, name: `${name}:kubernetes` }) : undefined;
  return { engine: createDataplaneEngine(name, nodes, kubernetes), refusals, boundaries: rulesetsBoundaries(nodes) };
}

/** `--target iptables`: every node's ipset + iptables-restore texts, evaluated as the kernel would. */
export const buildIptablesTarget: TargetBuilder = (cluster, options) => {
  const r = renderedNodes(cluster, options);
  return dataplaneTarget(cluster, 'iptables', [...r.iptables].map(([node, t]) => iptablesNode(node, t)), r.refusals, r.remaining);
};

/** `--target nftables`: every node's `nft -f` text, evaluated as the kernel would. */
export const buildNftablesTarget: TargetBuilder = (cluster, options) => {
  const r = renderedNodes(cluster, options);
  return dataplaneTarget(cluster, 'nftables', [...r.nftables].map(([node, t]) => nftNode(node, t)), r.refusals, r.remaining);
};

/** `iptables`: evaluated here; written to a node by `np2dfw apply`, not by `convert`. */
export const IPTABLES_TARGET: Target = { build: buildIptablesTarget };

/** `nftables`: evaluated here; written to a node by `np2dfw apply`, not by `convert`. */
export const NFTABLES_TARGET: Target = { build: buildNftablesTarget };
