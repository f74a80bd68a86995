// Antrea's admission webhook rules (antrea-io/antrea pkg/controller/networkpolicy/validate.go), applied to a set of
// objects meant to be applied together, plus the API server's rules for names and labels.
import { isIP } from 'node:net';
import { cidrRange } from '../../../net/cidr.ts';
import type {
  AntreaAppliedTo, AntreaIPBlock, AntreaLabelSelector, AntreaObjects, AntreaPeer, AntreaRule, ClusterGroup,
} from '../antrea-objects.ts';
import { isDns1123Subdomain, isLabelValue } from '../kube-name.ts';
import { MAX_PRIORITY, MIN_PRIORITY } from '../priority.ts';
import { BASELINE_TIER, DEFAULT_TIER, STATIC_TIERS } from '../tiers.ts';
import { isCidr, type SchemaProblem } from './crd-schemas.ts';

/** Tier priorities Antrea reserves for itself. */
const RESERVED_TIER_PRIORITIES = new Set([251, 252, 254, 255]);
/** The most tiers Antrea supports (its own included). */
const MAX_TIERS = 20;

/** Whether a label key is a Kubernetes qualified name (`[prefix/]name`). */
export function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  if (!/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name) || name.length > 63) return false;
  return prefix === undefined || (prefix.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(prefix));
}

/** The fields of an object that are set (not undefined), as Go's numFieldsSetInStruct counts them. */
function setFields(o: object): string[] {
  return Object.entries(o).filter(([, v]) => v !== undefined).map(([k]) => k);
}

/** Collects the problems of one admission check, with the checks every kind of object shares. */
class Admission {
  readonly problems: SchemaProblem[] = [];

  add(object: string, path: string, message: string): void {
    this.problems.push({ object, path, message });
  }

  meta(id: string, meta: { name: string; labels: Readonly<Record<string, string>> }): void {
    if (!isDns1123Subdomain(meta.name)) this.add(id, '/metadata/name', `"${meta.name}" is not a DNS-1123 subdomain`);
    for (const [k, v] of Object.entries(meta.labels)) {
      if (!isQualifiedName(k)) this.add(id, `/metadata/labels/${k}`, `invalid label key "${k}"`);
      if (!isLabelValue(v)) this.add(id, `/metadata/labels/${k}`, `invalid label value "${v}"`);
    }
  }

  selector(id: string, path: string, s: AntreaLabelSelector | undefined): void {
    if (!s) return;
    for (const [k, v] of Object.entries(s.matchLabels ?? {})) {
      if (!isQualifiedName(k)) this.add(id, `${path}/matchLabels`, `Invalid label key: ${k}`);
      if (!isLabelValue(v)) this.add(id, `${path}/matchLabels`, `Invalid label value: ${v}`);
    }
    (s.matchExpressions ?? []).forEach((r, i) => {
      if (!isQualifiedName(r.key)) this.add(id, `${path}/matchExpressions/${i}/key`, `Invalid label key: ${r.key}`);
      const needsValues = r.operator === 'In' || r.operator === 'NotIn';
      if (needsValues && !(r.values && r.values.length)) this.add(id, `${path}/matchExpressions/${i}/values`, `values must be non-empty for ${r.operator}`);
      if (!needsValues && r.values && r.values.length) this.add(id, `${path}/matchExpressions/${i}/values`, `values must be empty for ${r.operator}`);
    });
  }

  ipBlock(id: string, path: string, b: AntreaIPBlock): void {
    if (!b.cidr) { this.add(id, path, "field 'cidr' is required in an ipBlock"); return; }
    if (!isCidr(b.cidr)) { this.add(id, `${path}/cidr`, `invalid CIDR ${b.cidr}`); return; }
    const outer = cidrRange(b.cidr);
    (b.except ?? []).forEach((e, i) => {
      if (!isCidr(e)) { this.add(id, `${path}/except/${i}`, `invalid except CIDR value: ${e}`); return; }
      const inner = cidrRange(e);
      const addr = e.slice(0, e.indexOf('/'));
      if (isIP(addr) !== (outer.family === 4 ? 4 : 6) || inner.start < outer.start || inner.start > outer.end || outer.prefix >= inner.prefix) {
        this.add(id, `${path}/except/${i}`, `except CIDR ${e} is not a strict subset of CIDR ${b.cidr}`);
      }
    });
  }
}

