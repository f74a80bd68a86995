// A DfwConfig's rules as the DFW evaluates them for one cluster: categories in order, policies by sequence
// number, rules by sequence number; disabled rules left out; a policy's Applied To overrides its rules'.
import type { Cluster } from '../../k8s/cluster.ts';
import { resolveNamedPort } from '../../k8s/pod.ts';
import type { DfwConfig, Origin } from '../../model/dfw-config.ts';
import { clusterControlPlanePath, DOMAIN_PATH } from '../../model/paths.ts';
import type { Rule } from '../../model/rule.ts';
import { CATEGORIES, type SecurityPolicy } from '../../model/security-policy.ts';
import { parsePortValue, type ServiceEntry } from '../../model/service-entry.ts';
import { OTHER_PROTOCOLS, type PortQuery } from '../connection.ts';
import type { Endpoint } from '../endpoint.ts';

/** A rule flattened in evaluation order. */
export interface FlatRule {
  readonly policy: SecurityPolicy;
  readonly rule: Rule;
  readonly allow: boolean;
  readonly inbound: boolean;
  readonly outbound: boolean;
  /** Group indexes (in `config.groups`), or undefined for ANY. */
  readonly sources?: readonly number[];
  readonly destinations?: readonly number[];
  /** Group indexes the rule applies to, or undefined for every pod of the cluster. */
  readonly appliedTo?: readonly number[];
  readonly services: readonly CompiledEntry[];
  /** Whether the services depend on the destination (named ports) rather than on the query alone. */
  readonly namedPorts: boolean;
}

/** A service entry ready for matching. */
export type CompiledEntry =
  | { readonly kind: 'ports'; readonly protocol: string; readonly ranges: readonly (readonly [number, number])[] }
  | { readonly kind: 'named'; readonly protocol: string; readonly name: string };

function compileEntry(e: ServiceEntry): CompiledEntry {
  if (e.resource_type === 'NamedPortServiceEntry') return { kind: 'named', protocol: e.l4_protocol, name: e.port_name };
  // A value that is no port or range matches no port (and still keeps the entry from meaning "every port").
  const ranges = e.destination_ports.map((v): [number, number] => {
    const r = parsePortValue(v);
    return r ? [r.first, r.last] : [1, 0];
  });
  return { kind: 'ports', protocol: e.l4_protocol, ranges };
}

/** Whether a rule's services match a protocol and port towards a destination (named ports resolve there). */
export function servicesMatch(services: readonly CompiledEntry[], query: PortQuery, dst: Endpoint | undefined): boolean {
  if (services.length === 0) return true;
  for (const s of services) {
    if (s.protocol !== query.protocol) continue;
    if (s.kind === 'ports') {
      if (s.ranges.length === 0) return true;
      for (const [lo, hi] of s.ranges) if (query.port >= lo && query.port <= hi) return true;
    } else if (dst?.kind === 'pod' && query.protocol !== OTHER_PROTOCOLS && resolveNamedPort(dst.pod, s.name, query.protocol) === query.port) {
      return true;
    }
  }
  return false;
}

const isGroupPath = (p: string) => p.startsWith(`${DOMAIN_PATH}/groups/`);
const isClusterPath = (p: string) => p.includes('/cluster-control-planes/');

/** The Kubernetes rule a DFW policy or rule came from, as one phrase. */
export function formatOrigin(o: Origin | undefined): string {
  if (!o) return '';
  const where = o.direction !== undefined ? ` spec.${o.direction === 'Ingress' ? 'ingress' : 'egress'}[${o.ruleIndex}]` : ' (its default deny)';
  return ` (from NetworkPolicy ${o.namespace}/${o.policyName}${where})`;
}

/** The policies spanning this cluster (its cluster-control-plane path in scope, or no cluster path), in order. */
function orderedPolicies(config: DfwConfig, cluster: Cluster): SecurityPolicy[] {
  const clusterPath = clusterControlPlanePath(cluster.name);
  return config.policies
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => {
      const clusters = p.scope.filter(isClusterPath);
      return clusters.length === 0 || clusters.includes(clusterPath);
    })
    .sort((a, b) => (CATEGORIES.indexOf(a.p.category) - CATEGORIES.indexOf(b.p.category)) || (a.p.sequence_number - b.p.sequence_number) || (a.i - b.i))
    .map(({ p }) => p);
}

/** Every enabled rule of the policies spanning the cluster, in evaluation order. */
export function flattenRules(config: DfwConfig, cluster: Cluster): FlatRule[] {
  const groupIndex = new Map(config.groups.map((g, i) => [g.path, i]));
  const indexes = (paths: readonly string[]): number[] | undefined =>
    paths.length === 1 && paths[0] === 'ANY' ? undefined : paths.map((p) => groupIndex.get(p) ?? -1).filter((i) => i >= 0);
  const rules: FlatRule[] = [];
  for (const policy of orderedPolicies(config, cluster)) {
    const policyGroups = policy.scope.filter(isGroupPath);
    const sorted = policy.rules.map((r, i) => ({ r, i })).sort((a, b) => (a.r.sequence_number - b.r.sequence_number) || (a.i - b.i));
    for (const { r } of sorted) {
      if (r.disabled) continue;
      // policy-level Applied To overrides rule-level (as NSX does for Antrea)
      const applied = policyGroups.length ? policyGroups : r.scope.filter(isGroupPath);
      const services = r.service_entries.map(compileEntry);
      rules.push({
        policy,
        rule: r,
        allow: r.action === 'ALLOW',
        inbound: r.direction === 'IN' || r.direction === 'IN_OUT',
        outbound: r.direction === 'OUT' || r.direction === 'IN_OUT',
        sources: indexes(r.source_groups),
        destinations: indexes(r.destination_groups),
        appliedTo: applied.length ? indexes(applied) : undefined,
        services,
        namedPorts: services.some((s) => s.kind === 'named'),
      });
    }
  }
  return rules;
}
