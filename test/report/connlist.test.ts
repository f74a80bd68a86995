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
import type { Endpoint } from '../../src/evaluate/endpoint.ts';
import type { AddressAtom } from '../../src/evaluate/verify/address-atoms.ts';
import { formatAddressRange } from '../../src/net/address-range.ts';
import { atomEndpoints, atomRows, connectionList, connectionRows, connlistChunks, pairRows, type ConnlistRow, type PairPorts } from '../../src/report/connlist.ts';
import { formatPortRanges } from '../../src/report/port-ranges.ts';
import type { PortRange } from '../../src/report/port-ranges.ts';
import { createPrng } from '../../testing/synthetic/prng.ts';
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

  it('makes the rows from address atoms atom by atom, as the gathered merge makes them', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const prng = createPrng(seed);
      const pods = 1 + prng.int(6);
      const count = 1 + prng.int(12);
      const endpoints: Endpoint[] = [
        ...Array.from({ length: pods }, (_, k) => ({ kind: 'external' as const, id: `ns/pod${k}`, ip: `10.0.0.${k}`, family: 4 as const })),
        ...Array.from({ length: count }, (_, a) => ({ kind: 'external' as const, id: `atom${a}`, ip: `192.0.2.${a}`, family: 4 as const })),
      ];
      const atoms: AddressAtom[] = Array.from({ length: count }, (_, a) => ({ family: 4, first: BigInt(a * 16), last: BigInt(a * 16 + 15) }));
      // Few port sets, so that neighbouring atoms often agree and runs form, open and close in every order.
      const portSets: PortRange[][] = [[{ protocol: 'TCP', first: 80, last: 80 }], [{ protocol: 'TCP', first: 80, last: 90 }], [{ protocol: 'UDP', first: 53, last: 53 }]];
      const pairs: PairPorts[][] = Array.from({ length: count }, (_, a) => Array.from({ length: pods }, (_, j) => j)
        .filter(() => prng.chance(0.7))
        .map((j) => ({ i: pods + a, j, ports: portSets[prng.int(prng.chance(0.8) ? 1 : 3)] })));
      // The oracle: per destination, walk the atoms and cut a run wherever the ports change or stop; then sort.
      const expected: { start: number; j: number; row: ConnlistRow }[] = [];
      for (let j = 0; j < pods; j++) {
        const text = (a: number) => { const p = pairs[a].find((x) => x.j === j); return p ? formatPortRanges(p.ports) : undefined; };
        for (let a = 0; a < count;) {
          const t = text(a);
          if (t === undefined) { a++; continue; }
          let b = a;
          while (b + 1 < count && text(b + 1) === t) b++;
          expected.push({ start: a, j, row: { src: formatAddressRange(atoms[a].first, atoms[b].last, 4), dst: endpoints[j].id, ports: pairs[a].find((x) => x.j === j)!.ports } });
          a = b + 1;
        }
      }
      expected.sort((x, y) => x.start - y.start || x.j - y.j);
      const row = (a: number, b: number, j: number, ports: readonly PortRange[]) => ({ src: formatAddressRange(atoms[a].first, atoms[b].last, 4), dst: endpoints[j].id, ports });
      assert.deepEqual([...atomRows(count, (a) => pairs[a], row)], expected.map((e) => e.row), `seed ${seed}`);
      // pairRows (reach's diff) makes them the same way from pairs in any order.
      assert.deepEqual(pairRows([...pairs.flat()].reverse(), endpoints, atoms), expected.map((e) => e.row), `seed ${seed}`);
    }
  });
});
