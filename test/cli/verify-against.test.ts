// verify / reach / explain --against FILE: an existing configuration of a target in place of the conversion. Every
// case starts from what `np2dfw convert` prints (accepted as is), edits it as an administrator would, and checks
// that the edit is reported as a counterexample naming the edited rule; what np2dfw cannot evaluate is refused
// with exit 2, naming the object and the field.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments, stringify } from 'yaml';
import { runNp2dfw } from './run-cli.ts';

const SEED = ['-f', 'examples/seed-003'];

/** The rows of verify's counterexample table. */
function rows(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Source') && !l.startsWith('| ---'));
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => {
  assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v));
  return v as Json;
};
const list = (v: unknown): unknown[] => {
  assert.ok(Array.isArray(v));
  return v;
};

/** The NSX H-API body's security policies. */
function nsxPolicies(body: Json): Json[] {
  const domain = obj(obj(list(body.children)[0]).Domain);
  return list(domain.children).map(obj).filter((c) => c.resource_type === 'ChildSecurityPolicy').map((c) => obj(c.SecurityPolicy));
}

/** The NSX rule (and its policy) that opens TCP 6379 in seed-003's conversion. */
function nsxRule6379(body: Json): { policy: Json; rule: Json; entry: Json } {
  for (const policy of nsxPolicies(body)) {
    for (const rule of list(policy.rules).map(obj)) {
      for (const entry of list(rule.service_entries).map(obj)) if (list(entry.destination_ports).includes('6379')) return { policy, rule, entry };
    }
  }
  assert.fail('no rule opens 6379');
}

