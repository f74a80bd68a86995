// The one meaning of an NSX group expression. Every consumer (the DFW engine, the ipset/iptables and nftables
// node plans, the Antrea realization) asks this module who a group's members are; none reads an expression itself.
//
// What the expression list means (NSX Policy API `Group.expression`, ../shared/ref/nsx-notes.md):
// - The list alternates: criteria (Condition, NestedExpression, IPAddressExpression, PathExpression) at even
//   indices, a ConjunctionOperator (AND | OR) between every two of them at odd indices, so a non-empty list has
//   odd length. NSX rejects any other shape; so does np2dfw: two criteria without a conjunction between them, a
//   conjunction first or last, two conjunctions in a row. An empty list is a group without members.
// - AND binds tighter than OR: `a AND b OR c` is `(a AND b) OR c`, as NSX's UI draws criteria (AND joins
//   criteria into one box, OR separates boxes).
// - A NestedExpression holds Conditions under the same alternation rule (one criterion of several conditions).
// - IPAddressExpression: single addresses, CIDRs or `first-last` ranges of one family (NSX does not mix IPv4
//   and IPv6 in one expression). PathExpression: the members of the groups at those paths (child groups); paths
//   that are not groups (segments, ports, VIFs) have no meaning in a Kubernetes inventory and are rejected.
//   Static members are a union: an IPAddressExpression or a PathExpression joined with AND to anything is
//   rejected (inference: NSX's UI offers AND only between membership criteria; IP addresses and member groups
//   are separate member lists, added to the group).
// What a Condition means: see `conditionRequirement`. Conditions are evaluated case-sensitively, as Antrea
// enforces them with Kubernetes label selectors (NSX documents its own Condition matching as case-insensitive).
//
// Every rejection is a GroupExpressionError naming the group, the field (`expression[2].scope_operator`) and why.
import { NAMESPACE_NAME_LABEL, requirementMatches, type Labels, type LabelSelectorRequirement } from '../k8s/labels.ts';
import { addressRangeHolds, parseAddressRange, type AddressRange } from '../net/address-range.ts';
import type { Family } from '../net/ip-address.ts';
import type { Condition, Expression, Group } from './group.ts';

/** An expression NSX would reject (or np2dfw cannot give one meaning): the group, the field and why. */
export class GroupExpressionError extends Error {
  override readonly name = 'GroupExpressionError';
  readonly group: string;
  readonly field: string;
  readonly reason: string;
  constructor(group: string, field: string, reason: string) {
    super(`group ${group}: ${field}: ${reason}`);
    this.group = group;
    this.field = field;
    this.reason = reason;
  }
}

/** What a Condition requires of a pod (`on: 'pod'`) or of its namespace, as a Kubernetes label requirement. */
export interface ConditionRequirement {
  readonly on: 'pod' | 'namespace';
  readonly requirement: LabelSelectorRequirement;
}

/** One OR-ed term of a group's membership: pods whose every requirement holds, or a list of address ranges. */
export type MembershipTerm =
  | { readonly kind: 'pods'; readonly requirements: readonly ConditionRequirement[] }
  | { readonly kind: 'addresses'; readonly family: Family; readonly ranges: readonly AddressRange[]; readonly entries: readonly string[] };

/** A group's membership as a union of terms (child groups already expanded). */
export interface GroupMembership {
  readonly path: string;
  readonly terms: readonly MembershipTerm[];
}

/** What membership looks at: a pod that conditions can select (running, not hostNetwork), and/or an address. */
export interface MemberCandidate {
  readonly pod?: { readonly namespace: string; readonly labels: Labels; readonly namespaceLabels: Labels };
  readonly address?: { readonly family: Family; readonly value: bigint };
}

/** Finds a group by its path (for PathExpressions). */
export type GroupLookup = (path: string) => Group | undefined;

const MEMBER_TYPES = ['Pod', 'Namespace'];

