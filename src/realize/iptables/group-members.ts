import type { Cluster } from '../../k8s/cluster.ts';
import type { Labels } from '../../k8s/labels.ts';
import type { Pod } from '../../k8s/pod.ts';
import { groupMembership, requiredNamespaces, termHolds, type GroupLookup, type MemberCandidate } from '../../model/group-expression.ts';
import type { Group } from '../../model/group.ts';
import { rangeCidrs } from '../../net/address-range.ts';
import { canonicalCidr, cidrRange } from '../../net/cidr.ts';
import { familyOf, ipToBigInt, type Family } from '../../net/ip-address.ts';

/**
 * A DFW group resolved against the inventory, as a dataplane matches it: by address. `pods` are the pods its
 * conditions select (their addresses go into `hash:ip` sets); `cidrs` its static IP members per family (they go
 * into `hash:net` / interval sets). What the group's expression means comes from src/model/group-expression.ts.
 */
export interface ResolvedGroup {
  /** The group's path. */
  readonly path: string;
  /** Live, non-hostNetwork pods selected by the group's conditions (not those merely inside its CIDRs). */
  readonly pods: readonly Pod[];
  /** Canonical CIDRs of the group's IPAddressExpressions (ranges as the CIDRs that cover them), by family. */
  readonly cidrs: { readonly 4: readonly string[]; readonly 6: readonly string[] };
}

/** Whether a pod can be a member of a group by its conditions: it has an address, runs, and is not hostNetwork. */
export function selectablePod(pod: Pod): boolean {
  return pod.ips.length > 0 && pod.phase !== 'Succeeded' && pod.phase !== 'Failed' && !pod.hostNetwork;
}

/**
 * The inventory indexed for group resolution: selectable pods, by namespace, with their namespace's labels.
 * Build it once per cluster (`indexPods`) and resolve every group against it.
 */
export interface PodIndex {
  readonly all: readonly Pod[];
  readonly byNamespace: ReadonlyMap<string, readonly Pod[]>;
  readonly namespaceLabels: ReadonlyMap<string, Labels>;
  /** What group membership looks at for each selectable pod. */
  readonly candidates: ReadonlyMap<Pod, MemberCandidate>;
}

/** Indexes a cluster's selectable pods. */
export function indexPods(cluster: Cluster): PodIndex {
  const all = cluster.pods.filter(selectablePod);
  const byNamespace = new Map<string, Pod[]>();
  for (const p of all) {
    let list = byNamespace.get(p.namespace);
    if (!list) byNamespace.set(p.namespace, (list = []));
    list.push(p);
  }
  const namespaceLabels = new Map<string, Labels>([...cluster.namespaces].map(([n, ns]) => [n, ns.labels]));
  const candidates = new Map<Pod, MemberCandidate>(all.map((p) => [p, { pod: { namespace: p.namespace, labels: p.labels, namespaceLabels: namespaceLabels.get(p.namespace) ?? {} } }]));
  return { all, byNamespace, namespaceLabels, candidates };
}

/**
 * Resolves a group: which pods its conditions select, and its static addresses as CIDRs by family. `lookup`
 * finds the child groups of PathExpressions. Throws GroupExpressionError for an expression NSX would reject.
 */
export function resolveGroup(group: Group, cluster: Cluster, index: PodIndex = indexPods(cluster), lookup?: GroupLookup): ResolvedGroup {
  const membership = groupMembership(group, lookup);
  const podTerms = membership.terms.filter((t) => t.kind === 'pods');
  const pods: Pod[] = [];
  if (podTerms.length) {
    // Only a shortcut: when every term names its namespace, only those namespaces' pods can be members.
    const pinned = requiredNamespaces(membership);
    const candidates = pinned ? [...pinned].flatMap((n) => index.byNamespace.get(n) ?? []) : index.all;
    for (const pod of candidates) {
      const candidate = index.candidates.get(pod)!;
      if (podTerms.some((t) => termHolds(t, candidate))) pods.push(pod);
    }
  }
  const cidrs = { 4: new Set<string>(), 6: new Set<string>() };
  for (const t of membership.terms) {
    if (t.kind !== 'addresses') continue;
    for (const r of t.ranges) for (const c of rangeCidrs(r)) cidrs[r.family].add(canonicalCidr(c));
  }
  return { path: group.path, pods, cidrs: { 4: [...cidrs[4]], 6: [...cidrs[6]] } };
}

/** Whether an address is a member of the resolved group (one of its pods' addresses, or inside one of its CIDRs). */
export function groupHoldsAddress(g: ResolvedGroup, ip: string): boolean {
  const family: Family | undefined = familyOf(ip);
  if (!family) return false;
  if (g.pods.some((p) => p.ips.includes(ip))) return true;
  const v = ipToBigInt(ip);
  return g.cidrs[family].some((c) => {
    const r = cidrRange(c);
    return v >= r.start && v <= r.end;
  });
}
