// The reach formatters on matrices built here, independent of any engine and of the input files.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BitMatrix } from '../../../src/evaluate/bit-matrix.ts';
import type { Endpoint } from '../../../src/evaluate/endpoint.ts';
import type { Pod } from '../../../src/k8s/pod.ts';
import { groupByNamespace, groupCell } from '../../../src/report/endpoint-groups.ts';
import { groupCountsFromMatrix } from '../../../src/report/group-counts.ts';
import { formatMatrixCsv } from '../../../src/report/matrix-csv.ts';
import { formatMatrixJson } from '../../../src/report/matrix-json.ts';
import { formatMatrixMarkdown } from '../../../src/report/matrix-markdown.ts';
import { formatMatrixTable } from '../../../src/report/matrix-table.ts';
import type { Reachability } from '../../../src/report/port-matrix.ts';

function pod(namespace: string, name: string, ip: string, hostNetwork = false): Endpoint {
  const p: Pod = { namespace, name, labels: {}, ips: [ip], hostNetwork, ports: [] };
  return { kind: 'pod', id: `${namespace}/${name}`, pod: p, ip, family: 4 };
}
function external(ip: string): Endpoint {
  return { kind: 'external', id: ip, ip, family: 4 };
}
/** A matrix where cell (i, j) is allowed when allowed(i, j). */
function matrixOf(n: number, allowed: (i: number, j: number) => boolean): BitMatrix {
  const m = new BitMatrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (allowed(i, j)) m.set(i, j);
  return m;
}

describe('reach -o json', () => {
  it('keeps the endpoint order in every object, even for keys that look like numbers', () => {
    const endpoints = [external('10.0.0.2'), pod('b', 'x', '10.0.0.9'), external('10.0.0.1')];
    const r: Reachability = { endpoints, ports: [{ query: { protocol: 'UDP', port: 53 }, matrix: matrixOf(3, (i, j) => i === j || j === 0) }] };
    assert.equal(
      formatMatrixJson(r),
      '{"ports":[{"protocol":"UDP","port":53,"matrix":{' +
        '"10.0.0.2":{"10.0.0.2":true,"b/x":false,"10.0.0.1":false},' +
        '"b/x":{"10.0.0.2":true,"b/x":true,"10.0.0.1":false},' +
        '"10.0.0.1":{"10.0.0.2":true,"b/x":false,"10.0.0.1":true}}}]}\n',
    );
  });
  it('prints an empty port list as {"ports":[]}', () => {
    assert.equal(formatMatrixJson({ endpoints: [], ports: [] }), '{"ports":[]}\n');
  });
});

describe('reach -o table', () => {
  it('numbers 12 columns vertically, in blocks of five, and marks externals and hostNetwork pods', () => {
    const endpoints = [
      ...Array.from({ length: 10 }, (_, i) => pod('ns', `p${i + 1}`, `10.0.0.${i + 1}`)),
      pod('kube-system', 'agent', '192.168.0.1', true),
      external('203.0.113.1'),
    ];
    // Only the diagonal and column 12 (the external) are allowed.
    const m = matrixOf(12, (i, j) => i === j || j === 11);
    const out = formatMatrixTable({ endpoints, ports: [{ query: { protocol: 'TCP', port: 80 }, matrix: m }] });
    const lines = out.split('\n');
    assert.equal(lines[0], '80/TCP: 23 of 144 connections allowed (row = source, column = destination; . allowed, X denied)');
    const pad = ' '.repeat(lines[4].indexOf('.XXXX'));
    assert.equal(lines[2], `${pad}          1 11`);
    assert.equal(lines[3], `${pad}12345 67890 12`);
    assert.equal(lines[4], `  1  ns/p1              10.0.0.1                   .XXXX XXXXX X.`);
    assert.equal(lines[14], ` 11  kube-system/agent  192.168.0.1 (hostNetwork)  XXXXX XXXXX ..`);
    assert.equal(lines[15], ` 12  203.0.113.1        (external)                 XXXXX XXXXX X.`);
  });

  it('groups by namespace with allowed/total cells when asked, and . / X for all or none', () => {
    const endpoints = [pod('a', '1', '10.0.0.1'), pod('a', '2', '10.0.0.2'), pod('b', '1', '10.0.1.1'), external('203.0.113.1')];
    // a -> a: everything; a -> b: only a/1; b -> anything: nothing but itself; external -> a: all.
    const m = matrixOf(4, (i, j) => i === j || (i < 2 && j < 2) || (i === 0 && j === 2) || (i === 3 && j < 2));
    const out = formatMatrixTable({ endpoints, ports: [{ query: { protocol: 'TCP', port: 443 }, matrix: m }] }, { gridMaxEndpoints: 0 });
    const rows = out.split('\n').filter((l) => /^ \d /.test(l));
    assert.deepEqual(rows, [
      ' 1  a (2)           .   1/2 X',
      ' 2  b (1)           X   .   X',
      ' 3  (external) (1)  .   X   .',
    ]);
    const lines = formatMatrixTable({ endpoints, ports: [{ query: { protocol: 'TCP', port: 443 }, matrix: m }] }, { gridMaxEndpoints: 0, groupGridMax: 1 });
    assert.match(lines, /\n {2}a \(2\): all allowed to 1, all denied to 1, partly to 1: b 1\/2\n/);
  });

  it('says so when there is no endpoint', () => {
    assert.match(formatMatrixTable({ endpoints: [], ports: [] }), /no endpoints/);
  });
});

