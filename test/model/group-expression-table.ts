// The table of NSX group expressions every consumer and every decoder of group expressions is run against
// (test/model/group-expression.test.ts, test/model/group-expression-decoders.test.ts): expressions with their
// members in the cluster below, and expressions NSX rejects with the field and reason each must be rejected with.
import { buildCluster } from '../../src/k8s/cluster.ts';
import type { Pod } from '../../src/k8s/pod.ts';
import type { Condition, Expression, Group } from '../../src/model/group.ts';
import { groupPath } from '../../src/model/paths.ts';

function pod(namespace: string, name: string, ip: string, labels: Record<string, string>, hostNetwork = false): Pod {
  return { namespace, name, labels, ips: [ip], hostNetwork, phase: 'Running', ports: [] };
}
export const cluster = buildCluster('c', {
  namespaces: [{ name: 'a', labels: { team: 'x' }, declared: true }, { name: 'b', labels: { team: 'y' }, declared: true }],
  pods: [
    pod('a', 'web', '10.0.0.1', { app: 'web', tier: '' }),
    pod('a', 'db', '10.0.0.2', { app: 'db', tier: 'back' }),
    pod('b', 'web', '10.0.0.3', { app: 'web' }),
    pod('b', 'api', '10.0.0.4', { app: 'api', env: 'dev' }),
    pod('b', 'host', '10.0.1.9', { app: 'web' }, true),
  ],
});
export const EXTERNAL = '10.9.0.5';

