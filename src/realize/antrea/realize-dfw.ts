import type { DfwConfig, Origin } from '../../model/dfw-config.ts';
import { DOMAIN_PATH, idOfPath } from '../../model/paths.ts';
import type { Rule } from '../../model/rule.ts';
import { CATEGORIES, type Category, type SecurityPolicy } from '../../model/security-policy.ts';
import { parsePortValue, type ServiceEntry } from '../../model/service-entry.ts';
import {
  ANTREA_API_VERSION, type AntreaAppliedTo, type AntreaObjects, type AntreaPeer, type AntreaPort, type AntreaRule,
  type ClusterGroup, type ClusterNetworkPolicy,
} from './antrea-objects.ts';
import { kubeNameOf } from './kube-name.ts';
import { managedMetadata, type ObjectOrigin } from './managed-metadata.ts';
import { realizeDfwGroup, UnrealizableError } from './realize-dfw-groups.ts';
import { NSX_CATEGORY_TIERS, nsxCategoryTier } from './tiers.ts';
import { priorityOfRank } from './priority.ts';

const GROUPS_PREFIX = `${DOMAIN_PATH}/groups/`;

function isGroupPath(path: string): boolean {
  return path.startsWith(GROUPS_PREFIX);
}

function originOf(o: Origin | undefined): ObjectOrigin {
  return o ? { cluster: o.cluster, namespace: o.namespace, policyName: o.policyName, policyUid: o.policyUid } : {};
}

/**
 * Ports of a rule's service entries: `"80"` or `"8080-8090"`; no destination ports = every port of the protocol; a
 * named-port entry (np2dfw's extended profile) as the port's name, which Antrea resolves per destination pod.
 */
function portsOf(entries: readonly ServiceEntry[]): AntreaPort[] {
  const out: AntreaPort[] = [];
  for (const e of entries) {
    if (e.resource_type === 'NamedPortServiceEntry') { out.push({ protocol: e.l4_protocol, port: e.port_name }); continue; }
    if (e.source_ports.length) throw new UnrealizableError(`service entry ${e.id}: source ports are not realized`);
    if (e.destination_ports.length === 0) { out.push({ protocol: e.l4_protocol }); continue; }
    for (const p of e.destination_ports) {
      const r = parsePortValue(p);
      if (!r) throw new UnrealizableError(`service entry ${e.id}: destination port ${JSON.stringify(p)} is not a port or port range`);
      out.push(r.first === r.last ? { protocol: e.l4_protocol, port: r.first } : { protocol: e.l4_protocol, port: r.first, endPort: r.last });
    }
  }
  return out;
}

function peersOf(paths: readonly string[], groupName: (path: string) => string): AntreaPeer[] | undefined {
  if (paths.length === 1 && paths[0] === 'ANY') return undefined;
  return paths.map((p) => ({ group: groupName(p) }));
}

/**
 * One DFW policy as a ClusterNetworkPolicy: appliedTo on every rule (the policy's scope group, which overrides the
 * rule's; the rule's scope when the policy has none; every pod when neither names a group); IN rules become ingress
 * rules from the source groups, OUT rules egress rules to the destination groups, IN_OUT both.
 */
