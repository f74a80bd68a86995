import type { Condition, Expression, Group, IPAddressExpression } from '../../model/group.ts';
import { canonicalCidr } from '../../net/cidr.ts';
import { familyOf } from '../../net/ip-address.ts';
import { ANTREA_API_VERSION, type AntreaIPBlock, type AntreaLabelSelector, type ClusterGroup } from './antrea-objects.ts';
import { kubeNameOf } from './kube-name.ts';
import { managedMetadata, type ObjectOrigin } from './managed-metadata.ts';

/** A DFW object the adapter cannot turn into Antrea objects (np2dfw's converter never produces one). */
export class UnrealizableError extends Error {
  override readonly name = 'UnrealizableError';
}

type Requirement = { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] };

/** One OR-ed term of a group: conditions ANDed, or static addresses. */
interface Term {
  pod: Requirement[];
  namespace: Requirement[];
  ipBlocks: AntreaIPBlock[];
  hasConditions: boolean;
}

/** The label requirement a Condition stands for. */
function requirementOf(c: Condition, group: Group): { on: 'pod' | 'namespace'; req: Requirement } {
  const on = c.member_type === 'Pod' ? 'pod' : 'namespace';
  let key: string;
  let value: string;
  if (c.key === 'Name') {
    if (c.member_type !== 'Namespace') throw new UnrealizableError(`group ${group.id}: a Pod Name condition has no Antrea label selector`);
    key = 'kubernetes.io/metadata.name';
    value = c.value;
  } else {
    const bar = c.value.indexOf('|');
    key = bar < 0 ? c.value : c.value.slice(0, bar);
    value = bar < 0 ? '' : c.value.slice(bar + 1);
  }
  if (c.scope_operator === 'NOTEQUALS') return { on, req: { key, operator: 'DoesNotExist' } };
  if (c.key === 'Tag' && value === '') return { on, req: { key, operator: c.operator === 'EQUALS' ? 'Exists' : 'DoesNotExist' } };
  return { on, req: { key, operator: c.operator === 'EQUALS' ? 'In' : 'NotIn', values: [value] } };
}

/** A selector from ANDed requirements: single-value In as matchLabels where the key is free, the rest as expressions. */
function selectorOf(reqs: readonly Requirement[]): AntreaLabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: Requirement[] = [];
  for (const r of reqs) {
    if (r.operator === 'In' && r.values!.length === 1 && !Object.hasOwn(matchLabels, r.key)) matchLabels[r.key] = r.values![0];
    else matchExpressions.push(r);
  }
  const out: { matchLabels?: Record<string, string>; matchExpressions?: Requirement[] } = {};
  if (Object.keys(matchLabels).length) out.matchLabels = matchLabels;
  if (matchExpressions.length) out.matchExpressions = matchExpressions;
  return out;
}

function ipBlocksOf(e: IPAddressExpression): AntreaIPBlock[] {
  return e.ip_addresses.map((a) => {
    if (a.includes('-')) throw new UnrealizableError(`IP range ${a} has no Antrea ipBlock`);
    return { cidr: a.includes('/') ? canonicalCidr(a) : `${a}/${familyOf(a) === 6 ? 128 : 32}` };
  });
}

/** Splits a group's expression into OR-ed terms of ANDed criteria. */
function termsOf(group: Group): Term[] {
  const terms: Term[] = [];
  let current: Term | undefined;
  let joinAnd = false;
  const add = (criterion: Expression) => {
    if (!current || !joinAnd) {
      current = { pod: [], namespace: [], ipBlocks: [], hasConditions: false };
      terms.push(current);
    }
    const conds: Condition[] = [];
    if (criterion.resource_type === 'Condition') conds.push(criterion);
    else if (criterion.resource_type === 'NestedExpression') {
      for (const e of criterion.expressions) if (e.resource_type === 'Condition') conds.push(e);
        else if (e.conjunction_operator !== 'AND') throw new UnrealizableError(`group ${group.id}: OR inside a NestedExpression`);
    } else if (criterion.resource_type === 'IPAddressExpression') {
      if (current.hasConditions || current.ipBlocks.length) throw new UnrealizableError(`group ${group.id}: addresses ANDed with another criterion`);
      current.ipBlocks.push(...ipBlocksOf(criterion));
      return;
    }
    if (current.ipBlocks.length) throw new UnrealizableError(`group ${group.id}: conditions ANDed with addresses`);
    for (const c of conds) {
      const { on, req } = requirementOf(c, group);
      current[on].push(req);
      current.hasConditions = true;
    }
  };
  for (const e of group.expression) {
    if (e.resource_type === 'ConjunctionOperator') { joinAnd = e.conjunction_operator === 'AND'; continue; }
    add(e);
    joinAnd = false;
  }
  return terms;
}

/** The ClusterGroup spec of one term (a child, or the group itself when it has one term). */
function specOf(term: Term): ClusterGroup['spec'] {
  if (term.ipBlocks.length) return { ipBlocks: term.ipBlocks };
  const spec: { podSelector?: AntreaLabelSelector; namespaceSelector?: AntreaLabelSelector } = {};
  if (term.pod.length) spec.podSelector = selectorOf(term.pod);
  if (term.namespace.length) spec.namespaceSelector = selectorOf(term.namespace);
  return spec;
}

/**
 * The ClusterGroups of one DFW group, as the adapter realizes it: one group holding the selection when the group
 * has one criterion (or only addresses); otherwise a parent whose `childGroups` name one child per OR-ed
 * criterion (every address of the group in one child), children first.
 */
export function realizeDfwGroup(group: Group, origin: ObjectOrigin): ClusterGroup[] {
  const name = kubeNameOf(group.id);
  const annotations = { 'np2dfw.io/display-name': group.display_name, 'np2dfw.io/nsx-path': group.path };
  const terms = termsOf(group);
  const ipOnly = terms.filter((t) => !t.hasConditions);
  const merged: Term[] = terms.filter((t) => t.hasConditions);
  if (ipOnly.length) merged.push({ pod: [], namespace: [], ipBlocks: ipOnly.flatMap((t) => t.ipBlocks), hasConditions: false });
  const make = (n: string, spec: ClusterGroup['spec']): ClusterGroup =>
    ({ apiVersion: ANTREA_API_VERSION, kind: 'ClusterGroup', metadata: managedMetadata(n, origin, annotations), spec });
  if (merged.length === 0) return [make(name, {})];
  if (merged.length === 1) return [make(name, specOf(merged[0]))];
  const children = merged.map((t, k) => make(kubeNameOf(`${group.id}-${k}`), specOf(t)));
  return [...children, make(name, { childGroups: children.map((c) => c.metadata.name) })];
}