export const AND: Expression = { resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' };
export const OR: Expression = { resource_type: 'ConjunctionOperator', conjunction_operator: 'OR' };
export function tag(member: 'Pod' | 'Namespace', value: string, operator: 'EQUALS' | 'NOTEQUALS' = 'EQUALS', scope?: 'EQUALS' | 'NOTEQUALS'): Condition {
  return { resource_type: 'Condition', member_type: member, key: 'Tag', operator, value, ...(scope ? { scope_operator: scope } : {}) };
}
export function nsName(value: string, operator: 'EQUALS' | 'NOTEQUALS' = 'EQUALS'): Condition {
  return { resource_type: 'Condition', member_type: 'Namespace', key: 'Name', operator, value };
}
export const nested = (...expressions: Expression[]): Expression => ({ resource_type: 'NestedExpression', expressions: expressions as (Condition | typeof AND)[] });
export const ips = (...ip_addresses: string[]): Expression => ({ resource_type: 'IPAddressExpression', ip_addresses });
export const paths = (...p: string[]): Expression => ({ resource_type: 'PathExpression', paths: p.map(groupPath) });
export function group(id: string, expression: readonly unknown[]): Group {
  return { resource_type: 'Group', id, display_name: id, path: groupPath(id), group_type: ['ANTREA'], tags: [], expression: expression as Expression[] };
}

/** Groups child expressions may name. */
export const CHILDREN = [
  group('child-web', [tag('Pod', 'app|web')]),
  group('child-net', [ips('10.9.0.0/24')]),
  group('loop-1', [paths('loop-2')]),
  group('loop-2', [paths('loop-1')]),
];

export const MEMBERS: readonly { name: string; expression: readonly unknown[]; members: readonly string[] }[] = [
  { name: 'Tag EQUALS', expression: [tag('Pod', 'app|web')], members: ['a/web', 'b/web'] },
  { name: 'Tag NOTEQUALS (objects without the label match)', expression: [tag('Pod', 'app|web', 'NOTEQUALS')], members: ['a/db', 'b/api'] },
  { name: 'Tag EQUALS with an empty value: the label with value ""', expression: [tag('Pod', 'tier|')], members: ['a/web'] },
  { name: 'scope_operator EQUALS, empty tag: the label key exists', expression: [tag('Pod', 'tier|', 'EQUALS', 'EQUALS')], members: ['a/db', 'a/web'] },
  { name: 'scope_operator EQUALS, operator NOTEQUALS, empty tag: the key is absent', expression: [tag('Pod', 'tier|', 'NOTEQUALS', 'EQUALS')], members: ['b/api', 'b/web'] },
  { name: 'scope_operator NOTEQUALS, empty tag: the key is absent', expression: [tag('Pod', 'tier|', 'EQUALS', 'NOTEQUALS')], members: ['b/api', 'b/web'] },
  { name: 'scope_operator EQUALS with a tag: the label with that value', expression: [tag('Pod', 'tier|back', 'EQUALS', 'EQUALS')], members: ['a/db'] },
  { name: 'Namespace Name EQUALS', expression: [nsName('a')], members: ['a/db', 'a/web'] },
  { name: 'Namespace Tag', expression: [tag('Namespace', 'team|y')], members: ['b/api', 'b/web'] },
  { name: 'AND of two conditions', expression: [tag('Pod', 'app|web'), AND, nsName('b')], members: ['b/web'] },
  { name: 'OR of two conditions', expression: [tag('Pod', 'app|db'), OR, tag('Pod', 'env|dev')], members: ['a/db', 'b/api'] },
  { name: 'AND binds tighter than OR', expression: [tag('Pod', 'app|web'), AND, nsName('a'), OR, tag('Pod', 'app|api')], members: ['a/web', 'b/api'] },
  { name: 'OR then AND', expression: [tag('Pod', 'app|api'), OR, tag('Pod', 'app|web'), AND, nsName('a')], members: ['a/web', 'b/api'] },
  { name: 'NestedExpression with AND, OR an IP block', expression: [nested(tag('Pod', 'app|web'), AND, nsName('a')), OR, ips('10.9.0.0/24')], members: ['a/web', EXTERNAL] },
  { name: 'NestedExpression with OR inside, AND a condition', expression: [nested(tag('Pod', 'app|db'), OR, tag('Pod', 'app|api')), AND, tag('Namespace', 'team|y')], members: ['b/api'] },
  { name: 'IP addresses hold pods and hostNetwork endpoints by address', expression: [ips('10.0.0.2', '10.0.1.0/24')], members: ['a/db', 'b/host'] },
  { name: 'an IP range', expression: [ips('10.0.0.3-10.0.0.4')], members: ['b/api', 'b/web'] },
  { name: 'an IP range across CIDR boundaries', expression: [ips('10.0.0.1-10.9.0.5')], members: ['a/db', 'a/web', 'b/api', 'b/host', 'b/web', EXTERNAL] },
  { name: 'child groups by path', expression: [paths('child-web', 'child-net')], members: ['a/web', 'b/web', EXTERNAL] },
  { name: 'child groups OR a condition', expression: [paths('child-net'), OR, nsName('a')], members: ['a/db', 'a/web', EXTERNAL] },
  { name: 'an empty expression has no members', expression: [], members: [] },
  { name: 'selectors never hold hostNetwork pods', expression: [tag('Pod', 'app|web'), AND, nsName('b')], members: ['b/web'] },
];

export const REJECTED: readonly { name: string; expression: readonly unknown[]; message: string }[] = [
  { name: 'two conditions without a conjunction', expression: [tag('Pod', 'app|web'), tag('Pod', 'app|db')], message: 'expression[1]: an expression has 2 entries' },
  { name: 'three criteria, the conjunction in the wrong place', expression: [tag('Pod', 'app|web'), tag('Pod', 'app|db'), OR], message: 'expression[1]: Condition follows another criterion without a ConjunctionOperator between them' },
  { name: 'a conjunction first', expression: [OR, tag('Pod', 'app|web'), OR], message: 'expression[0]: a ConjunctionOperator must stand between two criteria' },
  { name: 'conditions without a conjunction inside a NestedExpression', expression: [nested(tag('Pod', 'app|web'), tag('Pod', 'a|b'), tag('Pod', 'c|d'))], message: 'expression[0].expressions[1]: Condition follows another criterion' },
  { name: 'Pod Name', expression: [{ resource_type: 'Condition', member_type: 'Pod', key: 'Name', operator: 'EQUALS', value: 'a' }], message: 'expression[0].key: key Name on member_type Pod' },
  { name: 'Namespace Name NOTEQUALS', expression: [nsName('a', 'NOTEQUALS')], message: 'expression[0].operator: Namespace Name takes operator EQUALS only' },
  { name: 'scope_operator NOTEQUALS with a tag', expression: [tag('Pod', 'app|web', 'EQUALS', 'NOTEQUALS')], message: 'expression[0].scope_operator: scope_operator NOTEQUALS with tag "web"' },
  { name: 'an operator Antrea groups do not take', expression: [{ ...tag('Pod', 'app|web'), operator: 'CONTAINS' }], message: 'expression[0].operator: operator CONTAINS' },
  { name: 'a member type Antrea groups do not take', expression: [{ ...tag('Pod', 'app|web'), member_type: 'VirtualMachine' }], message: 'expression[0].member_type: member_type VirtualMachine' },
  { name: 'a Tag value without scope', expression: [tag('Pod', 'web')], message: 'expression[0].value: "web": a Tag value is "scope|tag"' },
  { name: 'IP addresses joined with AND', expression: [tag('Pod', 'app|web'), AND, ips('10.0.0.0/8')], message: 'expression[2]: IPAddressExpression joined with AND' },
  { name: 'mixed families in one IPAddressExpression', expression: [ips('10.0.0.0/8', 'fd00::/8')], message: 'expression[0].ip_addresses[1]: fd00::/8: IPv4 and IPv6' },
  { name: 'not an address', expression: [ips('10.0.0.300')], message: 'expression[0].ip_addresses[0]: "10.0.0.300" is not an address' },
  { name: 'a missing child group', expression: [paths('nope')], message: 'expression[0].paths[0]: /infra/domains/default/groups/nope: no such group' },
  { name: 'a cycle of child groups', expression: [paths('loop-1')], message: 'group /infra/domains/default/groups/loop-2: expression[0].paths[0]: /infra/domains/default/groups/loop-1 contains this group again' },
  { name: 'an unknown conjunction', expression: [tag('Pod', 'a|b'), { resource_type: 'ConjunctionOperator', conjunction_operator: 'XOR' }, tag('Pod', 'c|d')], message: 'expression[1].conjunction_operator: expected AND or OR' },
];

