import { groupMembership, type ConditionRequirement, type GroupLookup, type MembershipTerm } from '../../model/group-expression.ts';
import type { Group } from '../../model/group.ts';
import { rangeCidrs } from '../../net/address-range.ts';
import { canonicalCidr } from '../../net/cidr.ts';
import { ANTREA_API_VERSION, type AntreaIPBlock, type AntreaLabelSelector, type ClusterGroup } from './antrea-objects.ts';
import { kubeNameOf } from './kube-name.ts';
import { managedMetadata, type ObjectOrigin } from './managed-metadata.ts';

/** A DFW object the adapter cannot turn into Antrea objects (np2dfw's converter never produces one). */
export class UnrealizableError extends Error {
  override readonly name = 'UnrealizableError';
}

type Requirement = { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] };

/** A selector from ANDed requirements: single-value In as matchLabels where the key is free, the rest as expressions. */
function selectorOf(reqs: readonly ConditionRequirement[]): AntreaLabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: Requirement[] = [];
  for (const { requirement: r } of reqs) {
    if (r.operator === 'In' && r.values.length === 1 && !Object.hasOwn(matchLabels, r.key)) matchLabels[r.key] = r.values[0];
    else matchExpressions.push(r.operator === 'In' || r.operator === 'NotIn' ? { key: r.key, operator: r.operator, values: [...r.values] } : { key: r.key, operator: r.operator });
  }
  const out: { matchLabels?: Record<string, string>; matchExpressions?: Requirement[] } = {};
  if (Object.keys(matchLabels).length) out.matchLabels = matchLabels;
  if (matchExpressions.length) out.matchExpressions = matchExpressions;
  return out;
}

/** The ClusterGroup spec of one pod term: its pod and namespace requirements as the two selectors (ANDed). */
function podSpecOf(t: Extract<MembershipTerm, { kind: 'pods' }>): ClusterGroup['spec'] {
  const pod = t.requirements.filter((r) => r.on === 'pod');
  const namespace = t.requirements.filter((r) => r.on === 'namespace');
  const spec: { podSelector?: AntreaLabelSelector; namespaceSelector?: AntreaLabelSelector } = {};
  if (pod.length) spec.podSelector = selectorOf(pod);
  if (namespace.length || pod.length === 0) spec.namespaceSelector = selectorOf(namespace);
  return spec;
}

/** Every address term's ranges as ipBlocks (a range as the CIDRs that cover it exactly). */
function ipBlocksOf(terms: readonly MembershipTerm[]): AntreaIPBlock[] {
  const seen = new Set<string>();
  for (const t of terms) if (t.kind === 'addresses') for (const r of t.ranges) for (const c of rangeCidrs(r)) seen.add(canonicalCidr(c));
  return [...seen].map((cidr) => ({ cidr }));
}

/**
 * The ClusterGroups of one DFW group, as the adapter realizes it: one group holding the selection when the group
 * has one term (or only addresses); otherwise a parent whose `childGroups` name one child per OR-ed pod term and
 * one child with every address, children first. The meaning of the expression (its terms) comes from
 * src/model/group-expression.ts; child groups (PathExpression) arrive expanded into their terms.
 */
export function realizeDfwGroup(group: Group, origin: ObjectOrigin, lookup?: GroupLookup): ClusterGroup[] {
  const name = kubeNameOf(group.id);
  const annotations = { 'np2dfw.io/display-name': group.display_name, 'np2dfw.io/nsx-path': group.path };
  const { terms } = groupMembership(group, lookup);
  const specs: ClusterGroup['spec'][] = terms.flatMap((t) => (t.kind === 'pods' ? [podSpecOf(t)] : []));
  const ipBlocks = ipBlocksOf(terms);
  if (ipBlocks.length) specs.push({ ipBlocks });
  const make = (n: string, spec: ClusterGroup['spec']): ClusterGroup =>
    ({ apiVersion: ANTREA_API_VERSION, kind: 'ClusterGroup', metadata: managedMetadata(n, origin, annotations), spec });
  if (specs.length === 0) return [make(name, {})];
  if (specs.length === 1) return [make(name, specs[0])];
  const children = specs.map((s, k) => make(kubeNameOf(`${group.id}-${k}`), s));
  return [...children, make(name, { childGroups: children.map((c) => c.metadata.name) })];
}
