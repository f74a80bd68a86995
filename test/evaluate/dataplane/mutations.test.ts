// Mutation tests of `verify --target iptables|nftables`: every example and a generated cluster, each node's
// rendered ruleset mutated one rule or set at a time (flip an action, drop a rule, widen a port or a range, add an
// address to a set, add a member to a pod set, reorder two rules). A mutation that changes the verdict of some
// connection (found by comparing the mutated and the original rulesets on every port and address either names,
// and their neighbours) must make verify say "different", with a counterexample on the mutated rule. A missed
// mutation fails the test.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { iptablesNode, nftNode, type NodeRuleset } from '../../../src/evaluate/dataplane/dataplane-engine.ts';
import { dataplaneTarget, renderedNodes } from '../../../src/targets/dataplane.ts';
import { endpointsOf } from '../../../src/evaluate/endpoints.ts';
import type { ReachabilityEngine } from '../../../src/evaluate/engine.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import type { TargetBoundaries } from '../../../src/evaluate/target.ts';
import type { BuiltTarget } from '../../../src/targets/target.ts';
import { addressAtoms } from '../../../src/evaluate/verify/address-atoms.ts';
import { verifyEngines, type Counterexample } from '../../../src/evaluate/verify/verify-engines.ts';
import type { Cluster } from '../../../src/k8s/cluster.ts';
import { loadClusterFromPaths } from '../../../src/k8s/load-cluster.ts';
import { podIsLive } from '../../../src/k8s/pod.ts';
import { PROTOCOLS, type Protocol } from '../../../src/k8s/protocol.ts';
import { generateCluster } from '../../../testing/synthetic/generate-cluster.ts';
import { parseAddressRange } from '../../../src/net/address-range.ts';
import { familyOf, formatAddress, type Family } from '../../../src/net/ip-address.ts';
import { REPO_ROOT } from '../../cli/run-cli.ts';
import { iptablesMutations, nftMutations, type Mutation } from './mutate.ts';

/**
 * Verify's options from a target's boundaries (until verify reads `BuiltTarget.boundaries` itself): ports cut at
 * every named range, and for every named address range its first address that is no pod's.
 */
export function boundaryOptions(b: TargetBoundaries, cluster: Cluster): { extraPorts: { protocol: Protocol; port: number }[]; extraExternals: string[] } {
  const taken = new Set(cluster.pods.flatMap((p) => p.ips));
  const extraPorts = b.ports.filter((p) => (PROTOCOLS as readonly string[]).includes(p.protocol)).flatMap((p) => [
    { protocol: p.protocol as Protocol, port: p.first },
    ...(p.last < 65535 ? [{ protocol: p.protocol as Protocol, port: p.last + 1 }] : []),
  ]);
  const extraExternals = b.addresses.flatMap((a) => {
    const r = parseAddressRange(a);
    if (!r) return [];
    for (let v = r.start; v <= r.end && v < r.start + 4n; v++) if (!taken.has(formatAddress(v, r.family))) return [formatAddress(v, r.family)];
    return [];
  });
  return { extraPorts, extraExternals };
}

const families = (c: Cluster): Family[] => ([4, 6] as const).filter((f) => c.pods.some((p) => podIsLive(p) && p.ips.some((ip) => familyOf(ip) === f)));

/**
 * The probe set that decides whether a mutation changed a verdict: every port either ruleset names (and the
 * ports around it), every container port, 1 and 65535, every protocol; every pod and an address of every ipBlock
 * atom and of every address either ruleset names.
 */
function changesAVerdict(cluster: Cluster, a: BuiltTarget, b: BuiltTarget): boolean {
  const ports = new Map<Protocol, Set<number>>(PROTOCOLS.map((p) => [p, new Set([1, 65535])]));
  for (const t of [a, b]) {
    for (const p of t.boundaries.ports) {
      const s = ports.get(p.protocol as Protocol);
      for (const x of [p.first - 1, p.first, p.last, p.last + 1]) if (s && x >= 1 && x <= 65535) s.add(x);
    }
  }
  for (const pod of cluster.pods) for (const cp of pod.ports) ports.get(cp.protocol)!.add(cp.port);
  for (const pol of cluster.policies) for (const r of [...pol.ingress, ...pol.egress]) for (const p of r.ports ?? []) if (typeof p.port === 'number') ports.get(p.protocol)!.add(p.port);
  const outside = [...boundaryOptions(a.boundaries, cluster).extraExternals, ...boundaryOptions(b.boundaries, cluster).extraExternals];
  for (const family of families(cluster)) {
    const externals = [...new Set([...addressAtoms(cluster, family).flatMap((x) => (x.representative ? [x.representative] : [])), ...outside])];
    const endpoints = endpointsOf(cluster, family, externals);
    for (const [protocol, list] of ports) {
      for (const port of list) {
        const q = { protocol, port };
        if (a.engine.matrix(endpoints, q).differences(b.engine.matrix(endpoints, q), 1).length) return true;
      }
    }
  }
  return false;
}

/** What an engine says about a counterexample, in every family where both ends exist (ids do not name one). */
function explains(engine: ReachabilityEngine, c: Counterexample, cluster: Cluster): string {
  const out: string[] = [];
  for (const f of families(cluster)) {
    const endpoints = endpointsOf(cluster, f, [c.src, c.dst].filter((x) => familyOf(x) === f));
    const src = endpoints.find((e) => e.id === c.src);
    const dst = endpoints.find((e) => e.id === c.dst);
    if (!src || !dst) continue;
    const d = engine.decide({ src, dst, protocol: c.protocol, port: c.port });
    out.push(d.egress.by, ...d.egress.notes, d.ingress.by, ...d.ingress.notes);
  }
  return out.join('\n');
}

const PER = 3;

