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

/** The admission problems of a set of objects applied together (empty when Antrea would take them all). */
export function admissionProblems(objects: AntreaObjects): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const add = (object: string, path: string, message: string) => problems.push({ object, path, message });

  const checkName = (id: string, name: string) => {
    if (!isDns1123Subdomain(name)) add(id, '/metadata/name', `"${name}" is not a DNS-1123 subdomain`);
  };
  const checkMeta = (id: string, meta: { name: string; labels: Readonly<Record<string, string>> }) => {
    checkName(id, meta.name);
    for (const [k, v] of Object.entries(meta.labels)) {
      if (!isQualifiedName(k)) add(id, `/metadata/labels/${k}`, `invalid label key "${k}"`);
      if (!isLabelValue(v)) add(id, `/metadata/labels/${k}`, `invalid label value "${v}"`);
    }
  };
  const checkSelector = (id: string, path: string, s: AntreaLabelSelector | undefined) => {
    if (!s) return;
    for (const [k, v] of Object.entries(s.matchLabels ?? {})) {
      if (!isQualifiedName(k)) add(id, `${path}/matchLabels`, `Invalid label key: ${k}`);
      if (!isLabelValue(v)) add(id, `${path}/matchLabels`, `Invalid label value: ${v}`);
    }
    (s.matchExpressions ?? []).forEach((r, i) => {
      if (!isQualifiedName(r.key)) add(id, `${path}/matchExpressions/${i}/key`, `Invalid label key: ${r.key}`);
      const needsValues = r.operator === 'In' || r.operator === 'NotIn';
      if (needsValues && !(r.values && r.values.length)) add(id, `${path}/matchExpressions/${i}/values`, `values must be non-empty for ${r.operator}`);
      if (!needsValues && r.values && r.values.length) add(id, `${path}/matchExpressions/${i}/values`, `values must be empty for ${r.operator}`);
    });
  };
  const checkIpBlock = (id: string, path: string, b: AntreaIPBlock) => {
    if (!b.cidr) { add(id, path, "field 'cidr' is required in an ipBlock"); return; }
    if (!isCidr(b.cidr)) { add(id, `${path}/cidr`, `invalid CIDR ${b.cidr}`); return; }
    const outer = cidrRange(b.cidr);
    (b.except ?? []).forEach((e, i) => {
      if (!isCidr(e)) { add(id, `${path}/except/${i}`, `invalid except CIDR value: ${e}`); return; }
      const inner = cidrRange(e);
      const addr = e.slice(0, e.indexOf('/'));
      if (isIP(addr) !== (outer.family === 4 ? 4 : 6) || inner.start < outer.start || inner.start > outer.end || outer.prefix >= inner.prefix) {
        add(id, `${path}/except/${i}`, `except CIDR ${e} is not a strict subset of CIDR ${b.cidr}`);
      }
    });
  };

  // Tiers: names, priorities not reserved and not shared, at most 20.
  const tiers = new Map<string, number>(STATIC_TIERS);
  const staticPriorities = new Map([...STATIC_TIERS].map(([n, p]) => [p, n]));
  for (const t of objects.tiers) {
    const id = `Tier/${t.metadata.name}`;
    checkMeta(id, t.metadata);
    if (STATIC_TIERS.has(t.metadata.name)) add(id, '/metadata/name', `tier ${t.metadata.name} is one of Antrea's own`);
    if (RESERVED_TIER_PRIORITIES.has(t.spec.priority)) add(id, '/spec/priority', `tier ${t.metadata.name} priority ${t.spec.priority} is reserved`);
    const clash = staticPriorities.get(t.spec.priority) ?? [...tiers].find(([n, p]) => p === t.spec.priority && n !== t.metadata.name && !STATIC_TIERS.has(n))?.[0];
    if (clash) add(id, '/spec/priority', `tier ${t.metadata.name} priority ${t.spec.priority} overlaps with existing Tier ${clash}`);
    tiers.set(t.metadata.name, t.spec.priority);
  }
  if (tiers.size > MAX_TIERS) add('Tier', '/', `maximum number of Tiers supported: ${MAX_TIERS}`);

  // ClusterGroups: one kind of selection (namespaceSelector may join podSelector), valid ipBlocks, one level of children.
  const groups = new Map<string, ClusterGroup>();
  for (const g of objects.clusterGroups) {
    const id = `ClusterGroup/${g.metadata.name}`;
    if (groups.has(g.metadata.name)) add(id, '/metadata/name', 'duplicate ClusterGroup name');
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
    checkMeta(id, g.metadata);
    const fields = setFields(g.spec);
    const pair = fields.length === 2 && fields.includes('namespaceSelector') && (fields.includes('podSelector') || fields.includes('externalEntitySelector'));
    if (fields.length > 2 || (fields.length === 2 && !pair)) {
      add(id, '/spec', 'At most one of podSelector, externalEntitySelector, serviceReference, ipBlock, ipBlocks or childGroups can be set for a ClusterGroup');
    }
    checkSelector(id, '/spec/podSelector', g.spec.podSelector);
    checkSelector(id, '/spec/namespaceSelector', g.spec.namespaceSelector);
    (g.spec.ipBlocks ?? []).forEach((b, i) => checkIpBlock(id, `/spec/ipBlocks/${i}`, b));
    const children = g.spec.childGroups ?? [];
    if (children.length) {
      const ps = parents.get(g.metadata.name) ?? [];
      if (ps.length) add(id, '/spec/childGroups', `cannot set childGroups for ClusterGroup ${g.metadata.name}, who has ${ps.length} parents`);
      children.forEach((c, i) => {
        const child = groups.get(c);
        if (!child) add(id, `/spec/childGroups/${i}`, `child ClusterGroup ${c} is not among the objects`);
        else if (child.spec.childGroups && child.spec.childGroups.length) add(id, `/spec/childGroups/${i}`, `cannot set ClusterGroup ${c} as childGroup, who has ${child.spec.childGroups.length} childGroups itself`);
      });
    }
  }

  // ClusterNetworkPolicies.
  const policyNames = new Set<string>();
  for (const p of objects.policies) {
    const id = `ClusterNetworkPolicy/${p.metadata.name}`;
    checkMeta(id, p.metadata);
    if (policyNames.has(p.metadata.name)) add(id, '/metadata/name', 'duplicate ClusterNetworkPolicy name');
    policyNames.add(p.metadata.name);
    const tier = p.spec.tier || DEFAULT_TIER;
    if (!tiers.has(tier)) add(id, '/spec/tier', `tier ${tier} does not exist`);
    if (!(p.spec.priority >= MIN_PRIORITY && p.spec.priority <= MAX_PRIORITY)) add(id, '/spec/priority', `priority ${p.spec.priority} is outside ${MIN_PRIORITY}-${MAX_PRIORITY}`);
    const ingress = p.spec.ingress ?? [];
    const egress = p.spec.egress ?? [];
    const all: [AntreaRule, string][] = [...ingress.map((r, i): [AntreaRule, string] => [r, `/spec/ingress/${i}`]), ...egress.map((r, i): [AntreaRule, string] => [r, `/spec/egress/${i}`])];
    if (tier.toLowerCase() === BASELINE_TIER) for (const [r, path] of all) if (r.action === 'Pass') add(id, `${path}/action`, '`Pass` action should not be set for Baseline Tier policy rules');
    const ruleNames = new Set<string>();
    for (const [r, path] of all) {
      if (!r.name) add(id, `${path}/name`, 'np2dfw names every rule');
      else if (ruleNames.has(r.name)) add(id, `${path}/name`, `rules names must be unique within the policy (${r.name})`);
      ruleNames.add(r.name);
    }
    const inSpec = (p.spec.appliedTo ?? []).length > 0;
    const inRules = all.filter(([r]) => (r.appliedTo ?? []).length > 0).length;
    if (inSpec && inRules > 0) add(id, '/spec/appliedTo', 'appliedTo should not be set in both spec and rules');
    if (!inSpec && inRules === 0) add(id, '/spec/appliedTo', 'appliedTo needs to be set in either spec or rules');
    if (inRules > 0 && inRules !== all.length) add(id, '/spec', 'appliedTo field should either be set in all rules or in none of them');
    const checkGroupRef = (path: string, name: string) => {
      if (!groups.has(name)) add(id, path, `ClusterGroup ${name} is not among the objects`);
    };
    const checkAppliedTo = (path: string, list: readonly AntreaAppliedTo[] | undefined) => (list ?? []).forEach((a, i) => {
      const n = setFields(a).length;
      if (a.group !== undefined) {
        if (n > 1) add(id, `${path}/${i}`, 'group cannot be set with other peers in appliedTo');
        checkGroupRef(`${path}/${i}/group`, a.group);
        const g = groups.get(a.group);
        if (g && (g.spec.ipBlocks?.length || (g.spec.childGroups ?? []).some((c) => groups.get(c)?.spec.ipBlocks?.length))) {
          add(id, `${path}/${i}/group`, `appliedTo ClusterGroup ${a.group} holds ipBlocks`);
        }
      }
      checkSelector(id, `${path}/${i}/podSelector`, a.podSelector);
      checkSelector(id, `${path}/${i}/namespaceSelector`, a.namespaceSelector);
    });
    checkAppliedTo('/spec/appliedTo', p.spec.appliedTo);
    for (const [r, path] of all) {
      checkAppliedTo(`${path}/appliedTo`, r.appliedTo);
      const peers: readonly AntreaPeer[] = path.includes('ingress') ? r.from ?? [] : r.to ?? [];
      const field = path.includes('ingress') ? 'from' : 'to';
      if (path.includes('ingress') && r.to) add(id, `${path}/to`, 'an ingress rule has no `to`');
      if (path.includes('egress') && r.from) add(id, `${path}/from`, 'an egress rule has no `from`');
      peers.forEach((peer, i) => {
        const pp = `${path}/${field}/${i}`;
        if (peer.ipBlock) checkIpBlock(id, `${pp}/ipBlock`, peer.ipBlock);
        if (peer.group !== undefined) {
          if (setFields(peer).length > 1) add(id, pp, 'group cannot be set with other peers in rules');
          checkGroupRef(`${pp}/group`, peer.group);
        }
        if (peer.ipBlock && (peer.podSelector || peer.namespaceSelector)) add(id, pp, 'ipBlock cannot be set with selectors in one peer');
        checkSelector(id, `${pp}/podSelector`, peer.podSelector);
        checkSelector(id, `${pp}/namespaceSelector`, peer.namespaceSelector);
      });
      (r.ports ?? []).forEach((port, i) => {
        const pp = `${path}/ports/${i}`;
        if (port.endPort !== undefined) {
          if (port.port === undefined) add(id, pp, 'if `endPort` is specified `port` must be specified');
          else if (typeof port.port === 'string') add(id, pp, 'if `port` is a string `endPort` cannot be specified');
          else if (port.endPort < port.port) add(id, pp, '`endPort` should be greater than or equal to `port`');
        }
        if (typeof port.port === 'number' && (port.port < 1 || port.port > 65535)) add(id, `${pp}/port`, `port ${port.port} is outside 1-65535`);
      });
    }
  }
  return problems;
}