/** Tiers: names, priorities not reserved and not shared, at most 20. Returns every tier's priority by name. */
function checkTiers(a: Admission, objects: AntreaObjects): Map<string, number> {
  const tiers = new Map<string, number>(STATIC_TIERS);
  const staticPriorities = new Map([...STATIC_TIERS].map(([n, p]) => [p, n]));
  for (const t of objects.tiers) {
    const id = `Tier/${t.metadata.name}`;
    a.meta(id, t.metadata);
    if (STATIC_TIERS.has(t.metadata.name)) a.add(id, '/metadata/name', `tier ${t.metadata.name} is one of Antrea's own`);
    if (RESERVED_TIER_PRIORITIES.has(t.spec.priority)) a.add(id, '/spec/priority', `tier ${t.metadata.name} priority ${t.spec.priority} is reserved`);
    const clash = staticPriorities.get(t.spec.priority) ?? [...tiers].find(([n, p]) => p === t.spec.priority && n !== t.metadata.name && !STATIC_TIERS.has(n))?.[0];
    if (clash) a.add(id, '/spec/priority', `tier ${t.metadata.name} priority ${t.spec.priority} overlaps with existing Tier ${clash}`);
    tiers.set(t.metadata.name, t.spec.priority);
  }
  if (tiers.size > MAX_TIERS) a.add('Tier', '/', `maximum number of Tiers supported: ${MAX_TIERS}`);
  return tiers;
}

/** A ClusterGroup's childGroups: one level only, every child among the objects. */
function checkChildren(a: Admission, g: ClusterGroup, groups: ReadonlyMap<string, ClusterGroup>, parents: ReadonlyMap<string, string[]>): void {
  const id = `ClusterGroup/${g.metadata.name}`;
  const children = g.spec.childGroups ?? [];
  if (!children.length) return;
  const ps = parents.get(g.metadata.name) ?? [];
  if (ps.length) a.add(id, '/spec/childGroups', `cannot set childGroups for ClusterGroup ${g.metadata.name}, who has ${ps.length} parents`);
  children.forEach((c, i) => {
    const child = groups.get(c);
    if (!child) a.add(id, `/spec/childGroups/${i}`, `child ClusterGroup ${c} is not among the objects`);
    else if (child.spec.childGroups && child.spec.childGroups.length) a.add(id, `/spec/childGroups/${i}`, `cannot set ClusterGroup ${c} as childGroup, who has ${child.spec.childGroups.length} childGroups itself`);
  });
}

/**
 * ClusterGroups: one kind of selection (namespaceSelector may join podSelector), valid ipBlocks, one level of
 * children. Returns the groups by name.
 */
function checkClusterGroups(a: Admission, objects: AntreaObjects): Map<string, ClusterGroup> {
  const groups = new Map<string, ClusterGroup>();
  for (const g of objects.clusterGroups) {
    if (groups.has(g.metadata.name)) a.add(`ClusterGroup/${g.metadata.name}`, '/metadata/name', 'duplicate ClusterGroup name');
    groups.set(g.metadata.name, g);
  }
  const parents = new Map<string, string[]>();
  for (const g of objects.clusterGroups) for (const c of g.spec.childGroups ?? []) {
    let l = parents.get(c);
    if (!l) parents.set(c, (l = []));
    l.push(g.metadata.name);
  }
  for (const g of objects.clusterGroups) {
    const id = `ClusterGroup/${g.metadata.name}`;
    a.meta(id, g.metadata);
    const fields = setFields(g.spec);
    const pair = fields.length === 2 && fields.includes('namespaceSelector') && (fields.includes('podSelector') || fields.includes('externalEntitySelector'));
    if (fields.length > 2 || (fields.length === 2 && !pair)) {
      a.add(id, '/spec', 'At most one of podSelector, externalEntitySelector, serviceReference, ipBlock, ipBlocks or childGroups can be set for a ClusterGroup');
    }
    a.selector(id, '/spec/podSelector', g.spec.podSelector);
    a.selector(id, '/spec/namespaceSelector', g.spec.namespaceSelector);
    (g.spec.ipBlocks ?? []).forEach((b, i) => a.ipBlock(id, `/spec/ipBlocks/${i}`, b));
    checkChildren(a, g, groups, parents);
  }
  return groups;
}