describe('reach -o csv and -o md', () => {
  it('csv has one row per pair and quotes what needs quoting', () => {
    const endpoints = [pod('a', 'x', '10.0.0.1'), external('10.0.0.2')];
    const csv = formatMatrixCsv({ endpoints, ports: [{ query: { protocol: 'SCTP', port: 9 }, matrix: matrixOf(2, (i, j) => i <= j) }] });
    assert.equal(csv, 'protocol,port,source,destination,allowed\nSCTP,9,a/x,a/x,true\nSCTP,9,a/x,10.0.0.2,true\nSCTP,9,10.0.0.2,a/x,false\nSCTP,9,10.0.0.2,10.0.0.2,true\n');
  });
  it('md is a table with numbered columns', () => {
    const endpoints = [pod('a', 'x', '10.0.0.1'), external('10.0.0.2')];
    const md = formatMatrixMarkdown({ endpoints, ports: [{ query: { protocol: 'TCP', port: 80 }, matrix: matrixOf(2, (i, j) => i <= j) }] });
    assert.match(md, /\| # \| source \| address \| 1 \| 2 \|\n\|---:\|---\|---\|:-:\|:-:\|\n\| 1 \| a\/x \| 10\.0\.0\.1 \| \. \| \. \|\n\| 2 \| 10\.0\.0\.2 \| \(external\) \| X \| \. \|/);
  });
});

describe('namespace groups', () => {
  it('counts each namespace pair of a matrix, across word boundaries, like a naive count', () => {
    const n = 100;
    const endpoints = Array.from({ length: n }, (_, i) => (i % 9 === 4 ? external(`192.0.2.${i}`) : pod(`ns${Math.floor(i / 30) % 3}`, `p${i}`, `10.0.0.${i}`)));
    const m = matrixOf(n, (i, j) => (i * 7 + j * 13) % 5 < 2);
    const groups = groupByNamespace(endpoints);
    const counts = groupCountsFromMatrix(m, groups);
    const inGroup = (g: number) => (i: number) => groups[g].ranges.some(([s, e]) => i >= s && i < e);
    for (let a = 0; a < groups.length; a++) {
      for (let b = 0; b < groups.length; b++) {
        let naive = 0;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (inGroup(a)(i) && inGroup(b)(j) && m.get(i, j)) naive++;
        assert.equal(counts.allowed(a, b), naive, `${groups[a].name} -> ${groups[b].name}`);
      }
    }
    assert.equal(counts.total, m.count());
  });
  it('groups endpoints by namespace, externals together, even when not contiguous', () => {
    const groups = groupByNamespace([pod('a', '1', '10.0.0.1'), external('1.1.1.1'), pod('a', '2', '10.0.0.2'), external('2.2.2.2')]);
    assert.deepEqual(groups.map((g) => [g.name, g.size, g.ranges]), [['a', 2, [[0, 1], [2, 3]]], ['(external)', 2, [[1, 2], [3, 4]]]]);
  });
  it('a cell is . when all are allowed, X when none, allowed/total otherwise', () => {
    assert.deepEqual([groupCell(4, 4), groupCell(0, 4), groupCell(3, 4)], ['.', 'X', '3/4']);
  });
});
