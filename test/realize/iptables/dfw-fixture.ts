// Small hand-made DFW configs and clusters for the dataplane tests.
import { buildCluster, type Cluster } from '../../../src/k8s/cluster.ts';
import type { ContainerPort, Pod } from '../../../src/k8s/pod.ts';
import type { DfwConfig } from '../../../src/model/dfw-config.ts';
import type { Condition, Group } from '../../../src/model/group.ts';
import { groupPath, securityPolicyPath } from '../../../src/model/paths.ts';
import type { Rule, RuleAction, RuleDirection } from '../../../src/model/rule.ts';
import type { Category, SecurityPolicy } from '../../../src/model/security-policy.ts';
import type { ServiceEntry } from '../../../src/model/service-entry.ts';

/** A running pod. */
export function pod(ns: string, name: string, ips: string[], labels: Record<string, string> = {}, extra: { node?: string; ports?: ContainerPort[] } = {}): Pod {
  return { namespace: ns, name, labels, ips, hostNetwork: false, phase: 'Running', nodeName: extra.node, ports: extra.ports ?? [] };
}

export function cluster(pods: Pod[]): Cluster {
  return buildCluster('c', { pods });
}

/** A group selecting pods by one label (`k|v`) in a namespace. */
export function labelGroup(id: string, ns: string, key: string, value: string): Group {
  const conds: Condition[] = [
    { resource_type: 'Condition', member_type: 'Namespace', key: 'Name', operator: 'EQUALS', value: ns },
    { resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: `${key}|${value}` },
  ];
  return {
    resource_type: 'Group', id, display_name: id, path: groupPath(id), group_type: ['ANTREA'], tags: [],
    expression: [{ resource_type: 'NestedExpression', expressions: [conds[0], { resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' }, conds[1]] }],
  };
}

/** A group of static addresses: one IPAddressExpression per family (NSX does not mix them), joined by OR. */
export function ipGroup(id: string, cidrs: string[]): Group {
  const byFamily = [cidrs.filter((c) => !c.includes(':')), cidrs.filter((c) => c.includes(':'))].filter((l) => l.length);
  const expression: Group['expression'][number][] = [];
  for (const list of byFamily) {
    if (expression.length) expression.push({ resource_type: 'ConjunctionOperator', conjunction_operator: 'OR' });
    expression.push({ resource_type: 'IPAddressExpression', ip_addresses: list });
  }
  return { resource_type: 'Group', id, display_name: id, path: groupPath(id), group_type: ['ANTREA'], tags: [], expression };
}

/** A TCP/UDP port-set service entry. */
export function ports(protocol: 'TCP' | 'UDP' | 'SCTP', ...values: string[]): ServiceEntry {
  return { resource_type: 'L4PortSetServiceEntry', id: `svc-${protocol}-${values.join('_')}`, l4_protocol: protocol, destination_ports: values, source_ports: [] };
}

/** A named-port service entry (np2dfw extension). */
export function named(protocol: 'TCP' | 'UDP', name: string): ServiceEntry {
  return { resource_type: 'NamedPortServiceEntry', id: `svc-${protocol}-${name}`, l4_protocol: protocol, port_name: name };
}

export function rule(id: string, action: RuleAction, direction: RuleDirection, src: Group | 'ANY', dst: Group | 'ANY', services: ServiceEntry[] = [], seq = 0): Rule {
  return {
    resource_type: 'Rule', id, display_name: id, action, direction, ip_protocol: 'IPV4_IPV6', sequence_number: seq,
    source_groups: src === 'ANY' ? ['ANY'] : [src.path], destination_groups: dst === 'ANY' ? ['ANY'] : [dst.path],
    services: ['ANY'], service_entries: services, scope: ['ANY'], logged: false, disabled: false, tags: [],
  };
}

export function policy(id: string, sequence: number, appliedTo: Group, rules: Rule[], category: Category = 'Application'): SecurityPolicy {
  return {
    resource_type: 'SecurityPolicy', id, display_name: id, path: securityPolicyPath(id), category, sequence_number: sequence,
    scope: ['/infra/sites/default/enforcement-points/default/cluster-control-planes/c', appliedTo.path], stateful: true, rules, tags: [],
  };
}

export function config(groups: Group[], policies: SecurityPolicy[]): DfwConfig {
  return { groups, policies, origins: new Map() };
}

/** Three pods of namespace x (a and b on node n1, c on n2) and a group selecting each: the lab's DFW-semantics cluster. */
export function threePods(): { c: Cluster; A: Group; B: Group; C: Group } {
  return {
    c: cluster([
      pod('x', 'a', ['10.7.0.1'], { app: 'a' }, { node: 'n1' }),
      pod('x', 'b', ['10.7.0.2'], { app: 'b' }, { node: 'n1' }),
      pod('x', 'c', ['10.7.0.3'], { app: 'c' }, { node: 'n2' }),
    ]),
    A: labelGroup('ga', 'x', 'app', 'a'),
    B: labelGroup('gb', 'x', 'app', 'b'),
    C: labelGroup('gc', 'x', 'app', 'c'),
  };
}
