// `reach -o connlist` from the engine's class matrices against the same list from its per-port endpoint matrices
// (the engine with its class matrices taken away), on random clusters with atoms, given external addresses (some
// of them a pod's), hostNetwork pods and both families.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReachabilityEngine } from '../../src/evaluate/engine.ts';
import { endpointsOf } from '../../src/evaluate/endpoints.ts';
import { createKubernetesEngine } from '../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { addressAtoms } from '../../src/evaluate/verify/address-atoms.ts';
import { portClasses } from '../../src/evaluate/verify/port-classes.ts';
import { atomEndpoints, connectionList, connectionRows, connlistChunks } from '../../src/report/connlist.ts';
import { isPortRange } from '../../src/report/port-ranges.ts';
import { generateCluster } from '../../testing/synthetic/generate-cluster.ts';

const EXTERNALS = ['10.0.0.1', '10.0.0.2', '192.168.0.2', '8.8.8.8', 'fd00::1', '2001:db8::1'];

const text = (rows: ReturnType<typeof connectionList>) => [...connlistChunks(rows)].join('');

describe('reach -o connlist on classes', () => {
  it('lists exactly what the per-port endpoint matrices list, on 30 random clusters', () => {
    let classPath = 0;
    let lines = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const cluster = generateCluster('random', { seed });
      const engine = createKubernetesEngine(cluster);
      const byMatrices: ReachabilityEngine = { ...engine, classMatrix: undefined };
      const classes = portClasses(cluster).filter(isPortRange);
      for (const family of [4, 6] as const) {
        const atoms = atomEndpoints(addressAtoms(cluster, family));
        const withAtoms = [...endpointsOf(cluster, family), ...atoms.map((a) => a.endpoint)];
        const given = endpointsOf(cluster, family, EXTERNALS);
        for (const [endpoints, atomList] of [[withAtoms, atoms.map((a) => a.atom)], [given, undefined]] as const) {
          const expected = text(connectionList(byMatrices, endpoints, classes, atomList));
          const actual = text(connectionList(engine, endpoints, classes, atomList));
          assert.equal(actual, expected, `seed ${seed}, IPv${family}`);
          lines += expected.split('\n').length - 1;
          if (classes.every((c) => engine.classMatrix?.(endpoints, { protocol: c.protocol, port: c.first }))) classPath++;
        }
      }
    }
    assert.ok(classPath >= 60, `the class path ran on ${classPath} of 120 lists`);
    assert.ok(lines > 1000, `the lists had ${lines} lines`);
  });

  it('makes rows source by source as they are taken, not all at once', () => {
    const cluster = generateCluster('random', { seed: 7 });
    const engine = createKubernetesEngine(cluster);
    const classes = portClasses(cluster).filter(isPortRange);
    const endpoints = endpointsOf(cluster, 4);
    let visits = 0;
    // The engine's class matrices, counting the visits of a source's row.
    const counting: ReachabilityEngine = {
      ...engine,
      classMatrix: (eps, port) => {
        const m = engine.classMatrix!(eps, port)!;
        return { ...m, rows: { ...m.rows, forEachMember: (row: number, f: (c: number) => void) => { visits++; m.rows.forEachMember(row, f); } } };
      },
    };
    const all = connectionList(engine, endpoints, classes);
    assert.ok(all.length > 10, `${all.length} rows`);
    const rows = connectionRows(counting, endpoints, classes);
    const first = rows.next();
    assert.equal(first.done, false);
    assert.deepEqual(first.value, all[0]);
    const firstSource = endpoints.findIndex((e) => e.id === all[0].src);
    assert.equal(visits, classes.length * (firstSource + 1), 'only the sources up to the first row were visited');
    assert.deepEqual([first.value, ...rows], all);
    assert.equal(visits, classes.length * endpoints.length);
  });
});