/**
 * The one meaning of a Condition, as a label requirement:
 * - `Tag`, value `"k|v"` (scope k, tag v): `operator EQUALS` -> label k equals v (`In [v]`; v may be empty: the
 *   `k: ""` that np2dfw's converter writes); `NOTEQUALS` -> not (k equals v) (`NotIn [v]`, which objects without
 *   k satisfy, as NSX's "Not Equals" does for untagged objects).
 * - `scope_operator EQUALS` with an empty tag part (`"k|"`): the scope alone, any value of k (`Exists`); with
 *   `operator NOTEQUALS`: `DoesNotExist`. NSX documents that an empty part of the value is not evaluated.
 * - `scope_operator NOTEQUALS` with an empty tag part and `operator EQUALS`: no tag of scope k (`DoesNotExist`);
 *   an np2dfw extension (the `extended` profile writes it; Antrea groups in NSX do not support it).
 *   `scope_operator NOTEQUALS` with a tag part means "a tag of another scope with this value", which no label
 *   selector expresses: rejected.
 * - `Namespace Name EQUALS x`: the namespace named x (label kubernetes.io/metadata.name = x).
 * Rejected, as NSX rejects them in Antrea groups (Pod: key Tag, Equals / Not Equals; Namespace: Name with
 * Equals, or Tag): `Pod Name`, `Namespace Name NOTEQUALS`, a scope_operator on Name, other member types, keys and
 * operators (CONTAINS, STARTSWITH, ...). A Tag value without `|`, or with an empty scope (`"|v"`, any label of
 * value v), has no label-selector meaning and is rejected too.
 */
export function conditionRequirement(c: Condition, group: string, field: string): ConditionRequirement {
  const x = c as unknown as Record<string, unknown>;
  const text = (name: string): string => {
    const v = x[name];
    if (typeof v !== 'string') throw new GroupExpressionError(group, `${field}.${name}`, `expected a string, got ${v === undefined ? 'nothing' : typeof v}`);
    return v;
  };
  const memberType = text('member_type');
  if (!MEMBER_TYPES.includes(memberType)) throw new GroupExpressionError(group, `${field}.member_type`, `member_type ${memberType}: Antrea groups select Pod and Namespace members only`);
  const key = text('key');
  const operator = text('operator');
  if (operator !== 'EQUALS' && operator !== 'NOTEQUALS') throw new GroupExpressionError(group, `${field}.operator`, `operator ${operator}: Antrea groups take EQUALS and NOTEQUALS only`);
  const scopeOperator = x.scope_operator === undefined ? undefined : text('scope_operator');
  if (scopeOperator !== undefined && scopeOperator !== 'EQUALS' && scopeOperator !== 'NOTEQUALS') {
    throw new GroupExpressionError(group, `${field}.scope_operator`, `scope_operator ${scopeOperator}: expected EQUALS or NOTEQUALS`);
  }
  const value = text('value');
  const on = memberType === 'Pod' ? 'pod' : 'namespace';
  if (key === 'Name') {
    if (memberType !== 'Namespace') throw new GroupExpressionError(group, `${field}.key`, 'key Name on member_type Pod: Antrea groups select pods by Tag only (no pod name selector exists)');
    if (operator !== 'EQUALS') throw new GroupExpressionError(group, `${field}.operator`, 'Namespace Name takes operator EQUALS only in Antrea groups');
    if (scopeOperator !== undefined) throw new GroupExpressionError(group, `${field}.scope_operator`, 'a Name condition has no scope');
    if (value === '') throw new GroupExpressionError(group, `${field}.value`, 'an empty namespace name');
    return { on, requirement: { key: NAMESPACE_NAME_LABEL, operator: 'In', values: [value] } };
  }
  if (key !== 'Tag') throw new GroupExpressionError(group, `${field}.key`, `key ${key}: Antrea groups take Tag (and Name for namespaces) only`);
  const bar = value.indexOf('|');
  if (bar < 0) throw new GroupExpressionError(group, `${field}.value`, `"${value}": a Tag value is "scope|tag" (label key|label value)`);
  const scope = value.slice(0, bar);
  const tag = value.slice(bar + 1);
  if (scope === '') throw new GroupExpressionError(group, `${field}.value`, `"${value}": a tag without scope (any label of value ${tag}) has no label-selector form`);
  if (scopeOperator === 'NOTEQUALS') {
    if (tag !== '') throw new GroupExpressionError(group, `${field}.scope_operator`, `scope_operator NOTEQUALS with tag "${tag}" (a label of another key with this value) has no label-selector form`);
    if (operator !== 'EQUALS') throw new GroupExpressionError(group, `${field}.operator`, 'scope_operator NOTEQUALS takes operator EQUALS only (the scope is absent)');
    return { on, requirement: { key: scope, operator: 'DoesNotExist', values: [] } };
  }
  if (scopeOperator === 'EQUALS' && tag === '') return { on, requirement: { key: scope, operator: operator === 'EQUALS' ? 'Exists' : 'DoesNotExist', values: [] } };
  return { on, requirement: { key: scope, operator: operator === 'EQUALS' ? 'In' : 'NotIn', values: [tag] } };
}

