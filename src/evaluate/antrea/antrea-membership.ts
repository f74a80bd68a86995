// How Antrea's selections match endpoints: ClusterGroups, rule peers and appliedTo, as Antrea defines them for
// cluster-scoped policies (a podSelector without namespaceSelector selects pods of every namespace). A selection
// is a union of selector terms (pods that do not use the host network, by labels) and ipBlocks (any endpoint, by
// address): the evaluator core turns each term into a membership of its endpoint classes.
import type { Cluster } from '../../k8s/cluster.ts';
import { NAMESPACE_NAME_LABEL, selectorMatches, type LabelSelector } from '../../k8s/labels.ts';
import type { AddressRange } from '../../net/address-range.ts';
import { addressRangeHolds } from '../../net/address-range.ts';
import { addressValue } from '../../net/ip-address.ts';
import type { AntreaAppliedTo, AntreaIPBlock, AntreaLabelSelector, AntreaPeer, ClusterGroup } from '../../realize/antrea/antrea-objects.ts';
import { ipBlockRanges } from '../core/endpoint-keys.ts';
import type { Endpoint } from '../endpoint.ts';
import { isSelectable, namespaceLabels } from '../kubernetes/endpoint-match.ts';

/** A compiled selection: whether an endpoint belongs to it. */
export type EndpointPredicate = (e: Endpoint) => boolean;

/** An Antrea object that cannot be evaluated (a reference to a missing group, a field np2dfw does not model). */
export class AntreaModelError extends Error {
  override readonly name = 'AntreaModelError';
}

/** An Antrea selector as a normalised Kubernetes selector. */
export function labelSelectorOf(s: AntreaLabelSelector): LabelSelector {
  return {
    matchLabels: s.matchLabels ?? {},
    matchExpressions: (s.matchExpressions ?? []).map((r) => ({ key: r.key, operator: r.operator, values: r.values ?? [] })),
  };
}

/** podSelector and/or namespaceSelector: pods (not hostNetwork) matching both; an absent one matches all. */
export interface SelectorTerm {
  /** Identifies equal terms (the selectors as JSON). */
  readonly id: string;
  readonly pod?: LabelSelector;
  readonly namespace?: LabelSelector;
  /** The namespace names the term can match, when its namespaceSelector pins `kubernetes.io/metadata.name`. */
  readonly namespaceNames?: ReadonlySet<string>;
}

/** An ipBlock as address ranges. */
export interface BlockTerm {
  readonly id: string;
  readonly ranges: readonly AddressRange[];
}

/** A union of selector terms and ipBlocks. */
export interface Selection {
  readonly selectors: readonly SelectorTerm[];
  readonly blocks: readonly BlockTerm[];
}

const NOTHING: Selection = { selectors: [], blocks: [] };

/** Whether a selector term holds a selectable pod, given its namespace's labels. */
export function selectorTermHolds(t: SelectorTerm, e: Endpoint, namespaceLabelsOf: (ns: string) => Record<string, string>): boolean {
  if (e.kind !== 'pod' || !isSelectable(e)) return false;
  if (t.namespace && !selectorMatches(t.namespace, namespaceLabelsOf(e.pod.namespace))) return false;
  return !t.pod || selectorMatches(t.pod, e.pod.labels);
}

function blockTerm(block: AntreaIPBlock): BlockTerm {
  return { id: JSON.stringify([block.cidr, block.except ?? []]), ranges: ipBlockRanges(block.cidr, block.except ?? []) };
}

function union(parts: readonly Selection[]): Selection {
  return { selectors: parts.flatMap((p) => p.selectors), blocks: parts.flatMap((p) => p.blocks) };
}

/**
 * Compiles selections over one cluster's inventory. Selectors match only pods that do not use the host network;
 * ipBlocks match any endpoint by address, pods included.
 */
export class AntreaSelections {
  readonly #cluster: Cluster;
  readonly #groups: ReadonlyMap<string, ClusterGroup>;
  readonly #compiled = new Map<string, Selection>();

  constructor(cluster: Cluster, groups: readonly ClusterGroup[]) {
    this.#cluster = cluster;
    this.#groups = new Map(groups.map((g) => [g.metadata.name, g]));
  }

  /** podSelector and/or namespaceSelector, Antrea's cluster-wide way: podSelector alone = every namespace. */
  selectors(podSelector: AntreaLabelSelector | undefined, namespaceSelector: AntreaLabelSelector | undefined): Selection {
    const pod = podSelector ? labelSelectorOf(podSelector) : undefined;
    const namespace = namespaceSelector ? labelSelectorOf(namespaceSelector) : undefined;
    const pinned = namespace?.matchLabels[NAMESPACE_NAME_LABEL];
    const term: SelectorTerm = { id: JSON.stringify([pod ?? null, namespace ?? null]), ...(pod ? { pod } : {}), ...(namespace ? { namespace } : {}), ...(pinned !== undefined ? { namespaceNames: new Set([pinned]) } : {}) };
    return { selectors: [term], blocks: [] };
  }

  /** A ClusterGroup's members: its selectors, its ipBlocks, or the union of its child groups (one level). */
  selection(name: string, depth = 0): Selection {
    const done = this.#compiled.get(name);
    if (done) return done;
    const g = this.#groups.get(name);
    if (!g) throw new AntreaModelError(`ClusterGroup ${name} does not exist`);
    const s = g.spec;
    let p: Selection;
    if (s.childGroups && s.childGroups.length) {
      if (depth > 0) throw new AntreaModelError(`ClusterGroup ${name} nests childGroups more than one level`);
      p = union(s.childGroups.map((c) => this.selection(c, depth + 1)));
    } else if (s.ipBlocks && s.ipBlocks.length) {
      p = { selectors: [], blocks: s.ipBlocks.map(blockTerm) };
    } else if (s.podSelector || s.namespaceSelector) {
      p = this.selectors(s.podSelector, s.namespaceSelector);
    } else {
      p = NOTHING;
    }
    this.#compiled.set(name, p);
    return p;
  }

  /** A ClusterGroup's members as a predicate (one endpoint at a time). */
  group(name: string): EndpointPredicate {
    return this.predicate(this.selection(name));
  }

  /** Whether an endpoint is in a selection. */
  predicate(s: Selection): EndpointPredicate {
    const labelsOf = (ns: string) => namespaceLabels(this.#cluster.namespaces, ns);
    return (e) => s.selectors.some((t) => selectorTermHolds(t, e, labelsOf))
      || s.blocks.some((b) => b.ranges.some((r) => addressRangeHolds(r, e.family, addressValue(e.ip, e.family))));
  }

  /** A rule peer: a group, an ipBlock, or selectors. */
  peer(peer: AntreaPeer): Selection {
    if (peer.group !== undefined) return this.selection(peer.group);
    if (peer.ipBlock) return { selectors: [], blocks: [blockTerm(peer.ipBlock)] };
    if ('namespaces' in peer || 'serviceAccount' in peer || 'nodeSelector' in peer || 'fqdn' in peer) {
      throw new AntreaModelError('peer fields other than group, ipBlock, podSelector and namespaceSelector are not modelled');
    }
    if (!peer.podSelector && !peer.namespaceSelector) return NOTHING;
    return this.selectors(peer.podSelector, peer.namespaceSelector);
  }

  /** An appliedTo entry: its selection; only pods that do not use the host network are ever applied to. */
  appliedTo(a: AntreaAppliedTo): Selection {
    return a.group !== undefined ? this.selection(a.group) : this.selectors(a.podSelector, a.namespaceSelector);
  }
}