function run(name: string, cluster: Cluster, target: 'iptables' | 'nftables'): Map<string, { effective: number; total: number }> {
  const r = renderedNodes(cluster, { onError: 'abort' });
  assert.equal(r.refusals.length, 0);
  const read = (node: string, m?: Mutation): NodeRuleset => (target === 'iptables'
    ? iptablesNode(node, m?.node === node ? m.iptables! : r.iptables.get(node)!)
    : nftNode(node, m?.node === node ? m.nft! : r.nftables.get(node)!));
  const nodes = [...r.iptables.keys()];
  const build = (m?: Mutation) => dataplaneTarget(cluster, target, nodes.map((n) => read(n, m)), [], []);
  const original = build();
  const reference = createKubernetesEngine(cluster);
  assert.ok(verifyEngines(cluster, reference, original.engine, { boundaries: original.boundaries }).equivalent, `${name}: the unmutated ${target} ruleset is equivalent`);
  const mutations: Mutation[] = [];
  for (const node of nodes) {
    for (const family of families(cluster)) {
      const podIps = cluster.pods.filter((p) => podIsLive(p) && !p.hostNetwork).flatMap((p) => p.ips.filter((ip) => familyOf(ip) === family));
      mutations.push(...(target === 'iptables' ? iptablesMutations(node, r.iptables.get(node)!, family, podIps, PER) : nftMutations(node, r.nftables.get(node)!, family, podIps, PER)));
    }
  }
  const stats = new Map<string, { effective: number; total: number }>();
  for (const m of mutations) {
    const s = stats.get(m.kind) ?? { effective: 0, total: 0 };
    stats.set(m.kind, s);
    s.total++;
    const mutated = build(m);
    if (!changesAVerdict(cluster, original, mutated)) continue;
    s.effective++;
    const report = verifyEngines(cluster, reference, mutated.engine, { boundaries: mutated.boundaries, maxCounterexamples: 100_000 });
    assert.equal(report.equivalent, false, `${name}, ${target}, node ${m.node}: verify missed the mutation ${m.description}`);
    const named = report.counterexamples.some((c) => {
      const text = `${explains(mutated.engine, c, cluster)}\n${explains(original.engine, c, cluster)}`;
      return m.markers.some((k) => text.includes(k));
    });
    assert.ok(named, `${name}, ${target}, node ${m.node}: no counterexample on the mutated rule (${m.description}); markers: ${m.markers.join(' | ')}`);
  }
  return stats;
}

const examples = readdirSync(join(REPO_ROOT, 'examples'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const clusters: [string, Cluster][] = [
  ...examples.map((e): [string, Cluster] => [`examples/${e}`, loadClusterFromPaths([join(REPO_ROOT, 'examples', e)], { cluster: 'c' })]),
  ['generated random seed 3', generateCluster('random', { seed: 3 })],
];

for (const target of ['iptables', 'nftables'] as const) {
  describe(`verify --target ${target} catches mutations of the rendered ruleset`, () => {
    const totals = new Map<string, number>();
    for (const [name, cluster] of clusters) {
      it(`${name}: every mutation that changes a verdict is reported, on the mutated rule`, () => {
        for (const [kind, s] of run(name, cluster, target)) totals.set(kind, (totals.get(kind) ?? 0) + s.effective);
      });
    }
    it('every kind of mutation changed some verdict somewhere (the test is not vacuous)', () => {
      for (const kind of ['flip', 'drop-rule', 'widen-port', 'widen-range', 'add-address', 'add-member', 'reorder']) assert.ok((totals.get(kind) ?? 0) > 0, `${kind}: ${JSON.stringify([...totals])}`);
    });
  });
}

describe('the issue\'s two cases on examples/seed-003', () => {
  const cluster = loadClusterFromPaths([join(REPO_ROOT, 'examples', 'seed-003')], { cluster: 'c' });
  const r = renderedNodes(cluster);
  const nodes = [...r.nftables.keys()];
  for (const target of ['iptables', 'nftables'] as const) {
    const node = nodes.find((n) => (target === 'iptables' ? r.iptables.get(n)!.v4.includes('--dports 6379') : r.nftables.get(n)!.includes('dport { 6379 }')))!;
    const podIps = cluster.pods.flatMap((p) => p.ips);
    const all = target === 'iptables' ? iptablesMutations(node, r.iptables.get(node)!, 4, podIps, 1000) : nftMutations(node, r.nftables.get(node)!, 4, podIps, 1000);
    const build = (m: Mutation) => dataplaneTarget(cluster, target, nodes.map((n) => (target === 'iptables' ? iptablesNode(n, n === node ? m.iptables! : r.iptables.get(n)!) : nftNode(n, n === node ? m.nft! : r.nftables.get(n)!))), [], []);
    for (const kind of ['widen-port', 'add-address'] as const) {
      it(`${target}: ${kind === 'widen-port' ? 'an allow rule that also opens 7000/TCP' : 'an address set that also holds 8.8.8.8/32'} is different`, () => {
        const m = all.find((x) => x.kind === kind && (kind === 'add-address' || x.description.includes('6379')))!;
        assert.ok(m, `a ${kind} mutation exists`);
        const built = build(m);
        const report = verifyEngines(cluster, createKubernetesEngine(cluster), built.engine, { boundaries: built.boundaries, maxCounterexamples: 100_000 });
        assert.equal(report.equivalent, false, m.description);
        if (kind === 'widen-port') assert.ok(report.counterexamples.some((c) => c.port === 7000 && c.protocol === 'TCP'), 'a counterexample on 7000/TCP');
        else assert.ok(report.counterexamples.some((c) => c.src === '8.8.8.8' || c.dst === '8.8.8.8'), 'a counterexample with 8.8.8.8');
      });
    }
  }
});