/** Whether a pod (labels, namespace and its labels) satisfies a requirement. */
export function requirementHolds(r: ConditionRequirement, pod: NonNullable<MemberCandidate['pod']>): boolean {
  if (r.on === 'pod') return requirementMatches(r.requirement, pod.labels);
  if (r.requirement.key === NAMESPACE_NAME_LABEL) return requirementMatches(r.requirement, { ...pod.namespaceLabels, [NAMESPACE_NAME_LABEL]: pod.namespace });
  return requirementMatches(r.requirement, pod.namespaceLabels);
}

/** Whether a term holds for a candidate. */
export function termHolds(t: MembershipTerm, c: MemberCandidate): boolean {
  if (t.kind === 'pods') return c.pod !== undefined && t.requirements.every((r) => requirementHolds(r, c.pod!));
  return c.address !== undefined && t.ranges.some((r) => addressRangeHolds(r, c.address!.family, c.address!.value));
}

/** Whether a candidate is a member: some term holds. */
export function isMember(m: GroupMembership, c: MemberCandidate): boolean {
  for (const t of m.terms) if (termHolds(t, c)) return true;
  return false;
}

/** The namespaces a group's pods must be in, when every pod term names one by `Namespace Name`; else undefined. */
export function requiredNamespaces(m: GroupMembership): ReadonlySet<string> | undefined {
  const out = new Set<string>();
  for (const t of m.terms) {
    if (t.kind !== 'pods') continue;
    const named = t.requirements.find((r) => r.on === 'namespace' && r.requirement.key === NAMESPACE_NAME_LABEL && r.requirement.operator === 'In');
    if (!named) return undefined;
    out.add(named.requirement.values[0]);
  }
  return out;
}

type Item = { readonly x: Expression; readonly field: string };

/** Splits an alternating list into OR-ed chains of AND-ed items, rejecting what NSX rejects. */
function chains(list: unknown, group: string, field: string, what: string): Item[][] {
  if (!Array.isArray(list)) throw new GroupExpressionError(group, field, `${what} must be a list`);
  if (list.length % 2 === 0 && list.length > 0) {
    throw new GroupExpressionError(group, `${field}[${list.length - 1}]`, `${what} has ${list.length} entries: criteria and conjunctions must alternate (an odd number of entries)`);
  }
  const out: Item[][] = [[]];
  list.forEach((x: unknown, i: number) => {
    const f = `${field}[${i}]`;
    const type = typeof x === 'object' && x !== null ? (x as { resource_type?: unknown }).resource_type : undefined;
    if (typeof type !== 'string') throw new GroupExpressionError(group, `${f}.resource_type`, 'every entry needs a resource_type');
    const isConjunction = type === 'ConjunctionOperator';
    if (i % 2 === 1 && !isConjunction) throw new GroupExpressionError(group, f, `${type} follows another criterion without a ConjunctionOperator between them`);
    if (i % 2 === 0 && isConjunction) throw new GroupExpressionError(group, f, 'a ConjunctionOperator must stand between two criteria');
    if (isConjunction) {
      const op = (x as { conjunction_operator?: unknown }).conjunction_operator;
      if (op === 'OR') out.push([]);
      else if (op !== 'AND') throw new GroupExpressionError(group, `${f}.conjunction_operator`, `expected AND or OR, got ${String(op)}`);
      return;
    }
    out[out.length - 1].push({ x: x as Expression, field: f });
  });
  return list.length ? out : [];
}