function realizePolicy(policy: SecurityPolicy, priority: number, origin: ObjectOrigin, groupName: (path: string) => string): ClusterNetworkPolicy {
  const policyScope = policy.scope.filter(isGroupPath);
  const ingress: AntreaRule[] = [];
  const egress: AntreaRule[] = [];
  const names = new Set<string>();
  const unique = (base: string) => {
    let n = base;
    for (let k = 2; names.has(n); k++) n = `${base}-${k}`;
    names.add(n);
    return n;
  };
  const rules = [...policy.rules].sort((a, b) => a.sequence_number - b.sequence_number);
  const appliedToOf = (rule: Rule): AntreaAppliedTo[] => {
    const scope = policyScope.length ? policyScope : rule.scope.filter(isGroupPath);
    return scope.length ? scope.map((p) => ({ group: groupName(p) })) : [{ namespaceSelector: {} }];
  };
  for (const rule of rules) {
    if (rule.disabled) continue;
    if (rule.services.length !== 1 || rule.services[0] !== 'ANY') throw new UnrealizableError(`rule ${rule.id}: service references are not realized`);
    const action = rule.action === 'ALLOW' ? 'Allow' : rule.action === 'DROP' ? 'Drop' : 'Reject';
    const ports = rule.service_entries.length ? portsOf(rule.service_entries) : undefined;
    const appliedTo = appliedToOf(rule);
    const sources = peersOf(rule.source_groups, groupName);
    const destinations = peersOf(rule.destination_groups, groupName);
    if (sources && destinations) throw new UnrealizableError(`rule ${rule.id}: both sources and destinations (Antrea takes one side)`);
    const make = (name: string, side: 'from' | 'to', peers: AntreaPeer[] | undefined): AntreaRule => {
      const r: { name: string; action: typeof action; appliedTo: AntreaAppliedTo[]; from?: AntreaPeer[]; to?: AntreaPeer[]; ports?: AntreaPort[] } =
        { name: unique(name), action, appliedTo };
      if (peers) r[side] = peers;
      if (ports) r.ports = ports;
      return r;
    };
    if (rule.direction === 'IN') {
      if (destinations) throw new UnrealizableError(`rule ${rule.id}: an IN rule with destinations`);
      ingress.push(make(rule.id, 'from', sources));
    } else if (rule.direction === 'OUT') {
      if (sources) throw new UnrealizableError(`rule ${rule.id}: an OUT rule with sources`);
      egress.push(make(rule.id, 'to', destinations));
    } else {
      ingress.push(make(`${rule.id}-in`, 'from', sources));
      egress.push(make(`${rule.id}-out`, 'to', destinations));
    }
  }
  const spec: { tier: string; priority: number; appliedTo?: AntreaAppliedTo[]; ingress?: AntreaRule[]; egress?: AntreaRule[] } = {
    tier: NSX_CATEGORY_TIERS.get(policy.category)!.name,
    priority,
  };
  if (ingress.length === 0 && egress.length === 0) {
    spec.appliedTo = policyScope.length ? policyScope.map((p) => ({ group: groupName(p) })) : [{ namespaceSelector: {} }];
  }
  if (ingress.length) spec.ingress = ingress;
  if (egress.length) spec.egress = egress;
  return {
    apiVersion: ANTREA_API_VERSION,
    kind: 'ClusterNetworkPolicy',
    metadata: managedMetadata(kubeNameOf(policy.id), origin, {
      'np2dfw.io/display-name': policy.display_name,
      'np2dfw.io/nsx-path': policy.path,
      'np2dfw.io/nsx-sequence-number': String(policy.sequence_number),
    }),
    spec,
  };
}

/** Options of the DFW realization. */
export interface RealizeDfwOptions {
  /** Only the policies whose scope names this cluster control plane path (default: every policy). */
  readonly clusterPath?: string;
}

/**
 * The Antrea objects the NSX adapter creates for a DFW configuration: a Tier per DFW category used, a
 * ClusterNetworkPolicy per security policy (named by its id, in its category's tier, `spec.priority` keeping the
 * sequence-number order within the category), and the ClusterGroups of every group the policies use.
 * Throws UnrealizableError for DFW shapes Antrea cannot take.
 */
export function realizeDfwConfig(config: DfwConfig, options: RealizeDfwOptions = {}): AntreaObjects {
  const policies = config.policies.filter((p) => !options.clusterPath || p.scope.includes(options.clusterPath));
  const groupsByPath = new Map(config.groups.map((g) => [g.path, g]));
  const used = new Map<string, Set<string>>();
  const groupName = (path: string): string => {
    if (!isGroupPath(path)) throw new UnrealizableError(`${path} is not a group path`);
    return kubeNameOf(idOfPath(path));
  };
  const markUse = (path: string, policy: SecurityPolicy) => {
    if (!isGroupPath(path)) return;
    if (!groupsByPath.has(path)) throw new UnrealizableError(`policy ${policy.id} uses the unknown group ${path}`);
    let s = used.get(path);
    if (!s) used.set(path, (s = new Set()));
    s.add(policy.path);
  };
  for (const p of policies) {
    for (const s of p.scope) markUse(s, p);
    for (const r of p.rules) for (const path of [...r.source_groups, ...r.destination_groups, ...r.scope]) markUse(path, p);
  }
  const byCategory = new Map<Category, SecurityPolicy[]>();
  for (const p of policies) {
    let list = byCategory.get(p.category);
    if (!list) byCategory.set(p.category, (list = []));
    list.push(p);
  }
  const out: ClusterNetworkPolicy[] = [];
  const tiers = [];
  for (const category of CATEGORIES) {
    const list = byCategory.get(category);
    if (!list) continue;
    tiers.push(nsxCategoryTier(category));
    list.sort((a, b) => a.sequence_number - b.sequence_number || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    list.forEach((p, rank) => out.push(realizePolicy(p, priorityOfRank(rank, list.length), originOf(config.origins.get(p.path)), groupName)));
  }
  const clusterGroups: ClusterGroup[] = [];
  for (const g of config.groups) {
    const users = used.get(g.path);
    if (!users) continue;
    const origins = [...users].map((p) => config.origins.get(p)).filter((o) => o !== undefined);
    const uids = new Set(origins.map((o) => o.policyUid));
    const origin: ObjectOrigin = uids.size === 1 ? originOf(origins[0]) : origins.length ? { cluster: origins[0].cluster } : {};
    clusterGroups.push(...realizeDfwGroup(g, origin, (p) => groupsByPath.get(p)));
  }
  return { tiers, clusterGroups, policies: out };
}
