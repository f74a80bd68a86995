// Reading NSX configurations np2dfw did not write: defaults as NSX applies them, services resolved by path, rules
// given apart from their policy, and every field that changes the firewall but is not evaluated refused by name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProblem, type InputProblem } from '../../src/k8s/invalid-input.ts';
import { decodeNsxConfig } from '../../src/model/decode/decode-nsx-config.ts';

const CLUSTER = '/infra/sites/default/enforcement-points/default/cluster-control-planes/c1';
const G = (id: string) => `/infra/domains/default/groups/${id}`;

const group = (id: string, expression: unknown[]) => ({ resource_type: 'Group', id, group_type: ['ANTREA'], expression });
const web = group('web', [{ resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: 'app|web' }]);

function decode(...values: unknown[]) {
  const problems: InputProblem[] = [];
  const r = decodeNsxConfig(values.map((value) => ({ file: 'f.json', value })), problems);
  return { ...r, problems: problems.map(formatProblem) };
}

describe('decodeNsxConfig', () => {
  it('takes a hand-written H-API body with NSX\'s defaults, and resolves services by path', () => {
    const body = {
      resource_type: 'Infra',
      children: [
        { resource_type: 'ChildService', Service: { resource_type: 'Service', id: 'web-ports', service_entries: [{ resource_type: 'L4PortSetServiceEntry', id: 'e', l4_protocol: 'TCP', destination_ports: ['80', '8080-8090'] }] } },
        {
          resource_type: 'ChildDomain',
          Domain: {
            resource_type: 'Domain', id: 'default',
            children: [
              { resource_type: 'ChildGroup', Group: web },
              { resource_type: 'ChildGroup', Group: { ...web, id: 'gone' }, marked_for_delete: true },
              {
                resource_type: 'ChildSecurityPolicy',
                SecurityPolicy: {
                  resource_type: 'SecurityPolicy', id: 'p', category: 'Application', scope: [CLUSTER],
                  children: [{ resource_type: 'ChildRule', Rule: { resource_type: 'Rule', id: 'r', action: 'ALLOW', destination_groups: [G('web')], services: ['/infra/services/web-ports'] } }],
                },
              },
            ],
          },
        },
      ],
    };
    const { config, problems, warnings } = decode(body);
    assert.deepEqual(problems, []);
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.groups.map((g) => g.path), [G('web')]);
    const [p] = config.policies;
    assert.equal(p.path, '/infra/domains/default/security-policies/p');
    assert.equal(p.stateful, true);
    assert.equal(p.sequence_number, 0);
    const [r] = p.rules;
    assert.equal(r.direction, 'IN_OUT');
    assert.deepEqual(r.source_groups, ['ANY']);
    assert.deepEqual(r.scope, ['ANY']);
    assert.equal(r.path, '/infra/domains/default/security-policies/p/rules/r');
    assert.deepEqual(r.service_entries.map((e) => (e.resource_type === 'L4PortSetServiceEntry' ? e.destination_ports : [])), [['80', '8080-8090']]);
  });

  it('attaches rules listed apart to their policy by parent_path; a rule of a missing policy is refused', () => {
    const policy = { resource_type: 'SecurityPolicy', id: 'p', path: '/infra/domains/default/security-policies/p', category: 'Application', scope: [CLUSTER] };
    const rule = { resource_type: 'Rule', id: 'r', action: 'DROP', direction: 'IN', parent_path: policy.path };
    const ok = decode({ results: [web] }, { results: [policy] }, { results: [rule] });
    assert.deepEqual(ok.problems, []);
    assert.deepEqual(ok.config.policies[0].rules.map((r) => [r.id, r.action, r.direction]), [['r', 'DROP', 'IN']]);
    const orphan = decode({ results: [{ ...rule, parent_path: '/infra/domains/default/security-policies/none' }] });
    assert.match(orphan.problems.join('\n'), /results\[0\]\.parent_path: its security policy \/infra\/domains\/default\/security-policies\/none is not in the input/);
  });

  it('refuses, by object and field, what it does not evaluate', () => {
    const policy = {
      resource_type: 'SecurityPolicy', id: 'p', category: 'Application', scope: [CLUSTER], stateful: false, scheduler_path: '/infra/schedulers/night',
      rules: [
        { resource_type: 'Rule', id: 'jump', action: 'JUMP_TO_APPLICATION' },
        { resource_type: 'Rule', id: 'icmp', action: 'ALLOW', service_entries: [{ resource_type: 'ICMPTypeServiceEntry', protocol: 'ICMPv4' }] },
        { resource_type: 'Rule', id: 'neg', action: 'DROP', sources_excluded: true, source_groups: [G('web')] },
        { resource_type: 'Rule', id: 'src', action: 'DROP', service_entries: [{ resource_type: 'L4PortSetServiceEntry', l4_protocol: 'TCP', source_ports: ['1024-65535'] }] },
        { resource_type: 'Rule', id: 'typo', action: 'DROP', directoin: 'IN' },
      ],
    };
    const paths = group('paths', [{ resource_type: 'PathExpression', paths: [G('nope')] }]);
    const pod = group('by-name', [{ resource_type: 'Condition', member_type: 'Pod', key: 'Name', operator: 'EQUALS', value: 'a' }]);
    const vm = group('vms', [{ resource_type: 'Condition', member_type: 'VirtualMachine', key: 'Tag', operator: 'EQUALS', value: 'x' }]);
    const text = decode({ results: [web, paths, pod, vm, policy] }).problems.join('\n');
    for (const expected of [
      /SecurityPolicy \/infra\/domains\/default\/security-policies\/p: results\[4\]\.stateful: not evaluated by np2dfw: stateless policies/,
      /results\[4\]\.scheduler_path: not evaluated by np2dfw: time windows/,
      /Rule .*\/rules\/jump: results\[4\]\.rules\[0\]\.action: not evaluated by np2dfw: action JUMP_TO_APPLICATION/,
      /Rule .*\/rules\/icmp: results\[4\]\.rules\[1\]\.service_entries\[0\]\.resource_type: not evaluated by np2dfw: service entries of type "ICMPTypeServiceEntry"/,
      /Rule .*\/rules\/neg: results\[4\]\.rules\[2\]\.sources_excluded: not evaluated by np2dfw: negated sources/,
      /Rule .*\/rules\/src: results\[4\]\.rules\[3\]\.service_entries\[0\]\.source_ports: not evaluated by np2dfw: source ports/,
      /Rule .*\/rules\/typo: results\[4\]\.rules\[4\]\.directoin: unknown field "directoin"/,
      /Group \/infra\/domains\/default\/groups\/paths: results\[1\]\.expression\[0\]\.paths\[0\]: \/infra\/domains\/default\/groups\/nope: no such group/,
      /Group \/infra\/domains\/default\/groups\/by-name: results\[2\]\.expression\[0\]\.key: key Name on member_type Pod: Antrea groups select pods by Tag only/,
      /Group \/infra\/domains\/default\/groups\/vms: results\[3\]\.expression\[0\]\.member_type: member_type VirtualMachine: Antrea groups select Pod and Namespace members only/,
    ]) assert.match(text, expected);
  });

  it('checks IP members and expression lists as NSX does', () => {
    const bad = decode({ results: [
      group('mixed', [{ resource_type: 'IPAddressExpression', ip_addresses: ['10.0.0.0/24', 'fd00::1'] }]),
      group('junk', [{ resource_type: 'IPAddressExpression', ip_addresses: ['10.0.0.0/33'] }]),
      group('tail', [web.expression[0], { resource_type: 'ConjunctionOperator', conjunction_operator: 'OR' }]),
      group('backwards', [{ resource_type: 'IPAddressExpression', ip_addresses: ['10.0.0.1', '10.0.0.9-10.0.0.1'] }]),
      group('extra', [{ resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: 'app|web', weight: 3 }]),
    ] }).problems.join('\n');
    assert.match(bad, /groups\/mixed: results\[0\]\.expression\[0\]\.ip_addresses\[1\]: fd00::1: IPv4 and IPv6 addresses cannot be mixed/);
    assert.match(bad, /groups\/junk: results\[1\]\.expression\[0\]\.ip_addresses\[0\]: "10\.0\.0\.0\/33" is not an address, a CIDR or a first-last range/);
    assert.match(bad, /groups\/tail: results\[2\]\.expression\[1\]: an expression has 2 entries: criteria and conjunctions must alternate/);
    assert.match(bad, /groups\/backwards: results\[3\]\.expression\[0\]\.ip_addresses\[1\]: "10\.0\.0\.9-10\.0\.0\.1" is not an address/);
    assert.match(bad, /groups\/extra: results\[4\]\.expression\[0\]\.weight: unknown field "weight"/);
  });

  it('leaves out, with a warning, a policy whose scope names no Antrea cluster', () => {
    const { config, problems, warnings } = decode({ results: [web, { resource_type: 'SecurityPolicy', id: 'vms', category: 'Application', rules: [] }] });
    assert.deepEqual(problems, []);
    assert.deepEqual(config.policies, []);
    assert.match(formatProblem(warnings[0]), /SecurityPolicy \/infra\/domains\/default\/security-policies\/vms: results\[1\]\.scope: its scope names no Antrea cluster/);
  });
});
