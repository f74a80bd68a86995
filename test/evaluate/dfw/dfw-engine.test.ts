import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDfwEngine } from '../../../src/evaluate/dfw/dfw-engine.ts';
import { buildNsxState } from '../../../src/targets/nsx.ts';
import type { Endpoint } from '../../../src/evaluate/endpoint.ts';
import { endpointsOf } from '../../../src/evaluate/endpoints.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { buildCluster } from '../../../src/k8s/cluster.ts';
import type { Pod } from '../../../src/k8s/pod.ts';
import { generateCluster } from '../../../testing/synthetic/generate-cluster.ts';
import type { DfwConfig, Origin } from '../../../src/model/dfw-config.ts';
import type { Condition, Expression, Group } from '../../../src/model/group.ts';
import { clusterControlPlanePath, groupPath, rulePath, securityPolicyPath } from '../../../src/model/paths.ts';
import type { Rule } from '../../../src/model/rule.ts';
import type { Category, SecurityPolicy } from '../../../src/model/security-policy.ts';
import type { ServiceEntry } from '../../../src/model/service-entry.ts';

function pod(namespace: string, name: string, labels: Record<string, string>, ip: string, ports: Pod['ports'] = []): Pod {
  return { namespace, name, labels, ips: [ip], hostNetwork: false, phase: 'Running', ports };
}

const cluster = buildCluster('c1', {
  namespaces: [{ name: 'a', labels: { team: 'x' }, declared: true }, { name: 'b', labels: {}, declared: true }],
  pods: [
    pod('a', 'web', { app: 'web' }, '10.0.0.1', [{ name: 'http', port: 8080, protocol: 'TCP' }]),
    pod('a', 'db', { app: 'db', tier: 'data' }, '10.0.0.2'),
    pod('b', 'cli', { app: 'cli' }, '10.0.1.1', [{ name: 'http', port: 9090, protocol: 'TCP' }]),
    { ...pod('b', 'node-agent', { app: 'agent' }, '192.168.0.10'), hostNetwork: true },
  ],
});

function cond(member: 'Pod' | 'Namespace', key: 'Tag' | 'Name', value: string, extra: Partial<Condition> = {}): Condition {
  return { resource_type: 'Condition', member_type: member, key, operator: 'EQUALS', value, ...extra };
}
function group(id: string, expression: Expression[]): Group {
  return { resource_type: 'Group', id, display_name: id, path: groupPath(id), group_type: ['ANTREA'], expression, tags: [] };
}
function rule(policyId: string, id: string, seq: number, action: Rule['action'], direction: Rule['direction'], src: string[], dst: string[], entries: ServiceEntry[] = []): Rule {
  return {
    resource_type: 'Rule', id, display_name: id, path: rulePath(policyId, id), action, direction, ip_protocol: 'IPV4_IPV6', sequence_number: seq,
    source_groups: src, destination_groups: dst, services: ['ANY'], service_entries: entries, scope: ['ANY'], logged: false, disabled: false, tags: [],
  };
}
function policy(id: string, seq: number, scope: string[], rules: (pid: string) => Rule[], category: Category = 'Application'): SecurityPolicy {
  return { resource_type: 'SecurityPolicy', id, display_name: id, path: securityPolicyPath(id), category, sequence_number: seq, scope, stateful: true, rules: rules(id), tags: [] };
}
function tcp(ports: string[]): ServiceEntry {
  return { resource_type: 'L4PortSetServiceEntry', id: 's', l4_protocol: 'TCP', destination_ports: ports, source_ports: [] };
}
const P = (id: string) => groupPath(id);
const CLUSTER = clusterControlPlanePath('c1');

