import type { Cluster } from '../../k8s/cluster.ts';
import type { Labels } from '../../k8s/labels.ts';
import type { Pod } from '../../k8s/pod.ts';
import type { Condition, Expression, Group } from '../../model/group.ts';
import { canonicalCidr, cidrRange } from '../../net/cidr.ts';
import { familyOf, ipToBigInt, type Family } from '../../net/ip-address.ts';

/**
 * A DFW group resolved against the inventory, as a dataplane matches it: by address. `pods` are the pods its
 * conditions select (their addresses go into `hash:ip` sets); `cidrs` its static IP members per family (they go
 * into `hash:net` / interval sets).
 */
export interface ResolvedGroup {
  /** The group's path. */
  readonly path: string;
  /** Live, non-hostNetwork pods selected by the group's conditions (not those merely inside its CIDRs). */
  readonly pods: readonly Pod[];
  /** Canonical CIDRs of the group's IPAddressExpressions, by family. */
  readonly cidrs: { readonly 4: readonly string[]; readonly 6: readonly string[] };
}

/** Whether a pod can be a member of a group by its conditions: it has an address, runs, and is not hostNetwork. */
export function selectablePod(pod: Pod): boolean {
  return pod.ips.length > 0 && pod.phase !== 'Succeeded' && pod.phase !== 'Failed' && !pod.hostNetwork;
}

function splitTag(value: string): { key: string; val: string } {
  const bar = value.indexOf('|');
  return bar < 0 ? { key: value, val: '' } : { key: value.slice(0, bar), val: value.slice(bar + 1) };
}

/** One condition against a pod (member_type Pod) or its namespace (member_type Namespace). */
export function conditionHolds(c: Condition, pod: Pod, namespaceLabels: Labels): boolean {
  const labels = c.member_type === 'Pod' ? pod.labels : namespaceLabels;
  if (c.key === 'Name') {
    const name = c.member_type === 'Pod' ? pod.name : pod.namespace;
    return c.operator === 'EQUALS' ? name === c.value : name !== c.value;
  }
  const { key, val } = splitTag(c.value);
  const has = Object.hasOwn(labels, key);
  if (c.scope_operator === 'EQUALS' && val === '') return c.operator === 'EQUALS' ? has : !has;
  if (c.scope_operator === 'NOTEQUALS' && val === '') return !has;
  if (c.operator === 'EQUALS') return has && labels[key] === val;
  return !has || labels[key] !== val;
}

/** Whether one criterion (a Condition, or a NestedExpression of conditions joined by AND/OR) holds for a pod. */
function criterionHolds(e: Expression, pod: Pod, nsLabels: Labels): boolean {
  if (e.resource_type === 'Condition') return conditionHolds(e, pod, nsLabels);
  if (e.resource_type === 'NestedExpression') return listHolds(e.expressions, pod, nsLabels);
  if (e.resource_type === 'IPAddressExpression') return false;
  throw new Error(`unexpected ${e.resource_type} in place of a criterion`);
}

/** A list of criteria joined by conjunctions; AND binds tighter than OR. An empty list matches nothing. */
function listHolds(list: readonly Expression[], pod: Pod, nsLabels: Labels): boolean {
  let any = false;
  let term: boolean | undefined;
  for (const e of list) {
    if (e.resource_type === 'ConjunctionOperator') {
      if (e.conjunction_operator === 'OR') {
        any ||= term === true;
        term = undefined;
      }
      continue;
    }
    const v = criterionHolds(e, pod, nsLabels);
    term = term === undefined ? v : term && v;
  }
  return any || term === true;
}

/** Whether a group's expression mixes IP members into an AND (which an address set cannot express). */
function ipAnded(list: readonly Expression[]): boolean {
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (e.resource_type !== 'IPAddressExpression') continue;
    const before = list[i - 1];
    const after = list[i + 1];
    const and = (x: Expression | undefined) => x?.resource_type === 'ConjunctionOperator' && x.conjunction_operator === 'AND';
    if (and(before) || and(after)) return true;
  }
  return false;
}

/**
 * The inventory indexed for group resolution: selectable pods, by namespace, with their namespace's labels.
 * Build it once per cluster (`indexPods`) and resolve every group against it.
 */
export interface PodIndex {
  readonly all: readonly Pod[];
  readonly byNamespace: ReadonlyMap<string, readonly Pod[]>;
  readonly namespaceLabels: ReadonlyMap<string, Labels>;
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
  return { all, byNamespace, namespaceLabels };
}

/** The namespace a criterion pins by `Namespace Name EQUALS`, if it does (then only its pods can match). */
function pinnedNamespace(e: Expression): string | undefined {
  const conds = e.resource_type === 'Condition' ? [e] : e.resource_type === 'NestedExpression' && e.expressions.every((x) => x.resource_type !== 'ConjunctionOperator' || x.conjunction_operator === 'AND') ? e.expressions : [];
  for (const c of conds) if (c.resource_type === 'Condition' && c.member_type === 'Namespace' && c.key === 'Name' && c.operator === 'EQUALS') return c.value;
  return undefined;
}

/**
 * The pods that can possibly match a group: when every OR-ed criterion pins a namespace, only those namespaces'
 * pods; otherwise every pod. Only a shortcut: membership is still decided by evaluating the whole expression.
 */
function candidates(group: Group, index: PodIndex): readonly Pod[] {
  if (group.expression.some((e) => e.resource_type === 'ConjunctionOperator' && e.conjunction_operator === 'AND')) return index.all;
  const criteria = group.expression.filter((e) => e.resource_type === 'Condition' || e.resource_type === 'NestedExpression');
  const pinned = criteria.map(pinnedNamespace);
  if (pinned.some((n) => n === undefined)) return index.all;
  return [...new Set(pinned as string[])].flatMap((n) => index.byNamespace.get(n) ?? []);
}

/** Resolves a group: which pods its conditions select, and its static CIDRs by family. */
export function resolveGroup(group: Group, cluster: Cluster, index: PodIndex = indexPods(cluster)): ResolvedGroup {
  if (ipAnded(group.expression)) throw new Error(`group ${group.path}: IP members joined with AND cannot be realized as address sets`);
  const hasConditions = group.expression.some((e) => e.resource_type === 'Condition' || e.resource_type === 'NestedExpression');
  const pods: Pod[] = [];
  if (hasConditions) {
    for (const pod of candidates(group, index)) {
      if (listHolds(group.expression, pod, index.namespaceLabels.get(pod.namespace) ?? {})) pods.push(pod);
    }
  }
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  for (const e of group.expression) {
    if (e.resource_type !== 'IPAddressExpression') continue;
    for (const a of e.ip_addresses) {
      const c = canonicalCidr(a);
      (cidrRange(c).family === 4 ? v4 : v6).add(c);
    }
  }
  return { path: group.path, pods, cidrs: { 4: [...v4], 6: [...v6] } };
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
