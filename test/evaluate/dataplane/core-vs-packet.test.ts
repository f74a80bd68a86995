// The dataplane evaluators on the evaluator core against the per-packet reading (packet-oracle.ts, the walk np2dfw
// used before): on every example, the lab's hand-made DFW config (categories, REJECT, a DROP before an ALLOW,
// an address group), randomized clusters, and mutated rulesets (flipped, dropped, reordered rules, widened ports
// and ranges, added set members), every connection's verdict must be the same, and so must every explanation
// (which node and rule decided, every rule matched).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { convertCluster } from '../../../src/convert/convert-cluster.ts';
import type { PortQuery } from '../../../src/evaluate/connection.ts';
import { iptablesNode, nftNode } from '../../../src/evaluate/dataplane/dataplane-engine.ts';
import { parseIptablesRuleset, type IptablesTexts } from '../../../src/evaluate/dataplane/iptables-ruleset.ts';
import { parseNftRuleset } from '../../../src/evaluate/dataplane/nft-ruleset.ts';
import type { Endpoint } from '../../../src/evaluate/endpoint.ts';
import { endpointsOf } from '../../../src/evaluate/endpoints.ts';
import type { ReachabilityEngine } from '../../../src/evaluate/engine.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { addressAtoms } from '../../../src/evaluate/verify/address-atoms.ts';
import type { Cluster } from '../../../src/k8s/cluster.ts';
import { loadClusterFromPaths } from '../../../src/k8s/load-cluster.ts';
import { podIsLive } from '../../../src/k8s/pod.ts';
import { PROTOCOLS, type Protocol } from '../../../src/k8s/protocol.ts';
import type { DfwConfig } from '../../../src/model/dfw-config.ts';
import { parseAddressRange } from '../../../src/net/address-range.ts';
import { familyOf, formatAddress, type Family } from '../../../src/net/ip-address.ts';
import { dataplaneTarget, renderConfig, renderedNodes } from '../../../src/targets/dataplane.ts';
import { generateCluster } from '../../../testing/synthetic/generate-cluster.ts';
import { REPO_ROOT } from '../../cli/run-cli.ts';
import { config, ipGroup, policy, ports, rule, threePods } from '../../realize/iptables/dfw-fixture.ts';
import { iptablesMutations, nftMutations, spread } from './mutate.ts';
import { createPacketOracle, oracleIptablesNode, oracleNftNode } from './packet-oracle.ts';

type Dataplane = 'iptables' | 'nftables';
type Texts = { iptables: Map<string, IptablesTexts>; nftables: Map<string, string> };

/** The core engine and the per-packet oracle of the same texts, with the NetworkPolicies left beside both. */
function engines(cluster: Cluster, texts: Texts, target: Dataplane, remaining: Cluster['policies']): [ReachabilityEngine, ReachabilityEngine] {
  const nodes = target === 'iptables' ? [...texts.iptables].map(([n, t]) => iptablesNode(n, t)) : [...texts.nftables].map(([n, t]) => nftNode(n, t));
  const core = dataplaneTarget(cluster, target, nodes, [], remaining).engine;
  const oracleNodes = target === 'iptables'
    ? [...texts.iptables].map(([n, t]) => oracleIptablesNode(n, parseIptablesRuleset(t)))
    : [...texts.nftables].map(([n, t]) => oracleNftNode(n, parseNftRuleset(t)));
  const kubernetes = remaining.length ? createKubernetesEngine(cluster, { policies: remaining, name: `${target}:kubernetes` }) : undefined;
  return [core, createPacketOracle(target, oracleNodes, kubernetes)];
}

const families = (c: Cluster): Family[] => ([4, 6] as const).filter((f) => c.pods.some((p) => podIsLive(p) && p.ips.some((ip) => familyOf(ip) === f)));

/** Every port the texts or the cluster name, with its neighbours, 1 and 65535, per protocol, and OTHER. */
function queries(cluster: Cluster, core: ReturnType<typeof dataplaneTarget>): PortQuery[] {
  const out = new Map<string, PortQuery>([['OTHER 0', { protocol: 'OTHER', port: 0 }]]);
  const add = (protocol: Protocol, port: number) => {
    if (port >= 1 && port <= 65535) out.set(`${protocol} ${port}`, { protocol, port });
  };
  for (const p of PROTOCOLS) for (const port of [1, 65535]) add(p, port);
  for (const b of core.boundaries.ports) {
    if ((PROTOCOLS as readonly string[]).includes(b.protocol)) for (const x of [b.first - 1, b.first, b.last, b.last + 1]) add(b.protocol as Protocol, x);
  }
  for (const pod of cluster.pods) for (const cp of pod.ports) add(cp.protocol, cp.port);
  return [...out.values()];
}

/** The endpoints of a family: every pod, an address of every ipBlock atom and of every address the texts name. */
function endpointsFor(cluster: Cluster, family: Family, built: ReturnType<typeof dataplaneTarget>, extra: readonly string[]): Endpoint[] {
  const atoms = addressAtoms(cluster, family).flatMap((x) => (x.representative ? [x.representative] : []));
  const taken = new Set(cluster.pods.flatMap((p) => p.ips));
  const outside = built.boundaries.addresses.flatMap((a) => {
    const r = parseAddressRange(a);
    const first = r && r.family === family ? formatAddress(r.start, family) : undefined;
    return first && !taken.has(first) ? [first] : [];
  });
  return endpointsOf(cluster, family, [...new Set([...atoms, ...outside, ...extra.filter((a) => familyOf(a) === family)])]);
}