/** A NestedExpression as alternatives (OR) of requirement lists (AND). */
function nestedAlternatives(items: unknown, group: string, field: string): ConditionRequirement[][] {
  const alternatives: ConditionRequirement[][] = [];
  const list = chains(items, group, `${field}.expressions`, 'a NestedExpression');
  if (list.length === 0) throw new GroupExpressionError(group, `${field}.expressions`, 'an empty NestedExpression');
  for (const chain of list) {
    alternatives.push(chain.map(({ x, field: f }) => {
      if (x.resource_type !== 'Condition') throw new GroupExpressionError(group, `${f}.resource_type`, `${x.resource_type} inside a NestedExpression: it holds Conditions only`);
      return conditionRequirement(x, group, f);
    }));
  }
  return alternatives;
}

function addressTerm(x: Expression, group: string, field: string): MembershipTerm {
  const list = (x as { ip_addresses?: unknown }).ip_addresses;
  if (!Array.isArray(list) || list.length === 0) throw new GroupExpressionError(group, `${field}.ip_addresses`, 'an IPAddressExpression needs a non-empty list of addresses');
  let family: Family | undefined;
  const ranges: AddressRange[] = [];
  list.forEach((a: unknown, k: number) => {
    const r = typeof a === 'string' ? parseAddressRange(a) : undefined;
    if (!r) throw new GroupExpressionError(group, `${field}.ip_addresses[${k}]`, `${JSON.stringify(a)} is not an address, a CIDR or a first-last range`);
    if (family !== undefined && r.family !== family) throw new GroupExpressionError(group, `${field}.ip_addresses[${k}]`, `${a as string}: IPv4 and IPv6 addresses cannot be mixed in one IPAddressExpression`);
    family = r.family;
    ranges.push(r);
  });
  return { kind: 'addresses', family: family!, ranges, entries: list as string[] };
}

/**
 * A group's membership: its expression validated and normalised into a union of terms, child groups (PathExpression)
 * expanded through `lookup`. Throws GroupExpressionError for an expression NSX would reject, a missing child group
 * or a cycle of child groups.
 */
export function groupMembership(group: Group, lookup: GroupLookup = () => undefined): GroupMembership {
  return { path: group.path, terms: termsOf(group, lookup, []) };
}

