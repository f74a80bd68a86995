import { effectiveRules, type NetworkPolicy, type PolicyType } from '../k8s/network-policy.ts';
import type { Origin } from '../model/dfw-config.ts';
import type { Expression, Group } from '../model/group.ts';
import { clusterControlPlanePath, groupPath, rulePath, securityPolicyPath } from '../model/paths.ts';
import type { Rule, RuleDirection } from '../model/rule.ts';
import type { SecurityPolicy } from '../model/security-policy.ts';
import { appliedToGroupDisplayName, ids, peerGroupDisplayName, policyDisplayName, type PolicyNameParts } from './names.ts';
import { criteriaExpression, ipBlockExpression } from './peer-group.ts';
import type { ConversionProblem } from './problem.ts';
import type { ConversionProfile } from './profile.ts';
import { selectorPeerCriteria } from './selector-conditions.ts';
import { serviceEntriesOf } from './service-entries.ts';
import { originTags } from './tags.ts';

/** A converted policy before placement: its groups, allow policy (when any) and drop policy, unnumbered. */
export interface PolicyDraft {
  readonly uid: string;
  readonly groups: readonly Group[];
  readonly allow?: Omit<SecurityPolicy, 'sequence_number'>;
  readonly drop: Omit<SecurityPolicy, 'sequence_number'>;
  /** Policy and rule paths -> the Kubernetes policy and rule they came from. */
  readonly origins: ReadonlyMap<string, Origin>;
}

/** The drop rule's direction: IN, OUT or IN_OUT from policyTypes. */
export function dropDirection(policyTypes: readonly PolicyType[]): RuleDirection {
  const i = policyTypes.includes('Ingress');
  const e = policyTypes.includes('Egress');
  return i && e ? 'IN_OUT' : e ? 'OUT' : 'IN';
}

function baseRule(id: string, policyId: string, seq: number): Pick<Rule, 'resource_type' | 'id' | 'display_name' | 'path' | 'ip_protocol' | 'sequence_number' | 'services' | 'scope' | 'logged' | 'disabled' | 'tags'> {
  return {
    resource_type: 'Rule', id, display_name: id, path: rulePath(policyId, id), ip_protocol: 'IPV4_IPV6', sequence_number: seq,
    services: ['ANY'], scope: ['ANY'], logged: false, disabled: false, tags: [],
  };
}

/**
 * Converts one NetworkPolicy as seed 000 says, or returns every problem that stops it. Rules of a direction
 * missing from policyTypes are not converted (Kubernetes ignores them).
 */
export function convertPolicy(
  policy: NetworkPolicy,
  cluster: string,
  profile: ConversionProfile,
): { draft: PolicyDraft; problems: [] } | { draft?: undefined; problems: ConversionProblem[] } {
  const problems: ConversionProblem[] = [];
  const parts: PolicyNameParts = { cluster, namespace: policy.namespace, name: policy.name, uid: policy.uid };
  const groups: Group[] = [];
  const origins = new Map<string, Origin>();
  const origin: Origin = { cluster, namespace: policy.namespace, policyName: policy.name, policyUid: policy.uid };

  const appliedToCriteria = selectorPeerCriteria({ podSelector: policy.podSelector }, policy.namespace, 'spec', profile, problems);
  const appliedTo: Group = {
    resource_type: 'Group',
    id: ids.appliedToGroup(policy.uid),
    display_name: appliedToGroupDisplayName(parts),
    path: groupPath(ids.appliedToGroup(policy.uid)),
    group_type: ['ANTREA'],
    expression: criteriaExpression(appliedToCriteria),
    tags: originTags(parts, 'applied-to'),
  };
  groups.push(appliedTo);
  const scope = [clusterControlPlanePath(cluster), appliedTo.path];

  const allowId = ids.allowPolicy(policy.uid);
  const rules: Rule[] = [];
  for (const direction of ['Ingress', 'Egress'] as const) {
    const field = direction === 'Ingress' ? 'ingress' : 'egress';
    const peerField = direction === 'Ingress' ? 'from' : 'to';
    effectiveRules(policy, direction).forEach((kRule, i) => {
      const rulePathInPolicy = `spec.${field}[${i}]`;
      const ruleId = ids.rule(direction, i);
      const peerPaths: string[] = [];
      const peers = kRule.peers ?? [];
      peers.forEach((peer, j) => {
        const peerPath = `${rulePathInPolicy}.${peerField}[${j}]`;
        const expression: Expression[] = peer.ipBlock
          ? [ipBlockExpression(peer.ipBlock)]
          : criteriaExpression(selectorPeerCriteria(peer, policy.namespace, peerPath, profile, problems));
        const id = ids.peerGroup(policy.uid, direction, i, j, peers.length);
        const group: Group = {
          resource_type: 'Group', id, display_name: peerGroupDisplayName(parts, direction, i, j, peers.length), path: groupPath(id),
          group_type: ['ANTREA'], expression, tags: originTags(parts, 'peer'),
        };
        groups.push(group);
        peerPaths.push(group.path);
      });
      const any = ['ANY'];
      const rule: Rule = {
        ...baseRule(ruleId, allowId, rules.length + 1),
        action: 'ALLOW',
        direction: direction === 'Ingress' ? 'IN' : 'OUT',
        source_groups: direction === 'Ingress' && peerPaths.length ? peerPaths : any,
        destination_groups: direction === 'Egress' && peerPaths.length ? peerPaths : any,
        service_entries: serviceEntriesOf(kRule.ports, rulePathInPolicy, ruleId, profile, problems),
      };
      rules.push(rule);
      origins.set(rule.path ?? '', { ...origin, direction, ruleIndex: i });
    });
  }
  if (problems.length) return { problems };

  const allow: Omit<SecurityPolicy, 'sequence_number'> | undefined = rules.length
    ? {
        resource_type: 'SecurityPolicy', id: allowId, display_name: policyDisplayName(parts, 'allow'), path: securityPolicyPath(allowId),
        category: 'Application', scope, stateful: true, rules, tags: originTags(parts, 'allow'),
      }
    : undefined;
  if (allow) origins.set(allow.path, origin);
  const dropId = ids.dropPolicy(policy.uid);
  const dropRule: Rule = {
    ...baseRule(ids.dropRule, dropId, 1),
    action: 'DROP',
    direction: dropDirection(policy.policyTypes),
    source_groups: ['ANY'],
    destination_groups: ['ANY'],
    service_entries: [],
  };
  const drop: Omit<SecurityPolicy, 'sequence_number'> = {
    resource_type: 'SecurityPolicy', id: dropId, display_name: policyDisplayName(parts, 'drop'), path: securityPolicyPath(dropId),
    category: 'Application', scope, stateful: true, rules: [dropRule], tags: originTags(parts, 'drop'),
  };
  origins.set(drop.path, origin);
  origins.set(dropRule.path ?? '', origin);
  return { draft: { uid: policy.uid, groups, allow, drop, origins }, problems: [] };
}