/** Asserts the two engines agree on every connection, and explain it alike on a spread of them. */
function assertAgree(name: string, cluster: Cluster, texts: Texts, target: Dataplane, remaining: Cluster['policies'], extra: readonly string[] = []): number {
  const [core, oracle] = engines(cluster, texts, target, remaining);
  const built = dataplaneTarget(cluster, target, target === 'iptables' ? [...texts.iptables].map(([n, t]) => iptablesNode(n, t)) : [...texts.nftables].map(([n, t]) => nftNode(n, t)), [], remaining);
  let denied = 0;
  for (const family of families(cluster)) {
    const endpoints = endpointsFor(cluster, family, built, extra);
    for (const q of queries(cluster, built)) {
      const a = core.matrix(endpoints, q);
      const b = oracle.matrix(endpoints, q);
      const diffs = a.differences(b, 3).map(([i, j]) => `${endpoints[i].id} -> ${endpoints[j].id} ${q.port}/${q.protocol}: core ${a.get(i, j)}, packet ${b.get(i, j)}`);
      assert.deepEqual(diffs, [], `${name}, ${target}, IPv${family}`);
      denied += endpoints.length * endpoints.length - a.count();
      const c = core.classMatrix?.(endpoints, q);
      if (c) for (let i = 0; i < endpoints.length; i++) for (let j = 0; j < endpoints.length; j++) if (endpoints[i].id !== endpoints[j].id) assert.equal(c.rows.has(c.rowOf[c.classOf[i]], c.classOf[j]), a.get(i, j));
      const pairs = spread(endpoints.flatMap((s) => endpoints.map((d): [Endpoint, Endpoint] => [s, d])), 40);
      for (const [src, dst] of pairs) assert.deepEqual(core.decide({ src, dst, ...q }), oracle.decide({ src, dst, ...q }), `${name}, ${target}: ${src.id} -> ${dst.id} ${q.port}/${q.protocol}`);
    }
  }
  return denied;
}

const examples = readdirSync(join(REPO_ROOT, 'examples'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const clusters: [string, Cluster][] = [
  ...examples.map((e): [string, Cluster] => [`examples/${e}`, loadClusterFromPaths([join(REPO_ROOT, 'examples', e)], { cluster: 'c' })]),
  ...[3, 11, 29].map((seed): [string, Cluster] => [`random cluster seed ${seed}`, generateCluster('random', { seed })]),
];

for (const target of ['iptables', 'nftables'] as const) {
  describe(`${target}: the core path and the per-packet reading agree`, () => {
    for (const [name, cluster] of clusters) {
      it(`${name}: every connection, and the explanations`, () => {
        const r = renderedNodes(cluster);
        assert.ok(assertAgree(name, cluster, r, target, r.remaining) > 0, 'the rulesets deny something (the check has teeth)');
      });
    }

    it('the lab\'s hand-made DFW config (categories, REJECT, ranges, an address group)', () => {
      const { c, A, B, C } = threePods();
      const OUTSIDE = ipGroup('outside', ['198.51.100.0/28']);
      const cfg: DfwConfig = config([A, B, C, OUTSIDE], [
        policy('app-c', 1, C, [rule('from-a', 'ALLOW', 'IN', A, 'ANY', [], 0), rule('rest', 'DROP', 'IN', 'ANY', 'ANY', [], 1)]),
        policy('emergency-c', 1000, C, [rule('no-80', 'DROP', 'IN', 'ANY', 'ANY', [ports('TCP', '80')])], 'Emergency'),
        policy('out-b', 5, B, [rule('rej', 'REJECT', 'OUT', 'ANY', A, [ports('TCP', '81-82')]), rule('no-outside', 'DROP', 'OUT', 'ANY', OUTSIDE, [], 1)]),
        policy('in-a', 6, A, [rule('outside-82', 'ALLOW', 'IN', OUTSIDE, 'ANY', [ports('TCP', '82')], 0), rule('no-82', 'DROP', 'IN', 'ANY', 'ANY', [ports('TCP', '82'), ports('UDP', '82')], 1)]),
      ]);
      assert.ok(assertAgree('hand-made config', c, renderConfig(cfg, c), target, [], ['198.51.100.5', '203.0.113.7']) > 0);
    });

    it('mutated rulesets (every kind of mutation, on every node)', () => {
      for (const [name, cluster] of clusters.filter(([n]) => n === 'examples/seed-003' || n === 'random cluster seed 3')) {
        const r = renderedNodes(cluster);
        const podIps = cluster.pods.filter((p) => podIsLive(p) && !p.hostNetwork).flatMap((p) => p.ips);
        const kinds = new Set<string>();
        for (const node of r.iptables.keys()) {
          for (const family of families(cluster)) {
            const ips = podIps.filter((ip) => familyOf(ip) === family);
            const mutations = target === 'iptables' ? iptablesMutations(node, r.iptables.get(node)!, family, ips, 2) : nftMutations(node, r.nftables.get(node)!, family, ips, 2);
            for (const m of mutations) {
              kinds.add(m.kind);
              const texts: Texts = {
                iptables: new Map([...r.iptables].map(([n, t]) => [n, n === node ? m.iptables ?? t : t])),
                nftables: new Map([...r.nftables].map(([n, t]) => [n, n === node ? m.nft ?? t : t])),
              };
              assertAgree(`${name}, ${m.description}`, cluster, texts, target, r.remaining, ['8.8.8.8', '2001:4860:4860::8888']);
            }
          }
        }
        assert.ok(kinds.size >= 6, `${name}: mutation kinds ${[...kinds].join(', ')}`);
      }
    });
  });
}