function termsOf(group: Group, lookup: GroupLookup, visiting: readonly string[]): MembershipTerm[] {
  const name = group.path;
  const terms: MembershipTerm[] = [];
  for (const chain of chains(group.expression, name, 'expression', 'an expression')) {
    const staticItem = chain.find(({ x }) => x.resource_type === 'IPAddressExpression' || x.resource_type === 'PathExpression');
    if (staticItem && chain.length > 1) {
      throw new GroupExpressionError(name, staticItem.field, `${staticItem.x.resource_type} joined with AND: static members (addresses, child groups) join a group only with OR`);
    }
    if (staticItem?.x.resource_type === 'IPAddressExpression') {
      terms.push(addressTerm(staticItem.x, name, staticItem.field));
      continue;
    }
    if (staticItem?.x.resource_type === 'PathExpression') {
      const paths = (staticItem.x as { paths?: unknown }).paths;
      if (!Array.isArray(paths) || paths.length === 0) throw new GroupExpressionError(name, `${staticItem.field}.paths`, 'a PathExpression needs a non-empty list of paths');
      paths.forEach((p: unknown, k: number) => {
        const f = `${staticItem.field}.paths[${k}]`;
        if (typeof p !== 'string') throw new GroupExpressionError(name, f, 'expected a path');
        if (p === name || visiting.includes(p)) throw new GroupExpressionError(name, f, `${p} contains this group again (a cycle of child groups)`);
        const child = lookup(p);
        if (!child) throw new GroupExpressionError(name, f, `${p}: no such group (only groups can be members by path here)`);
        terms.push(...termsOf(child, lookup, [...visiting, name]));
      });
      continue;
    }
    // Conditions and NestedExpressions, AND-ed: the product of their alternatives.
    let product: ConditionRequirement[][] = [[]];
    for (const { x, field } of chain) {
      let alternatives: ConditionRequirement[][];
      if (x.resource_type === 'Condition') alternatives = [[conditionRequirement(x, name, field)]];
      else if (x.resource_type === 'NestedExpression') alternatives = nestedAlternatives(x.expressions, name, field);
      else throw new GroupExpressionError(name, `${field}.resource_type`, `${(x as { resource_type: string }).resource_type}: not a group expression np2dfw evaluates`);
      const next: ConditionRequirement[][] = [];
      for (const a of product) for (const b of alternatives) next.push([...a, ...b]);
      product = next;
    }
    for (const requirements of product) terms.push({ kind: 'pods', requirements });
  }
  return terms;
}

/** Memberships of every group of a list, child groups resolved among them; throws the first GroupExpressionError. */
export function groupMemberships(groups: readonly Group[]): Map<string, GroupMembership> {
  const byPath = new Map(groups.map((g) => [g.path, g]));
  const lookup: GroupLookup = (p) => byPath.get(p);
  return new Map(groups.map((g) => [g.path, groupMembership(g, lookup)]));
}

/**
 * An expression list from outside (a file, an API body, a stored row) validated by the rules above and returned
 * typed, without fields np2dfw does not read. Child groups named by path are not looked up (they may be given
 * later or elsewhere; `groupMembership` with a lookup resolves them). Throws GroupExpressionError.
 */
export function decodeGroupExpression(group: string, list: unknown): Expression[] {
  const stub = (p: string): Group => ({ resource_type: 'Group', id: p, display_name: p, path: p, group_type: ['ANTREA'], expression: [], tags: [] });
  if (!Array.isArray(list)) throw new GroupExpressionError(group, 'expression', 'an expression must be a list');
  const raw: Expression[] = list;
  termsOf({ ...stub(group), expression: raw }, (p) => (p === group ? undefined : stub(p)), []);
  return raw.map(typedExpression);
}

/** A copy of an entry that `termsOf` accepted (so its fields hold the values checked there). */
function typedExpression(x: Expression): Expression {
  switch (x.resource_type) {
    case 'Condition': return typedCondition(x);
    case 'ConjunctionOperator': return { resource_type: 'ConjunctionOperator', conjunction_operator: x.conjunction_operator };
    case 'NestedExpression': return { resource_type: 'NestedExpression', expressions: x.expressions.map((y) => (y.resource_type === 'Condition' ? typedCondition(y) : { resource_type: 'ConjunctionOperator', conjunction_operator: y.conjunction_operator })) };
    case 'IPAddressExpression': return { resource_type: 'IPAddressExpression', ip_addresses: [...x.ip_addresses] };
    case 'PathExpression': return { resource_type: 'PathExpression', paths: [...x.paths] };
  }
}

function typedCondition(c: Condition): Condition {
  return { resource_type: 'Condition', member_type: c.member_type, key: c.key, operator: c.operator, ...(c.scope_operator !== undefined ? { scope_operator: c.scope_operator } : {}), value: c.value };
}
