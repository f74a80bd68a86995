// reach -o connlist, reach --summary and diff agree with the matrices they summarise.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReachJson, REPO_ROOT, runNp2dfwInProcess } from './run-cli.ts';

process.chdir(REPO_ROOT);
const externals = ['--external', '203.0.113.10', '--external', '198.51.100.20'];
const ports = ['--port', '53/UDP', '--port', '8080', '--port', '8081', '--port', '9090', '--port', '443'];

describe('reach views', () => {
  it('connlist lists exactly the allowed pairs of reach -o json (no self, no outside-to-outside), ports merged', async () => {
    const json = parseReachJson((await runNp2dfwInProcess(['reach', '-f', 'examples/shop', ...externals, ...ports, '-o', 'json'])).stdout);
    const expected = new Map<string, string[]>();
    for (const [port, { order, matrix }] of json) {
      for (const src of order) {
        for (const dst of order) {
          const external = (id: string) => !id.includes('/');
          if (src === dst || (external(src) && external(dst)) || !matrix[src][dst]) continue;
          const key = `${src} => ${dst}`;
          expected.set(key, [...(expected.get(key) ?? []), port]);
        }
      }
    }
    const r = await runNp2dfwInProcess(['reach', '-f', 'examples/shop', ...externals, ...ports, '-o', 'connlist']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, expected.size);
    for (const line of lines) {
      const [pair, text] = line.split(' : ');
      const want = expected.get(pair);
      assert.ok(want, `${pair} is not allowed on any port`);
      const listed = text.split('; ').flatMap((part) => {
        const [protocol, list] = part.split(' ');
        return list.split(',').flatMap((x) => {
          const [a, b] = x.split('-').map(Number);
          return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => `${a + i}/${protocol}`);
        });
      });
      assert.deepEqual(listed.sort(), [...want].sort(), line);
    }
  });

  it('the summary counts per namespace pair add up to the matrices\' allowed connections', async () => {
    const json = parseReachJson((await runNp2dfwInProcess(['reach', '-f', 'examples/shop', ...externals, ...ports, '-o', 'json'])).stdout);
    let allowed = 0;
    let total = 0;
    for (const { order, matrix } of json.values()) for (const s of order) for (const d of order) { total++; if (matrix[s][d]) allowed++; }
    const r = await runNp2dfwInProcess(['reach', '-f', 'examples/shop', ...externals, ...ports, '--summary', '-o', 'json']);
    const pairs = (JSON.parse(r.stdout) as { pairs: { allowed: number; denied: number }[] }).pairs;
    assert.equal(pairs.reduce((n, p) => n + p.allowed, 0), allowed);
    assert.equal(pairs.reduce((n, p) => n + p.allowed + p.denied, 0), total);
  });

  it('diff BEFORE -> AFTER and AFTER -> BEFORE list the same connections with the verdicts swapped', async () => {
    const after = ['-f', 'examples/shop/namespaces.yaml', '-f', 'examples/shop/pods.yaml', '-f', 'test/golden/diff/shop-after'];
    const forth = await runNp2dfwInProcess(['diff', '-f', 'examples/shop', '--to', 'test/golden/diff/shop-after', '-o', 'json']);
    const back = await runNp2dfwInProcess(['diff', ...after, '--to', 'examples/shop', '-o', 'json']);
    assert.equal(forth.code, 1);
    assert.equal(back.code, 1);
    type Doc = { groups: { before: { allowed: boolean }; connections: { source: string; destination: string; ports: string }[] }[] };
    const rows = (d: Doc, flip: boolean) => d.groups.flatMap((g) => g.connections.map((c) => `${c.source} => ${c.destination} : ${c.ports} ${g.before.allowed !== flip}`)).sort();
    assert.deepEqual(rows(JSON.parse(forth.stdout) as Doc, false), rows(JSON.parse(back.stdout) as Doc, true));
  });

  it('diff of a form with itself changes nothing and exits 0', async () => {
    const r = await runNp2dfwInProcess(['diff', '-f', 'examples/seed-003', '--to', 'examples/seed-003', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).groups, []);
  });
});
