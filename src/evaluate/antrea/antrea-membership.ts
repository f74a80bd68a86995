// How Antrea's selections match endpoints: ClusterGroups, rule peers and appliedTo, as Antrea defines them for
// cluster-scoped policies (a podSelector without namespaceSelector selects pods of every namespace).
import type { Cluster } from '../../k8s/cluster.ts';
import { NAMESPACE_NAME_LABEL, selectorMatches, type LabelSelector } from '../../k8s/labels.ts';
import { cidrWithExceptHolds, parseCidrWithExcept, type CidrWithExcept } from '../../net/cidr.ts';
import { addressValue } from '../../net/ip-address.ts';
import type { AntreaAppliedTo, AntreaIPBlock, AntreaLabelSelector, AntreaPeer, ClusterGroup } from '../../realize/antrea/antrea-objects.ts';
import type { Endpoint } from '../endpoint.ts';

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

function ipBlockPredicate(block: AntreaIPBlock): EndpointPredicate {
  const parsed: CidrWithExcept = parseCidrWithExcept(block.cidr, block.except ?? []);
  return (e) => e.family === parsed.family && cidrWithExceptHolds(parsed, e.family, addressValue(e.ip, e.family));
}

/**
 * Compiles selections over one cluster's inventory. Selectors match only pods that do not use the host network;
 * ipBlocks match any endpoint by address, pods included.
 */
export class AntreaSelections {
  readonly #cluster: Cluster;
  readonly #groups: ReadonlyMap<string, ClusterGroup>;
  readonly #compiled = new Map<string, EndpointPredicate>();

  constructor(cluster: Cluster, groups: readonly ClusterGroup[]) {
    this.#cluster = cluster;
    this.#groups = new Map(groups.map((g) => [g.metadata.name, g]));
  }

  /** podSelector and/or namespaceSelector, Antrea's cluster-wide way: podSelector alone = every namespace. */
  selectors(podSelector: AntreaLabelSelector | undefined, namespaceSelector: AntreaLabelSelector | undefined): EndpointPredicate {
    const pod = podSelector ? labelSelectorOf(podSelector) : undefined;
    const ns = namespaceSelector ? labelSelectorOf(namespaceSelector) : undefined;
    const namespaces = this.#cluster.namespaces;
    return (e) => {
      if (e.kind !== 'pod' || e.pod.hostNetwork) return false;
      if (ns && !selectorMatches(ns, namespaces.get(e.pod.namespace)?.labels ?? { [NAMESPACE_NAME_LABEL]: e.pod.namespace })) return false;
      return !pod || selectorMatches(pod, e.pod.labels);
    };
  }

  /** A ClusterGroup's members: its selectors, its ipBlocks, or the union of its child groups (one level). */
  group(name: string, depth = 0): EndpointPredicate {
    const done = this.#compiled.get(name);
    if (done) return done;
    const g = this.#groups.get(name);
    if (!g) throw new AntreaModelError(`ClusterGroup ${name} does not exist`);
    const s = g.spec;
    let p: EndpointPredicate;
    if (s.childGroups && s.childGroups.length) {
      if (depth > 0) throw new AntreaModelError(`ClusterGroup ${name} nests childGroups more than one level`);
      const children = s.childGroups.map((c) => this.group(c, depth + 1));
      p = (e) => children.some((c) => c(e));
    } else if (s.ipBlocks && s.ipBlocks.length) {
      const blocks = s.ipBlocks.map(ipBlockPredicate);
      p = (e) => blocks.some((b) => b(e));
    } else if (s.podSelector || s.namespaceSelector) {
      p = this.selectors(s.podSelector, s.namespaceSelector);
    } else {
      p = () => false;
    }
    this.#compiled.set(name, p);
    return p;
  }

  /** A rule peer: a group, an ipBlock, or selectors. */
  peer(peer: AntreaPeer): EndpointPredicate {
    if (peer.group !== undefined) return this.group(peer.group);
    if (peer.ipBlock) return ipBlockPredicate(peer.ipBlock);
    if ('namespaces' in peer || 'serviceAccount' in peer || 'nodeSelector' in peer || 'fqdn' in peer) {
      throw new AntreaModelError('peer fields other than group, ipBlock, podSelector and namespaceSelector are not modelled');
    }
    if (!peer.podSelector && !peer.namespaceSelector) return () => false;
    return this.selectors(peer.podSelector, peer.namespaceSelector);
  }

  /** An appliedTo entry: the pods (never addresses) a policy or rule applies to. */
  appliedTo(a: AntreaAppliedTo): EndpointPredicate {
    const p = a.group !== undefined ? this.group(a.group) : this.selectors(a.podSelector, a.namespaceSelector);
    return (e) => e.kind === 'pod' && !e.pod.hostNetwork && p(e);
  }
}
