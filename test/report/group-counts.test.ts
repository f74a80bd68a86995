// Counts per namespace pair from the engine's classes against counts from the per-connection matrix, on random
// clusters with externals, hostNetwork pods and an endpoint the compiled form does not know.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PortQuery } from '../../src/evaluate/connection.ts';
import { podEndpoint, type Endpoint } from '../../src/evaluate/endpoint.ts';
import { endpointsOf } from '../../src/evaluate/endpoints.ts';
import { createKubernetesEngine } from '../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { generateCluster } from '../../testing/synthetic/generate-cluster.ts';
import { groupByNamespace } from '../../src/report/endpoint-groups.ts';
import { groupCountsFromClasses, groupCountsFromMatrix, type GroupCounts } from '../../src/report/group-counts.ts';
import { groupedReachability } from '../../src/report/grouped-reachability.ts';
import { reachSummary } from '../../src/report/reach-summary.ts';
import { formatGroupedMarkdown } from '../../src/report/matrix-markdown.ts';

const QUERIES: PortQuery[] = [80, 53, 8080, 9090, 12345].map((port) => ({ protocol: 'TCP' as const, port }));
const EXTERNALS = ['10.0.0.1', '192.168.0.2', '8.8.8.8', 'fd00::1', '2001:db8::1'];

/** Every pair's count, and that candidates/allAllowed describe the pairs they leave out. */
function table(c: GroupCounts, groups: ReturnType<typeof groupByNamespace>): string[] {
  const out: string[] = [];
  for (let a = 0; a < groups.length; a++) {
    const listed = new Set(c.candidates(a));
    for (let b = 0; b < groups.length; b++) {
      const n = c.allowed(a, b);
      const total = groups[a].size * groups[b].size;
      if (!listed.has(b)) assert.equal(n, c.allAllowed(b) ? total : 0, `${groups[a].name} -> ${groups[b].name} is not a candidate`);
      out.push(`${groups[a].name}->${groups[b].name}:${n}`);
    }
  }
  return out;
}

describe('group counts on classes', () => {
  it('equal the counts of the per-connection matrix on 40 random clusters', () => {
    let compared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const cluster = generateCluster('random', { seed });
      const engine = createKubernetesEngine(cluster);
      for (const family of [4, 6] as const) {
        const endpoints: Endpoint[] = endpointsOf(cluster, family, EXTERNALS);
        // A pod at an address it does not have: decided one connection at a time.
        const first = endpoints.find((e) => e.kind === 'pod');
        if (first?.kind === 'pod') endpoints.push(podEndpoint(first.pod, family === 4 ? '172.31.255.254' : 'fd99::1', family));
        const groups = groupByNamespace(endpoints);
        for (const q of QUERIES) {
          const slow = engine.matrixByConnection(endpoints, q);
          const fromMatrix = groupCountsFromMatrix(slow, groups);
          const fromClasses = groupCountsFromClasses(engine.classReachability(endpoints, q), groups, endpoints);
          assert.equal(fromClasses.total, slow.count(), `seed ${seed} IPv${family} ${q.port}: total`);
          assert.equal(fromMatrix.total, slow.count());
          assert.deepEqual(table(fromClasses, groups), table(fromMatrix, groups), `seed ${seed} IPv${family} ${q.port}`);
          compared++;
        }
      }
    }
    assert.equal(compared, 40 * 2 * QUERIES.length);
  });

  it('give the summary with --allowed the same rows as the full summary filtered', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const cluster = generateCluster('random', { seed });
      const engine = createKubernetesEngine(cluster);
      const g = groupedReachability(engine, endpointsOf(cluster, 4, EXTERNALS), QUERIES);
      const all = reachSummary(g, 'all');
      assert.deepEqual(reachSummary(g, 'allowed'), all.filter((r) => r.allowed > 0), `seed ${seed}`);
      assert.deepEqual(reachSummary(g, 'denied'), all.filter((r) => r.denied > 0), `seed ${seed}`);
    }
  });

  it('count a namespace whose pods are all open to every source without listing it per source', () => {
    const cluster = generateCluster('small-namespaces', { scale: 0.001, egress: 'none' });
    const engine = createKubernetesEngine({ ...cluster, policies: [] });
    const endpoints = endpointsOf(cluster, 4);
    const groups = groupByNamespace(endpoints);
    const c = groupCountsFromClasses(engine.classReachability(endpoints, QUERIES[0]), groups, endpoints);
    assert.equal(c.total, endpoints.length ** 2);
    for (let a = 0; a < groups.length; a++) assert.deepEqual(c.candidates(a), []);
    assert.ok(groups.every((_, b) => c.allAllowed(b)));
  });
});

describe('reach -o md per namespace', () => {
  it('is one row per source namespace beyond 40 namespaces, as the table', () => {
    const cluster = generateCluster('small-namespaces', { scale: 0.002, egress: 'mirror' });
    const engine = createKubernetesEngine(cluster);
    const g = groupedReachability(engine, endpointsOf(cluster, 4), [QUERIES[0]]);
    assert.equal(g.groups.length, 50);
    const lines = formatGroupedMarkdown(g).split('\n');
    assert.equal(lines[2], '400 of 40,000 connections allowed (row = source, column = destination).');
    assert.equal(lines[4], '| # | source namespace | all allowed to | all denied to | partly allowed to |');
    assert.equal(lines[6], `| 1 | ${g.groups[0].name} (4) | 0 | 49 | ${g.groups[0].name} 8/16 |`);
    assert.equal(lines.filter((l) => /^\| \d+ \|/.test(l)).length, 50);
  });
});