/** What checking one ClusterNetworkPolicy knows: where problems go, the policy's id, the groups among the objects. */
interface PolicyScope {
  readonly a: Admission;
  readonly id: string;
  readonly groups: ReadonlyMap<string, ClusterGroup>;
}

function checkGroupRef(s: PolicyScope, path: string, name: string): void {
  if (!s.groups.has(name)) s.a.add(s.id, path, `ClusterGroup ${name} is not among the objects`);
}

function checkAppliedTo(s: PolicyScope, path: string, list: readonly AntreaAppliedTo[] | undefined): void {
  (list ?? []).forEach((at, i) => {
    const n = setFields(at).length;
    if (at.group !== undefined) {
      if (n > 1) s.a.add(s.id, `${path}/${i}`, 'group cannot be set with other peers in appliedTo');
      checkGroupRef(s, `${path}/${i}/group`, at.group);
      const g = s.groups.get(at.group);
      if (g && (g.spec.ipBlocks?.length || (g.spec.childGroups ?? []).some((c) => s.groups.get(c)?.spec.ipBlocks?.length))) {
        s.a.add(s.id, `${path}/${i}/group`, `appliedTo ClusterGroup ${at.group} holds ipBlocks`);
      }
    }
    s.a.selector(s.id, `${path}/${i}/podSelector`, at.podSelector);
    s.a.selector(s.id, `${path}/${i}/namespaceSelector`, at.namespaceSelector);
  });
}

/** Rule names, and appliedTo set either in the spec or in every rule. */
function checkRuleNamesAndAppliedTo(s: PolicyScope, spec: { readonly appliedTo?: readonly AntreaAppliedTo[] }, all: readonly [AntreaRule, string][]): void {
  const ruleNames = new Set<string>();
  for (const [r, path] of all) {
    if (!r.name) s.a.add(s.id, `${path}/name`, 'np2dfw names every rule');
    else if (ruleNames.has(r.name)) s.a.add(s.id, `${path}/name`, `rules names must be unique within the policy (${r.name})`);
    ruleNames.add(r.name);
  }
  const inSpec = (spec.appliedTo ?? []).length > 0;
  const inRules = all.filter(([r]) => (r.appliedTo ?? []).length > 0).length;
  if (inSpec && inRules > 0) s.a.add(s.id, '/spec/appliedTo', 'appliedTo should not be set in both spec and rules');
  if (!inSpec && inRules === 0) s.a.add(s.id, '/spec/appliedTo', 'appliedTo needs to be set in either spec or rules');
  if (inRules > 0 && inRules !== all.length) s.a.add(s.id, '/spec', 'appliedTo field should either be set in all rules or in none of them');
}