describe('verify --against: an existing NSX configuration', () => {
  it('accepts convert -o json and -o yaml as they are: equivalent, exit 0', () => {
    for (const format of ['json', 'yaml']) {
      const exported = runNp2dfw(['convert', ...SEED, '--target', 'nsx', '-o', format]);
      assert.equal(exported.code, 0, exported.stderr);
      const r = runNp2dfw(['verify', ...SEED, '--target', 'nsx', '--against', '-'], { stdin: exported.stdout });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^equivalent: nsx \(existing\) allows exactly what kubernetes allows/);
    }
  });

  it('reports an edited rule (port 6379 changed to 6380 in NSX Manager) as counterexamples naming that rule, exit 1', () => {
    const body = obj(JSON.parse(runNp2dfw(['convert', ...SEED, '--target', 'nsx', '-o', 'json']).stdout));
    const { policy, rule, entry } = nsxRule6379(body);
    entry.destination_ports = ['6380'];
    const r = runNp2dfw(['verify', ...SEED, '--target', 'nsx', '--against', '-'], { stdin: JSON.stringify(body) });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^different: \d+ connections? differ between kubernetes and nsx \(existing\)/);
    const lost = rows(r.stdout).filter((l) => l.includes('| 6379/TCP |'));
    const gained = rows(r.stdout).filter((l) => l.includes('| 6380/TCP'));
    assert.ok(lost.length > 0 && gained.length > 0, r.stdout);
    for (const row of gained) {
      assert.ok(row.includes(`DFW policy ${String(policy.display_name)} rule ${String(rule.display_name)} (ALLOW`), row);
      assert.match(row, /\| denied \| .* \| allowed \| /);
    }
  });

  it('reads what the policy API lists return (groups and security policies with their rules, in separate files)', () => {
    const body = obj(JSON.parse(runNp2dfw(['convert', ...SEED, '--target', 'nsx', '-o', 'json']).stdout));
    const domain = obj(obj(list(body.children)[0]).Domain);
    const children = list(domain.children).map(obj);
    const groups = { results: children.filter((c) => c.resource_type === 'ChildGroup').map((c) => ({ ...obj(c.Group), _revision: 0, _create_user: 'admin' })), result_count: 0 };
    // GET .../security-policies lists the policies without rules; GET .../security-policies/ID/rules lists each one's.
    const policies = nsxPolicies(body);
    const bare = { results: policies.map((p) => ({ ...p, rules: undefined })) };
    const rules = { results: policies.flatMap((p) => list(p.rules).map((x) => ({ ...obj(x), parent_path: p.path }))) };
    const split = [JSON.stringify(groups), JSON.stringify(bare), JSON.stringify(rules)];
    // The three lists together as YAML documents of one stream.
    const stream = split.map((s) => `---\n${stringify(JSON.parse(s))}`).join('');
    const ok = runNp2dfw(['verify', ...SEED, '--target', 'nsx', '--against', '-'], { stdin: stream });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^equivalent/);
    // The same lists as three files, one --against each.
    const dir = mkdtempSync(join(tmpdir(), 'np2dfw-against-'));
    try {
      const files = split.map((text, i) => { const f = join(dir, `list-${i}.json`); writeFileSync(f, text); return f; });
      const three = runNp2dfw(['verify', ...SEED, '--target', 'nsx', ...files.flatMap((f) => ['--against', f])]);
      assert.equal(three.code, 0, three.stderr);
      // Without the rules, the policies are empty: the NetworkPolicy's allows are missing.
      const two = runNp2dfw(['verify', ...SEED, '--target', 'nsx', '--against', files[0], '--against', files[1]]);
      assert.equal(two.code, 1, two.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a GET /infra dump: server fields kept, the rest of NSX counted in one warning; policies of another cluster said', () => {
    const body = obj(JSON.parse(runNp2dfw(['convert', ...SEED, '--target', 'nsx', '-o', 'json']).stdout));
    const infra = {
      ...body, _revision: 7, _create_user: 'system',
      children: [
        ...list(body.children),
        { resource_type: 'ChildTier1', Tier1: { resource_type: 'Tier1', id: 't1' } },
        { resource_type: 'ChildSegment', Segment: { resource_type: 'Segment', id: 's1' } },
        { resource_type: 'ChildSegment', Segment: { resource_type: 'Segment', id: 's2' } },
      ],
    };
    const r = runNp2dfw(['verify', ...SEED, '--target', 'nsx', '--against', '-'], { stdin: JSON.stringify(infra) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^warning: <stdin>: not part of the distributed firewall, not evaluated: Segment \(2\), Tier1 \(1\)\n$/);
    const other = runNp2dfw(['verify', ...SEED, '--cluster', 'other', '--target', 'nsx', '--against', '-'], { stdin: JSON.stringify(body) });
    assert.equal(other.code, 1, other.stderr);
    assert.match(other.stderr, /SecurityPolicy \S+-allow: spans cluster, not this cluster \(--cluster other\): it takes no part here/);
  });

  it('refuses what it cannot evaluate, naming the object and the field (exit 2)', () => {
    const body = obj(JSON.parse(runNp2dfw(['convert', ...SEED, '--target', 'nsx', '-o', 'json']).stdout));
    const { rule } = nsxRule6379(body);
    rule.profiles = ['/infra/context-profiles/HTTP'];
    rule.ip_protocol = 'IPV4';
    rule.services = ['/infra/services/HTTPS'];
    const r = runNp2dfw(['verify', ...SEED, '--target', 'nsx', '--against', '-'], { stdin: JSON.stringify(body) });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`Rule ${String(rule.path).replace(/[[\]]/g, '\\$&')}: .*\\.profiles: not evaluated by np2dfw: context profiles`));
    assert.match(r.stderr, /\.ip_protocol: not evaluated by np2dfw: ip_protocol IPV4/);
    assert.match(r.stderr, /\.services\[0\]: service \/infra\/services\/HTTPS is not in the input/);
  });

  it('refuses a group list without a conjunction between two criteria, and a reference to a missing group', () => {
    const body = obj(JSON.parse(runNp2dfw(['convert', ...SEED, '--target', 'nsx', '-o', 'json']).stdout));
    const domain = obj(obj(list(body.children)[0]).Domain);
    const group = list(domain.children).map(obj).filter((c) => c.resource_type === 'ChildGroup').map((c) => obj(c.Group))
      .find((g) => list(g.expression).length === 1 && obj(list(g.expression)[0]).resource_type === 'NestedExpression');
    assert.ok(group);
    group.expression = [...list(group.expression), ...list(group.expression)];
    const { rule } = nsxRule6379(body);
    rule.source_groups = ['/infra/domains/default/groups/nowhere'];
    const r = runNp2dfw(['verify', ...SEED, '--target', 'nsx', '--against', '-'], { stdin: JSON.stringify(body) });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`Group ${String(group.path)}: .*expression\\[1\\]: an expression has 2 entries: criteria and conjunctions must alternate`));
    assert.match(r.stderr, /source_groups\[0\]: group \/infra\/domains\/default\/groups\/nowhere is not in the input/);
  });

  it('evaluates child groups (PathExpression) as the model does: a rule whose source is one group of the original groups is equivalent; a cycle is refused, exit 2', () => {
    const body = obj(JSON.parse(runNp2dfw(['convert', ...SEED, '--target', 'nsx', '-o', 'json']).stdout));
    const domain = obj(obj(list(body.children)[0]).Domain);
    const { rule } = nsxRule6379(body);
    const originals = list(rule.source_groups);
    assert.ok(originals.length > 1 && originals.every((p) => typeof p === 'string' && p.startsWith('/infra/domains/default/groups/')));
    const wrapper = { resource_type: 'Group', id: 'wrapper', display_name: 'wrapper', expression: [{ resource_type: 'PathExpression', paths: originals }] };
    domain.children = [{ resource_type: 'ChildGroup', Group: wrapper }, ...list(domain.children)];
    rule.source_groups = ['/infra/domains/default/groups/wrapper'];
    const ok = runNp2dfw(['verify', ...SEED, '--target', 'nsx', '--against', '-'], { stdin: JSON.stringify(body) });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^equivalent: /);
    const loop = { resource_type: 'Group', id: 'loop', display_name: 'loop', expression: [{ resource_type: 'PathExpression', paths: ['/infra/domains/default/groups/wrapper'] }] };
    wrapper.expression = [{ resource_type: 'PathExpression', paths: ['/infra/domains/default/groups/loop'] }];
    domain.children = [{ resource_type: 'ChildGroup', Group: loop }, ...list(domain.children)];
    const r = runNp2dfw(['verify', ...SEED, '--target', 'nsx', '--against', '-'], { stdin: JSON.stringify(body) });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: invalid input \(1 problem\):\n {2}<stdin>: Group \/infra\/domains\/default\/groups\/\w+: children\[0\]\.Domain\.children\[\d\]\.Group\.expression\[0\]\.paths\[0\]: \/infra\/domains\/default\/groups\/\w+ contains this group again \(a cycle of child groups\)\n$/);
  });
});

