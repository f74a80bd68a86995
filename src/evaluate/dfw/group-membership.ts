// Whether an endpoint is a member of a DFW group: conditions on the inventory (pod labels as `key|value` tags,
// namespace names and labels) and static IP members. Evaluated case-sensitively, as Antrea enforces groups with
// Kubernetes label selectors (NSX documents its own Condition matching as case-insensitive).
import type { Labels } from '../../k8s/labels.ts';
import type { Namespace } from '../../k8s/namespace.ts';
import type { Condition, Expression, Group } from '../../model/group.ts';
import { cidrRange } from '../../net/cidr.ts';
import { addressValue, familyOf, type Family } from '../../net/ip-address.ts';
import type { Endpoint } from '../endpoint.ts';
import { isSelectable, namespaceLabels } from '../kubernetes/endpoint-match.ts';

/** A closed range of addresses of one family. */
export interface AddressRange {
  readonly family: Family;
  readonly start: bigint;
  readonly end: bigint;
}

/** One entry of an IPAddressExpression (`10.0.0.1`, `10.0.0.0/24`, `10.0.0.1-10.0.0.9`) as a range. */
export function addressRange(text: string): AddressRange {
  const dash = text.indexOf('-');
  if (dash > 0) {
    const a = text.slice(0, dash).trim();
    const b = text.slice(dash + 1).trim();
    const family = familyOf(a);
    if (!family || familyOf(b) !== family) throw new Error(`not an address range: ${text}`);
    return { family, start: addressValue(a, family), end: addressValue(b, family) };
  }
  const r = cidrRange(text);
  return { family: r.family, start: r.start, end: r.end };
}

/** What a group's membership depends on: only labels and namespaces, only addresses, or both. */
export type GroupKind = 'labels' | 'addresses' | 'mixed';

/** A group compiled for membership tests. */
export interface CompiledGroup {
  readonly group: Group;
  readonly kind: GroupKind;
  /** For `addresses` groups: every range of every IPAddressExpression (the expressions are OR-ed). */
  readonly ranges: readonly AddressRange[];
  /**
   * For `labels` groups whose every criterion requires `Namespace Name EQUALS x`: those namespaces (only their
   * pods can be members); undefined otherwise.
   */
  readonly namespaces?: ReadonlySet<string>;
  /** Membership of one endpoint. */
  has(e: Endpoint): boolean;
  /** Membership of an endpoint already resolved with `subjectOf` (faster when testing many groups). */
  hasSubject(s: Subject): boolean;
}

/** The parts of an endpoint conditions look at, resolved once. */
export interface Subject {
  readonly e: Endpoint;
  readonly podLabels?: Labels;
  readonly namespace?: string;
  readonly nsLabels?: Labels;
  readonly address?: bigint;
}

function splitTag(value: string): [string, string] {
  const bar = value.indexOf('|');
  return bar < 0 ? [value, ''] : [value.slice(0, bar), value.slice(bar + 1)];
}

/** One Condition against a pod's labels or its namespace (non-selectable endpoints match no condition). */
export function conditionHolds(c: Condition, podLabels: Labels, namespace: string, nsLabels: Labels): boolean {
  if (c.key === 'Name') {
    const name = c.member_type === 'Namespace' ? namespace : undefined;
    const eq = name === c.value;
    return c.operator === 'NOTEQUALS' ? !eq : eq;
  }
  const labels = c.member_type === 'Namespace' ? nsLabels : podLabels;
  const [key, value] = splitTag(c.value);
  const has = Object.hasOwn(labels, key);
  if (c.scope_operator === 'NOTEQUALS') return !has;
  if (c.scope_operator === 'EQUALS' && value === '') return c.operator === 'NOTEQUALS' ? !has : has;
  const eq = has && labels[key] === value;
  return c.operator === 'NOTEQUALS' ? !eq : eq;
}

type Term = { t: 'cond'; c: Condition } | { t: 'nested'; chains: Term[][] } | { t: 'ip'; ranges: AddressRange[] };