/** One rule: its appliedTo, its peers (one kind each, the side its direction has), its ports. */
function checkRule(s: PolicyScope, r: AntreaRule, path: string): void {
  checkAppliedTo(s, `${path}/appliedTo`, r.appliedTo);
  const ingress = path.includes('ingress');
  const peers: readonly AntreaPeer[] = ingress ? r.from ?? [] : r.to ?? [];
  const field = ingress ? 'from' : 'to';
  if (ingress && r.to) s.a.add(s.id, `${path}/to`, 'an ingress rule has no `to`');
  if (path.includes('egress') && r.from) s.a.add(s.id, `${path}/from`, 'an egress rule has no `from`');
  peers.forEach((peer, i) => {
    const pp = `${path}/${field}/${i}`;
    if (peer.ipBlock) s.a.ipBlock(s.id, `${pp}/ipBlock`, peer.ipBlock);
    if (peer.group !== undefined) {
      if (setFields(peer).length > 1) s.a.add(s.id, pp, 'group cannot be set with other peers in rules');
      checkGroupRef(s, `${pp}/group`, peer.group);
    }
    if (peer.ipBlock && (peer.podSelector || peer.namespaceSelector)) s.a.add(s.id, pp, 'ipBlock cannot be set with selectors in one peer');
    s.a.selector(s.id, `${pp}/podSelector`, peer.podSelector);
    s.a.selector(s.id, `${pp}/namespaceSelector`, peer.namespaceSelector);
  });
  (r.ports ?? []).forEach((port, i) => {
    const pp = `${path}/ports/${i}`;
    if (port.endPort !== undefined) {
      if (port.port === undefined) s.a.add(s.id, pp, 'if `endPort` is specified `port` must be specified');
      else if (typeof port.port === 'string') s.a.add(s.id, pp, 'if `port` is a string `endPort` cannot be specified');
      else if (port.endPort < port.port) s.a.add(s.id, pp, '`endPort` should be greater than or equal to `port`');
    }
    if (typeof port.port === 'number' && (port.port < 1 || port.port > 65535)) s.a.add(s.id, `${pp}/port`, `port ${port.port} is outside 1-65535`);
  });
}

/** One ClusterNetworkPolicy; `duplicate` when an earlier one of the objects has its name. */
function checkPolicy(s: PolicyScope, p: AntreaObjects['policies'][number], tiers: ReadonlyMap<string, number>, duplicate: boolean): void {
  const { a, id } = s;
  a.meta(id, p.metadata);
  if (duplicate) a.add(id, '/metadata/name', 'duplicate ClusterNetworkPolicy name');
  const tier = p.spec.tier || DEFAULT_TIER;
  if (!tiers.has(tier)) a.add(id, '/spec/tier', `tier ${tier} does not exist`);
  if (!(p.spec.priority >= MIN_PRIORITY && p.spec.priority <= MAX_PRIORITY)) a.add(id, '/spec/priority', `priority ${p.spec.priority} is outside ${MIN_PRIORITY}-${MAX_PRIORITY}`);
  const all: [AntreaRule, string][] = [
    ...(p.spec.ingress ?? []).map((r, i): [AntreaRule, string] => [r, `/spec/ingress/${i}`]),
    ...(p.spec.egress ?? []).map((r, i): [AntreaRule, string] => [r, `/spec/egress/${i}`]),
  ];
  if (tier.toLowerCase() === BASELINE_TIER) for (const [r, path] of all) if (r.action === 'Pass') a.add(id, `${path}/action`, '`Pass` action should not be set for Baseline Tier policy rules');
  checkRuleNamesAndAppliedTo(s, p.spec, all);
  checkAppliedTo(s, '/spec/appliedTo', p.spec.appliedTo);
  for (const [r, path] of all) checkRule(s, r, path);
}

/** The admission problems of a set of objects applied together (empty when Antrea would take them all). */
export function admissionProblems(objects: AntreaObjects): SchemaProblem[] {
  const a = new Admission();
  const tiers = checkTiers(a, objects);
  const groups = checkClusterGroups(a, objects);
  const policyNames = new Set<string>();
  for (const p of objects.policies) {
    const id = `ClusterNetworkPolicy/${p.metadata.name}`;
    const duplicate = policyNames.has(p.metadata.name);
    policyNames.add(p.metadata.name);
    checkPolicy({ a, id, groups }, p, tiers, duplicate);
  }
  return a.problems;
}