/** The documents of a YAML stream as plain objects. */
function yamlObjects(text: string): Json[] {
  return parseAllDocuments(text).map((d) => obj(d.toJS()));
}

describe('verify --against: existing Antrea objects', () => {
  it('accepts convert --target antrea (yaml) and nsx-antrea (json) as they are', () => {
    for (const [target, format] of [['antrea', 'yaml'], ['nsx-antrea', 'json']]) {
      const exported = runNp2dfw(['convert', ...SEED, '--target', target, '-o', format]);
      assert.equal(exported.code, 0, exported.stderr);
      const r = runNp2dfw(['verify', ...SEED, '--target', target, '--against', '-'], { stdin: exported.stdout });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^equivalent: ${target} \\(existing\\) allows exactly`));
    }
  });

  it('reads kubectl get -o yaml output: a List with server fields, status, and Antrea\'s own tiers', () => {
    const objects = yamlObjects(runNp2dfw(['convert', ...SEED, '--target', 'nsx-antrea', '-o', 'yaml']).stdout);
    const served = objects.map((o, i) => ({
      ...o,
      metadata: { ...obj(o.metadata), uid: `00000000-0000-4000-8000-00000000000${i}`, resourceVersion: String(100 + i), generation: 1, creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{ manager: 'np2dfw', operation: 'Apply' }] },
      ...(o.kind === 'ClusterNetworkPolicy' ? { status: { phase: 'Realized', observedGeneration: 1, currentNodesRealized: 2, desiredNodesRealized: 2 } } : {}),
    }));
    const tiers = [['application', 250], ['baseline', 253], ['emergency', 50]].map(([name, priority]) => ({ apiVersion: 'crd.antrea.io/v1beta1', kind: 'Tier', metadata: { name }, spec: { priority } }));
    const list = { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [...tiers, ...served] };
    const r = runNp2dfw(['verify', ...SEED, '--target', 'nsx-antrea', '--against', '-'], { stdin: stringify(list) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });

  it('reports an edited ClusterNetworkPolicy rule as counterexamples naming it', () => {
    const objects = yamlObjects(runNp2dfw(['convert', ...SEED, '--target', 'antrea']).stdout);
    let edited: { policy: string; rule: string } | undefined;
    for (const o of objects) {
      if (o.kind !== 'ClusterNetworkPolicy') continue;
      for (const rule of list(obj(o.spec).ingress ?? []).map(obj)) {
        for (const port of list(rule.ports ?? []).map(obj)) {
          if (port.port === 6379) { port.port = 6380; edited = { policy: String(obj(o.metadata).name), rule: String(rule.name) }; }
        }
      }
    }
    assert.ok(edited);
    const r = runNp2dfw(['verify', ...SEED, '--target', 'antrea', '--against', '-'], { stdin: objects.map((o) => `---\n${stringify(o)}`).join('') });
    assert.equal(r.code, 1, r.stderr);
    const gained = rows(r.stdout).filter((l) => l.includes('| 6380/TCP'));
    assert.ok(gained.length > 0, r.stdout);
    for (const row of gained) assert.ok(row.includes(`ClusterNetworkPolicy ${edited.policy} `) && row.includes(`"${edited.rule}" Allow`), row);
    assert.ok(rows(r.stdout).some((l) => l.includes('| 6379/TCP |') && l.includes('| allowed |')), r.stdout);
  });

  it('evaluates the NetworkPolicies of the stream after the tiers, as Antrea does (objects np2dfw did not create)', () => {
    // A hand-made stream: a policy that passes everything to the NetworkPolicies, and seed-003's own NetworkPolicy.
    const pass = {
      apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name: 'hand-made-pass' },
      spec: { priority: 5, tier: 'securityops', appliedTo: [{ podSelector: {} }], ingress: [{ action: 'Pass' }], egress: [{ action: 'Pass', enableLogging: true }] },
    };
    const policyText = `---\n${stringify(pass)}---\n${readSeedPolicy()}`;
    const r = runNp2dfw(['verify', ...SEED, '--target', 'antrea', '--against', '-'], { stdin: policyText });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const alone = runNp2dfw(['verify', ...SEED, '--target', 'antrea', '--against', '-'], { stdin: `---\n${stringify(pass)}` });
    assert.equal(alone.code, 1, 'without the NetworkPolicy everything is allowed');
  });

  it('refuses fields the Antrea engine does not evaluate, naming the object and the field (exit 2)', () => {
    const fqdn = {
      apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name: 'to-fqdn' },
      spec: { priority: 5, appliedTo: [{ podSelector: {} }], egress: [{ action: 'Drop', name: 'no-example', to: [{ fqdn: '*.example.com' }] }, { action: 'Drop', name: 'icmp', protocols: [{ icmp: { icmpType: 8 } }] }] },
    };
    const r = runNp2dfw(['verify', ...SEED, '--target', 'antrea', '--against', '-'], { stdin: stringify(fqdn) });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /ClusterNetworkPolicy\/to-fqdn: spec\.egress\[0\]\.to\[0\]\.fqdn: not evaluated by np2dfw: peers by fqdn/);
    assert.match(r.stderr, /ClusterNetworkPolicy\/to-fqdn: spec\.egress\[1\]\.protocols: not evaluated by np2dfw: ICMP and IGMP protocols/);
  });
});

/** seed-003's NetworkPolicy, as kubectl prints it. */
function readSeedPolicy(): string {
  return [
    'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy',
    'metadata: {name: test-network-policy, namespace: default, uid: 5b1c3e44-93a5-4d8e-a1f2-3c0d7e9b0001}',
    'spec:', '  podSelector: {matchLabels: {role: db}}', '  policyTypes: [Ingress, Egress]',
    '  ingress:', '  - from:', '    - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}',
    '    - namespaceSelector: {matchLabels: {project: myproject}}', '    - podSelector: {matchLabels: {role: frontend}}',
    '    ports: [{protocol: TCP, port: 6379}]',
    '  egress:', '  - to: [{ipBlock: {cidr: 10.0.0.0/24}}]', '    ports: [{protocol: TCP, port: 5978}]', '',
  ].join('\n');
}

describe('verify --against: an existing Contrail configuration', () => {
  it('accepts convert --target contrail as it is, and reports an edited firewall rule by name', () => {
    const exported = runNp2dfw(['convert', ...SEED, '--target', 'contrail']);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(runNp2dfw(['verify', ...SEED, '--target', 'contrail', '--against', '-'], { stdin: exported.stdout }).code, 0);
    const config = obj(JSON.parse(exported.stdout));
    const rule = list(config.resources).map(obj).filter((r) => r['firewall-rule'] !== undefined).map((r) => obj(r['firewall-rule']))
      .find((x) => obj(obj(x.service).dst_ports).start_port === 6379);
    assert.ok(rule);
    obj(rule.service).dst_ports = { start_port: 6379, end_port: 6389 };
    const r = runNp2dfw(['verify', ...SEED, '--target', 'contrail', '--against', '-'], { stdin: JSON.stringify(config) });
    assert.equal(r.code, 1, r.stderr);
    const gained = rows(r.stdout).filter((l) => l.includes('| 6380/TCP'));
    assert.ok(gained.length > 0, r.stdout);
    for (const row of gained) assert.ok(row.includes(`firewall rule ${String(rule.name)} (pass`), row);
  });

  it('refuses match_tags and a pod without workload tags (exit 2)', () => {
    const config = obj(JSON.parse(runNp2dfw(['convert', ...SEED, '--target', 'contrail']).stdout));
    const rule = obj(list(config.resources).map(obj).find((r) => r['firewall-rule'] !== undefined)?.['firewall-rule']);
    rule.match_tags = { tag_list: ['application'] };
    config.workloads = list(config.workloads).slice(1);
    const r = runNp2dfw(['verify', ...SEED, '--target', 'contrail', '--against', '-'], { stdin: JSON.stringify(config) });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`firewall-rule ${String(rule.name)}: resources\\[\\d+\\]\\.firewall-rule\\.match_tags: not evaluated by np2dfw: match_tags`));
    assert.match(r.stderr, /workloads: pod \S+ has no entry: the tags of its interface are unknown/);
  });
});

describe('reach and explain --via TARGET --against FILE', () => {
  it('explain names the edited NSX rule; reach notes the changed connections', () => {
    const body = obj(JSON.parse(runNp2dfw(['convert', ...SEED, '--target', 'nsx', '-o', 'json']).stdout));
    const { policy, rule, entry } = nsxRule6379(body);
    entry.destination_ports = ['6380'];
    const x = runNp2dfw(['explain', ...SEED, '--via', 'nsx', '--against', '-', '--from', 'default/frontend', '--to', 'default/db', '--port', '6380'], { stdin: JSON.stringify(body) });
    assert.equal(x.code, 0, x.stderr);
    assert.ok(x.stdout.includes(`DFW policy ${String(policy.display_name)} rule ${String(rule.display_name)}`), x.stdout);
    const reach = runNp2dfw(['reach', ...SEED, '--via', 'nsx', '--against', '-', '--port', '6379'], { stdin: JSON.stringify(body) });
    assert.equal(reach.code, 0, reach.stderr);
    assert.match(reach.stderr, /the nsx form changes the NetworkPolicies' verdict of \d+ connections? on 6379\/TCP/);
  });

  it('--against needs --via', () => {
    const r = runNp2dfw(['reach', ...SEED, '--against', '-', '--port', '80'], { stdin: '{}' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--against needs --via/);
  });
});
