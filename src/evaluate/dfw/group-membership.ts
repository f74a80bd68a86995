// Whether an endpoint is a member of a DFW group, for the DFW engine. What a group expression means is decided
// once, in src/model/group-expression.ts; this file only resolves endpoints into the candidates it evaluates.
import type { Namespace } from '../../k8s/namespace.ts';
import { groupMembership, isMember, requiredNamespaces, type GroupLookup, type GroupMembership, type MemberCandidate } from '../../model/group-expression.ts';
import type { Group } from '../../model/group.ts';
import type { AddressRange } from '../../net/address-range.ts';
import { addressValue } from '../../net/ip-address.ts';
import type { Endpoint } from '../endpoint.ts';
import { isSelectable, namespaceLabels } from '../kubernetes/endpoint-match.ts';

/** What a group's membership depends on: only labels and namespaces, only addresses, or both. */
export type GroupKind = 'labels' | 'addresses' | 'mixed';

/** A group compiled for membership tests. */
export interface CompiledGroup {
  readonly group: Group;
  readonly membership: GroupMembership;
  readonly kind: GroupKind;
  /** For `addresses` groups: every range of the group (a union). */
  readonly ranges: readonly AddressRange[];
  /** For `labels` groups whose every term requires `Namespace Name EQUALS x`: those namespaces; else undefined. */
  readonly namespaces?: ReadonlySet<string>;
  /** Membership of one endpoint. */
  has(e: Endpoint): boolean;
  /** Membership of an endpoint already resolved with `subjectOf` (faster when testing many groups). */
  hasSubject(s: Subject): boolean;
}

/** An endpoint resolved once into what membership looks at. */
export interface Subject {
  readonly e: Endpoint;
  readonly candidate: MemberCandidate;
}

/** Compiles a group; `namespaces` gives namespace labels, `lookup` the child groups of PathExpressions. */
export function compileGroup(group: Group, namespaces: ReadonlyMap<string, Namespace>, lookup?: GroupLookup): CompiledGroup {
  const membership = groupMembership(group, lookup);
  const hasAddresses = membership.terms.some((t) => t.kind === 'addresses');
  const hasPods = membership.terms.some((t) => t.kind === 'pods');
  const kind: GroupKind = hasAddresses && hasPods ? 'mixed' : hasAddresses ? 'addresses' : 'labels';
  const ranges = kind === 'addresses' ? membership.terms.flatMap((t) => (t.kind === 'addresses' ? t.ranges : [])) : [];
  return {
    group,
    membership,
    kind,
    ranges,
    namespaces: kind === 'labels' ? requiredNamespaces(membership) : undefined,
    has: (e) => isMember(membership, subjectOf(e, namespaces).candidate),
    hasSubject: (s) => isMember(membership, s.candidate),
  };
}

/** The parts of an endpoint membership looks at: a selectable pod's labels and namespace, and its address. */
export function subjectOf(e: Endpoint, namespaces: ReadonlyMap<string, Namespace>): Subject {
  const address = { family: e.family, value: addressValue(e.ip, e.family) };
  if (!isSelectable(e) || e.kind !== 'pod') return { e, candidate: { address } };
  return { e, candidate: { pod: { namespace: e.pod.namespace, labels: e.pod.labels, namespaceLabels: namespaceLabels(namespaces, e.pod.namespace) }, address } };
}