const groups = [
  group('web', [{ resource_type: 'NestedExpression', expressions: [cond('Namespace', 'Name', 'a'), { resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' }, cond('Pod', 'Tag', 'app|web')] }]),
  group('db', [cond('Pod', 'Tag', 'app|db')]),
  group('ns-a', [cond('Namespace', 'Name', 'a')]),
  group('team-x', [cond('Namespace', 'Tag', 'team|x')]),
  group('cli', [cond('Pod', 'Tag', 'app|cli')]),
  group('Web-upper', [cond('Pod', 'Tag', 'app|WEB')]),
  group('not-db', [cond('Pod', 'Tag', 'app|db', { operator: 'NOTEQUALS' })]),
  group('has-tier', [cond('Pod', 'Tag', 'tier|', { scope_operator: 'EQUALS' })]),
  group('no-tier', [cond('Pod', 'Tag', 'tier|', { scope_operator: 'NOTEQUALS' })]),
  group('net-10-0-1', [{ resource_type: 'IPAddressExpression', ip_addresses: ['10.0.1.0/24'] }]),
  group('world', [{ resource_type: 'IPAddressExpression', ip_addresses: ['8.8.8.0/24', '9.9.9.9-9.9.9.10'] }]),
];

function engineOf(policies: SecurityPolicy[], origins = new Map<string, Origin>()) {
  const config: DfwConfig = { groups, policies, origins };
  return createDfwEngine(config, cluster);
}

const eps = endpointsOf(cluster, 4, ['8.8.8.8', '9.9.9.10', '1.1.1.1']);
const ep = (id: string): Endpoint => eps.find((e) => e.id === id)!;
const allowed = (engine: ReturnType<typeof engineOf>, src: string, dst: string, port = 80, protocol: 'TCP' | 'UDP' = 'TCP') =>
  engine.decide({ src: ep(src), dst: ep(dst), protocol, port }).allowed;

function assertMatrixAgrees(engine: ReturnType<typeof engineOf>, endpoints: readonly Endpoint[], ports: { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number }[]) {
  for (const q of ports) {
    const m = engine.matrix(endpoints, q);
    for (let i = 0; i < endpoints.length; i++) {
      for (let j = 0; j < endpoints.length; j++) {
        assert.equal(m.get(i, j), engine.decide({ src: endpoints[i], dst: endpoints[j], ...q }).allowed, `${endpoints[i].id} -> ${endpoints[j].id} ${q.port}/${q.protocol}`);
      }
    }
  }
}

describe('DFW engine', () => {
  it('allows everything without policies (the default rule)', () => {
    const e = engineOf([]);
    assert.ok(allowed(e, 'a/web', 'a/db'));
    assert.match(e.decide({ src: ep('a/web'), dst: ep('a/db'), protocol: 'TCP', port: 1 }).egress.by, /default rule allows/);
  });

  it('checks IN rules at the destination only, for the members of the scope', () => {
    const e = engineOf([policy('drop-db', 10, [CLUSTER, P('db')], (id) => [rule(id, 'd', 1, 'DROP', 'IN', ['ANY'], ['ANY'])])]);
    assert.equal(allowed(e, 'a/web', 'a/db'), false);
    assert.equal(allowed(e, 'a/db', 'a/web'), true); // db's egress is not touched by an IN rule
    assert.equal(allowed(e, '8.8.8.8', 'a/db'), false);
    assert.equal(allowed(e, 'a/db', '8.8.8.8'), true);
  });

  it('checks OUT rules at the source; IN_OUT at both', () => {
    const out = engineOf([policy('p', 10, [CLUSTER, P('db')], (id) => [rule(id, 'd', 1, 'DROP', 'OUT', ['ANY'], ['ANY'])])]);
    assert.equal(allowed(out, 'a/db', 'a/web'), false);
    assert.equal(allowed(out, 'a/web', 'a/db'), true);
    const both = engineOf([policy('p', 10, [CLUSTER, P('db')], (id) => [rule(id, 'd', 1, 'DROP', 'IN_OUT', ['ANY'], ['ANY'])])]);
    assert.equal(allowed(both, 'a/db', 'a/web'), false);
    assert.equal(allowed(both, 'a/web', 'a/db'), false);
    assert.equal(allowed(both, 'a/web', 'b/cli'), true);
  });

  it('takes policies by sequence number and rules in order: the first match wins', () => {
    const allowWeb = policy('allow', 5, [CLUSTER, P('db')], (id) => [rule(id, 'a', 1, 'ALLOW', 'IN', [P('web')], ['ANY'], [tcp(['5432', '8000-8010'])])]);
    const drop = policy('drop', 7, [CLUSTER, P('db')], (id) => [rule(id, 'd', 1, 'DROP', 'IN', ['ANY'], ['ANY'])]);
    const e = engineOf([drop, allowWeb]);
    assert.equal(allowed(e, 'a/web', 'a/db', 5432), true);
    assert.equal(allowed(e, 'a/web', 'a/db', 8010), true);
    assert.equal(allowed(e, 'a/web', 'a/db', 8011), false);
    assert.equal(allowed(e, 'a/web', 'a/db', 5432, 'UDP'), false);
    assert.equal(allowed(e, 'b/cli', 'a/db', 5432), false);
    assert.deepEqual(e.decide({ src: ep('a/web'), dst: ep('a/db'), protocol: 'TCP', port: 5432 }).ingress.notes, ['source a/web is in group web']);
    const later = engineOf([drop, { ...allowWeb, sequence_number: 9 }]);
    assert.equal(allowed(later, 'a/web', 'a/db', 5432), false);
    assert.match(later.decide({ src: ep('a/web'), dst: ep('a/db'), protocol: 'TCP', port: 5432 }).ingress.by, /denied by DFW policy drop rule d/);
  });

  it('evaluates categories in order before sequence numbers', () => {
    const emergencyDrop = policy('em', 100, [CLUSTER, P('db')], (id) => [rule(id, 'd', 1, 'DROP', 'IN', ['ANY'], ['ANY'])], 'Emergency');
    const appAllow = policy('app', 1, [CLUSTER, P('db')], (id) => [rule(id, 'a', 1, 'ALLOW', 'IN', ['ANY'], ['ANY'])]);
    assert.equal(allowed(engineOf([appAllow, emergencyDrop]), 'a/web', 'a/db'), false);
  });

  it('ignores policies spanning another cluster, and disabled rules', () => {
    const other = policy('p', 1, [clusterControlPlanePath('c2'), P('db')], (id) => [rule(id, 'd', 1, 'DROP', 'IN', ['ANY'], ['ANY'])]);
    assert.equal(allowed(engineOf([other]), 'a/web', 'a/db'), true);
    const disabled = policy('p', 1, [CLUSTER, P('db')], (id) => [{ ...rule(id, 'd', 1, 'DROP', 'IN', ['ANY'], ['ANY']), disabled: true }]);
    assert.equal(allowed(engineOf([disabled]), 'a/web', 'a/db'), true);
  });

  it('never puts externals or hostNetwork pods in a scope', () => {
    const e = engineOf([policy('p', 1, [CLUSTER], (id) => [rule(id, 'd', 1, 'DROP', 'IN_OUT', ['ANY'], ['ANY'])])]);
    assert.equal(allowed(e, 'a/web', 'a/db'), false);
    assert.equal(allowed(e, '8.8.8.8', 'b/node-agent'), true);
    assert.equal(allowed(e, 'b/node-agent', '1.1.1.1'), true);
  });

  it('matches conditions case-sensitively, as Antrea enforces them', () => {
    const e = engineOf([policy('p', 1, [CLUSTER, P('Web-upper')], (id) => [rule(id, 'd', 1, 'DROP', 'IN', ['ANY'], ['ANY'])])]);
    assert.equal(allowed(e, 'a/db', 'a/web'), true);
  });

  it('matches NOTEQUALS (keyless pods too), scope-only Exists, scope NOTEQUALS, namespace tags and addresses', () => {
    const dropFrom = (g: string) => engineOf([policy('p', 1, [CLUSTER, P('ns-a')], (id) => [rule(id, 'd', 1, 'DROP', 'IN', [P(g)], ['ANY'])])]);
    assert.deepEqual(['a/web', 'a/db', 'b/cli', '8.8.8.8'].map((s) => allowed(dropFrom('not-db'), s, 'a/web')), [true, true, false, true]);
    assert.deepEqual(['a/db', 'b/cli'].map((s) => allowed(dropFrom('has-tier'), s, 'a/web')), [false, true]);
    assert.deepEqual(['a/db', 'b/cli'].map((s) => allowed(dropFrom('no-tier'), s, 'a/web')), [true, false]);
    assert.deepEqual(['a/db', 'b/cli'].map((s) => allowed(dropFrom('team-x'), s, 'a/web')), [false, true]);
    assert.deepEqual(['b/cli', 'a/db', '8.8.8.8'].map((s) => allowed(dropFrom('net-10-0-1'), s, 'a/web')), [false, true, true]);
    assert.deepEqual(['8.8.8.8', '9.9.9.10', '1.1.1.1'].map((s) => allowed(dropFrom('world'), s, 'a/web')), [false, false, true]);
  });

  it('resolves named-port service entries at the destination pod', () => {
    const named: ServiceEntry = { resource_type: 'NamedPortServiceEntry', id: 'n', l4_protocol: 'TCP', port_name: 'http' };
    const e = engineOf([
      policy('allow', 1, [CLUSTER, P('ns-a')], (id) => [rule(id, 'a', 1, 'ALLOW', 'OUT', ['ANY'], [P('cli'), P('web')], [named])]),
      policy('drop', 2, [CLUSTER, P('ns-a')], (id) => [rule(id, 'd', 1, 'DROP', 'OUT', ['ANY'], ['ANY'])]),
    ]);
    assert.equal(allowed(e, 'a/db', 'b/cli', 9090), true);
    assert.equal(allowed(e, 'a/db', 'b/cli', 8080), false);
    assert.equal(allowed(e, 'a/db', 'a/web', 8080), true);
    assertMatrixAgrees(e, eps, [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 9090 }, { protocol: 'UDP', port: 9090 }]);
  });

  it('always allows a pod\'s traffic to itself', () => {
    const e = engineOf([policy('p', 1, [CLUSTER], (id) => [rule(id, 'd', 1, 'DROP', 'IN_OUT', ['ANY'], ['ANY'])])]);
    assert.equal(allowed(e, 'a/web', 'a/web'), true);
  });

  it('names the deciding DFW rule and the Kubernetes rule it came from', () => {
    const id = 'allow';
    const origins = new Map<string, Origin>([[rulePath(id, 'r'), { cluster: 'c1', namespace: 'a', policyName: 'np', policyUid: 'u', direction: 'Ingress', ruleIndex: 2 }]]);
    const e = engineOf([policy(id, 1, [CLUSTER, P('db')], (pid) => [rule(pid, 'r', 1, 'ALLOW', 'IN', ['ANY'], ['ANY'])])], origins);
    const d = e.decide({ src: ep('a/web'), dst: ep('a/db'), protocol: 'TCP', port: 80 });
    assert.match(d.ingress.by, /allowed by DFW policy allow rule r \(ALLOW IN, Application #1\) \(from NetworkPolicy a\/np spec\.ingress\[2\]\)/);
  });

  it('computes matrix() exactly as decide() on hand-made policies', () => {
    const e = engineOf([
      policy('allow', 5, [CLUSTER, P('db')], (id) => [rule(id, 'a', 1, 'ALLOW', 'IN', [P('web'), P('world')], ['ANY'], [tcp(['80'])])]),
      policy('out', 6, [CLUSTER, P('team-x')], (id) => [rule(id, 'a', 1, 'ALLOW', 'OUT', ['ANY'], [P('net-10-0-1')]), rule(id, 'b', 2, 'DROP', 'OUT', ['ANY'], [P('world')])]),
      policy('drop', 7, [CLUSTER, P('db')], (id) => [rule(id, 'd', 1, 'DROP', 'IN_OUT', ['ANY'], ['ANY'])]),
    ]);
    assertMatrixAgrees(e, eps, [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 81 }, { protocol: 'UDP', port: 80 }]);
  });

  it('computes matrix() exactly as decide() in mixed states of generated clusters', () => {
    for (const seed of [1, 2, 3]) {
      const c = generateCluster('random', { seed });
      const state = buildNsxState(c, { onError: 'continue' });
      assert.ok(state.conversion.refusals.length > 0 || c.policies.length === 0);
      for (const family of [4, 6] as const) {
        const endpoints = endpointsOf(c, family, family === 4 ? ['203.0.113.9'] : ['2001:db8::9']);
        assertMatrixAgrees(state.engine, endpoints, [{ protocol: 'TCP', port: 80 }, { protocol: 'UDP', port: 53 }, { protocol: 'SCTP', port: 80 }, { protocol: 'TCP', port: 8080 }]);
      }
    }
  });

  it('evaluates the NetworkPolicies that were not converted after the DFW', () => {
    const c = buildCluster('c1', {
      pods: cluster.pods,
      namespaces: [...cluster.namespaces.values()],
      policies: [{ namespace: 'a', name: 'deny-web', uid: 'u1', podSelector: { matchLabels: { app: 'web' }, matchExpressions: [] }, policyTypes: ['Ingress'], ingress: [], egress: [] }],
    });
    const remaining = createKubernetesEngine(c);
    const config: DfwConfig = { groups, policies: [policy('allow-cli', 1, [CLUSTER, P('web')], (id) => [rule(id, 'a', 1, 'ALLOW', 'IN', [P('cli')], ['ANY'])])], origins: new Map() };
    const e = createDfwEngine(config, c, { remaining });
    const epsC = endpointsOf(c, 4);
    const d = (s: string, t: string) => e.decide({ src: epsC.find((x) => x.id === s)!, dst: epsC.find((x) => x.id === t)!, protocol: 'TCP', port: 80 });
    assert.equal(d('b/cli', 'a/web').allowed, true); // the DFW allows first
    assert.equal(d('a/db', 'a/web').allowed, false); // then the NetworkPolicy isolates web
    assert.match(d('a/db', 'a/web').ingress.notes[0], /NetworkPolicies not converted decided/);
    assert.equal(d('a/web', 'a/db').allowed, true); // then default allow
    assertMatrixAgrees(e, epsC, [{ protocol: 'TCP', port: 80 }]);
  });
});