/** An expression list as OR-ed chains of AND-ed terms (AND binds tighter than OR). */
function chainsOf(list: readonly Expression[]): Term[][] {
  const chains: Term[][] = [[]];
  let pendingOr = false;
  for (const x of list) {
    if (x.resource_type === 'ConjunctionOperator') {
      pendingOr = x.conjunction_operator === 'OR';
      continue;
    }
    if (pendingOr && chains[chains.length - 1].length) chains.push([]);
    pendingOr = true; // NSX's default conjunction between criteria is OR
    const term: Term = x.resource_type === 'Condition' ? { t: 'cond', c: x }
      : x.resource_type === 'NestedExpression' ? { t: 'nested', chains: chainsOf(x.expressions) }
      : { t: 'ip', ranges: x.ip_addresses.map(addressRange) };
    chains[chains.length - 1].push(term);
  }
  return chains.filter((c) => c.length);
}

function termsHave(chains: Term[][], pred: (t: Term) => boolean): boolean {
  return chains.some((ch) => ch.some((t) => (t.t === 'nested' ? termsHave(t.chains, pred) : pred(t))));
}

function holds(chains: Term[][], s: Subject): boolean {
  for (const chain of chains) {
    let all = true;
    for (const t of chain) {
      let ok: boolean;
      if (t.t === 'cond') ok = s.podLabels !== undefined && conditionHolds(t.c, s.podLabels, s.namespace!, s.nsLabels!);
      else if (t.t === 'nested') ok = holds(t.chains, s);
      else ok = s.address !== undefined && t.ranges.some((r) => r.family === s.e.family && s.address! >= r.start && s.address! <= r.end);
      if (!ok) { all = false; break; }
    }
    if (all) return true;
  }
  return false;
}

/** Compiles a group; `namespaces` gives namespace labels. */
export function compileGroup(group: Group, namespaces: ReadonlyMap<string, Namespace>): CompiledGroup {
  const chains = chainsOf(group.expression);
  const hasIp = termsHave(chains, (t) => t.t === 'ip');
  const hasCond = termsHave(chains, (t) => t.t === 'cond');
  const kind: GroupKind = hasIp && hasCond ? 'mixed' : hasIp ? 'addresses' : 'labels';
  const ranges: AddressRange[] = [];
  if (kind === 'addresses') {
    // Only IP terms: an AND of IP terms is rare; keep the general path for it.
    if (chains.every((ch) => ch.length === 1 && ch[0].t === 'ip')) for (const ch of chains) ranges.push(...(ch[0] as { ranges: AddressRange[] }).ranges);
  }
  const compiled: CompiledGroup = {
    group,
    namespaces: requiredNamespaces(chains),
    kind: kind === 'addresses' && ranges.length === 0 && chains.length ? 'mixed' : kind,
    ranges,
    has(e: Endpoint): boolean {
      return holds(chains, subjectOf(e, namespaces));
    },
    hasSubject(s: Subject): boolean {
      return holds(chains, s);
    },
  };
  return compiled;
}

/** The namespace each chain requires by name, when every chain requires one. */
function requiredNamespaces(chains: Term[][]): Set<string> | undefined {
  const out = new Set<string>();
  for (const chain of chains) {
    let found: string | undefined;
    for (const t of chain) {
      if (t.t === 'cond' && t.c.member_type === 'Namespace' && t.c.key === 'Name' && t.c.operator === 'EQUALS' && t.c.scope_operator === undefined) found = t.c.value;
      else if (t.t === 'nested') {
        const inner = requiredNamespaces(t.chains);
        if (inner && inner.size === 1) found = [...inner][0];
      }
      if (found !== undefined) break;
    }
    if (found === undefined) return undefined;
    out.add(found);
  }
  return chains.length ? out : undefined;
}

/** The parts of an endpoint membership looks at. */
export function subjectOf(e: Endpoint, namespaces: ReadonlyMap<string, Namespace>): Subject {
  const address = addressValue(e.ip, e.family);
  if (!isSelectable(e) || e.kind !== 'pod') return { e, address };
  return { e, podLabels: e.pod.labels, namespace: e.pod.namespace, nsLabels: namespaceLabels(namespaces, e.pod.namespace), address };
}
