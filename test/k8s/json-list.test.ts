// A JSON list read from bytes is parsed item by item (src/k8s/json-list.ts, parse-documents.ts): whatever the
// input, the objects, their lines and the problems must be exactly those of parsing the whole text at once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileBytes, FileChangedError, MemoryBytes } from '../../src/k8s/byte-source.ts';
import { countMembers, JsonItemSource, jsonListLayout, JsonListText } from '../../src/k8s/json-list.ts';
import { InvalidInputError, type InputProblem } from '../../src/k8s/invalid-input.ts';
import { loadClusterFromPaths, loadClusterFromTexts } from '../../src/k8s/load-cluster.ts';
import { parseDocuments, type RawObject } from '../../src/k8s/parse-documents.ts';
import { readInputsReporting, type InputText } from '../../src/k8s/read-inputs.ts';

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const bytesOf = (text: string) => new MemoryBytes(Buffer.from(text, 'utf8'));

function fromBytes(text: string): InputText {
  const problems: InputProblem[] = [];
  const [input] = readInputsReporting(['-'], problems, () => Buffer.from(text, 'utf8'));
  assert.deepEqual(problems, []);
  assert.ok(input.utf8, 'read as bytes');
  return input;
}

const PATHS: (string | number)[][] = [[], ['metadata', 'name'], ['metadata', 'labels', 'app'], ['spec'], ['spec', 'containers', 0, 'ports', 1], ['items', 1, 'metadata'], ['nope', 'x']];

function describeObjects(objects: readonly RawObject[]) {
  return objects.map((o) => ({
    kind: o.kind,
    apiVersion: o.apiVersion,
    body: o.body,
    file: o.source.file,
    line: o.source.line,
    lines: PATHS.map((p) => o.source.lineOf?.(p)),
  }));
}

/** Parses `text` both ways and checks they agree; says whether the item-by-item path was taken. */
function agree(text: string, what: string): boolean {
  const slow: InputProblem[] = [];
  const fast: InputProblem[] = [];
  const expected = parseDocuments({ name: '<stdin>', text }, slow);
  const got = parseDocuments(fromBytes(text), fast);
  assert.deepEqual(fast, slow, `${what}: problems`);
  assert.deepEqual(describeObjects(got), describeObjects(expected), `${what}: objects`);
  return got.length > 0 && got.every((o) => o.source instanceof JsonItemSource);
}

function randomItem(rnd: () => number, i: number, depth: number): unknown {
  const r = rnd();
  if (r < 0.05) return [1, 2];
  if (r < 0.08) return rnd() < 0.5 ? null : `item ${i}`;
  if (r < 0.12) return { apiVersion: 'v1', metadata: { name: `nokind-${i}` } };
  if (r < 0.15) return { kind: 'Pod', metadata: { name: `noversion-${i}` } };
  if (r < 0.2 && depth < 2) {
    const n = Math.floor(rnd() * 3);
    return { kind: rnd() < 0.5 ? 'List' : 'PodList', apiVersion: 'v1', items: Array.from({ length: n }, (_, k) => randomItem(rnd, k, depth + 1)) };
  }
  if (r < 0.22) return { kind: 'List', apiVersion: 'v1', items: null };
  const label = rnd() < 0.2 ? 'ünïcødé-✓' : `v${i}`;
  const pod: Record<string, unknown> = {
    apiVersion: 'v1',
    metadata: { name: `pod-${i}`, namespace: `ns-${i % 3}`, labels: { app: label, 'a/b': 'x "quoted" [brackets] {braces}, commas: colons' } },
    spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }, { containerPort: 8080 + i }] }] },
    status: { podIP: `10.0.${depth}.${i % 250}` },
  };
  if (rnd() < 0.8) pod.kind = 'Pod';
  return pod;
}

function randomList(rnd: () => number): string {
  const count = Math.floor(rnd() * 8);
  const kind = rnd() < 0.6 ? 'List' : 'PodList';
  const items = Array.from({ length: count }, (_, i) => randomItem(rnd, i, 0));
  const before: Record<string, unknown> = rnd() < 0.5 ? { apiVersion: 'v1', kind } : { kind };
  const after = rnd() < 0.5 ? { metadata: { resourceVersion: '123' } } : {};
  const list = { ...before, items, ...after };
  const style = rnd();
  if (style < 0.4) return JSON.stringify(list);
  if (style < 0.8) return JSON.stringify(list, null, rnd() < 0.5 ? 4 : 2);
  // Odd but legal white space: CRLF line ends and tabs.
  return `\r\n\t${JSON.stringify(list, null, '\t').replaceAll('\n', '\r\n')}\n\n`;
}

describe('JSON lists read item by item', () => {
  it('gives the objects, lines and problems of the whole parse, on random lists', () => {
    let fastPaths = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const text = randomList(random(seed));
      if (agree(text, `seed ${seed}`)) fastPaths++;
    }
    assert.ok(fastPaths > 150, `the item-by-item path was taken ${fastPaths} times`);
  });

  it('leaves to the whole parse what it cannot do alike, with the same messages', () => {
    const good = JSON.stringify({ kind: 'List', apiVersion: 'v1', items: [{ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'a' } }, { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'b' } }] }, null, 2);
    assert.equal(agree(good, 'good'), true);
    const cases: [string, string][] = [
      ['a duplicate key in an item', good.replace('"name": "b"', '"name": "b", "name": "c"')],
      ['a duplicate key in the list', good.replace('"apiVersion": "v1",\n  "items"', '"apiVersion": "v1", "kind": "PodList",\n  "items"')],
      ['two items members', good.replace(/\n}$/, ', "items": []\n}')],
      ['a trailing comma', good.replace(/}\n  ]/, '},\n  ]')],
      ['an empty element', good.replace('},\n    {', '},,\n    {')],
      ['YAML flow style in an item', good.replace('"kind": "Pod"', 'kind: "Pod"')],
      ['text after the list', `${good}\n{}`],
      ['a list that is no list kind', good.replace('"kind": "List"', '"kind": "Pod"')],
      ['items that are no array', JSON.stringify({ kind: 'List', items: { a: 1 } })],
      ['items null', JSON.stringify({ kind: 'List', items: null })],
      ['a bad escape', good.replace('"b"', '"\\q"')],
      ['a raw tab in a string', good.replace('"b"', '"\tb"')],
      ['a top-level array', JSON.stringify([{ kind: 'Pod' }])],
    ];
    for (const [what, text] of cases) assert.equal(agree(text, what), false, what);
  });

  it('finds the items of a list in its bytes, scalars and nested brackets in strings included', () => {
    const text = '{"kind": "List", "x": ["]", {"}": 1}], "items": [ 1 , "a]b" ,{"c":[{}]}, null\n,true ], "y": 2}';
    const layout = jsonListLayout(bytesOf(text));
    assert.ok(layout);
    const items = [...layout.starts].map((s, i) => text.slice(s, layout.ends[i]));
    assert.deepEqual(items, ['1', '"a]b"', '{"c":[{}]}', 'null', 'true']);
    assert.deepEqual([...layout.lines], [1, 1, 1, 1, 2]);
    assert.deepEqual([...layout.colons], [0, 0, 1, 0, 0]);
    const members = '{"kind": "List", "items": [{"a": {"b": [{"c": 1, "d": ":"}, {}]}, "e": null}, {"a": 1, "a": 2}]}';
    const both = jsonListLayout(bytesOf(members));
    assert.ok(both);
    const counted = [...both.starts].map((s, i) => countMembers(JSON.parse(members.slice(s, both.ends[i]))));
    assert.deepEqual(counted, [5, 1], 'a repeated key is one member');
    assert.deepEqual([...both.colons], [5, 2]);
    assert.equal(jsonListLayout(bytesOf('{"items": [1, 2]')), undefined, 'unterminated');
    assert.equal(jsonListLayout(bytesOf('{"kind": "List"}')), undefined, 'no items');
  });

  it('loads a file to the same cluster, warnings and errors as its text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'np2dfw-json-list-'));
    try {
      const ok = JSON.stringify({
        kind: 'List',
        apiVersion: 'v1',
        items: [
          { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'n', labels: { team: 'ä' } } },
          { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', namespace: 'n', labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }] }, status: { podIP: '10.0.0.1', phase: 'Running' } },
          { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', metadata: { name: 'np', namespace: 'n' }, spec: { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] } },
          { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm', namespace: 'n' } },
        ],
      }, null, 4);
      const bad = ok.replace('"podSelector": {}', '"podSelector": {"matchLabels": {"app": "-bad-"}}').replace('"10.0.0.1"', '"10.0.0.01"');
      // An item that repeats a key, after objects already decoded (and warned about): the whole parse reports it.
      const repeated = bad.replace('"name": "cm"', '"name": "cm", "name": "cm2"');
      // YAML flow style in the last item: not JSON after all, the general parser reads it.
      const yaml = ok.replace('"kind": "ConfigMap"', 'kind: ConfigMap');
      for (const text of [ok, bad, repeated, yaml]) {
        const file = join(dir, 'cluster.json');
        writeFileSync(file, text);
        const outcome = (load: (onWarning: (w: string) => void, onSkipped: (s: string) => void) => unknown) => {
          const said: string[] = [];
          try {
            return { cluster: JSON.stringify(load((w) => said.push(w), (s) => said.push(s))), said };
          } catch (e) {
            assert.ok(e instanceof InvalidInputError, String(e));
            return { problems: e.problems, said };
          }
        };
        const fromFile = outcome((onWarning, onSkipped) => loadClusterFromPaths([file], { onWarning, onSkipped }));
        const fromText = outcome((onWarning, onSkipped) => loadClusterFromTexts([{ name: file, text }], { onWarning, onSkipped }));
        assert.deepEqual(fromFile, fromText);
        if (text === repeated) assert.match(JSON.stringify(fromFile), /duplicate field \\"name\\"/);
        if (text === bad) assert.ok(fromFile.said.length > 0, 'a warning');
        if (text === yaml) assert.match(JSON.stringify(fromFile), /skipped 1 ConfigMap/);
        if (text === bad) assert.ok(fromFile.problems && fromFile.problems.length > 0 && fromFile.problems.every((p) => p.line && p.line > 1));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('files read through a small window', () => {
  const withFile = (content: Uint8Array | string, use: (file: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'np2dfw-window-'));
    try {
      const file = join(dir, 'input.json');
      writeFileSync(file, content);
      use(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const read = (file: string, windowBytes?: number) => {
    const problems: InputProblem[] = [];
    const inputs = readInputsReporting([file], problems, undefined, { windowBytes });
    return { problems, inputs };
  };

  it('finds the same items, lines and member counts at every window size', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const text = randomList(random(seed)).replaceAll('pod-', 'pød-\\"\\\\-');
      const bytes = Buffer.from(text, 'utf8');
      const expected = jsonListLayout(new MemoryBytes(bytes));
      withFile(bytes, (file) => {
        for (const size of [1, 2, 3, 5, 7, 64, 1000]) {
          const source = new FileBytes(file, statSync(file), size);
          const got = jsonListLayout(source);
          assert.deepEqual(got, expected, `seed ${seed}, window ${size}`);
          if (!got) continue;
          const list = new JsonListText(source, false, got);
          const whole = new JsonListText(new MemoryBytes(bytes), false, got);
          for (let i = 0; i < list.count; i++) assert.equal(list.item(i), whole.item(i));
        }
      });
    }
  });

  it('checks UTF-8 and control characters across window ends as a whole read does', () => {
    const text = `{"kind": "List", "items": [{"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "n", "labels": {"a": "ünï€𝄞ø"}}}]}\n`;
    const good = Buffer.from(text, 'utf8');
    const cases: [string, Uint8Array][] = [
      ['good', good],
      ['a bad byte', Buffer.concat([good.subarray(0, 80), Buffer.from([0xff]), good.subarray(80)])],
      ['a cut character at the end', Buffer.concat([good, Buffer.from([0xe2, 0x82])])],
      ['a control character', Buffer.from(text.replace('"n"', '"\n\u0001n"'), 'utf8')],
      ['a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), good])],
      ['UTF-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ];
    for (const [what, bytes] of cases) {
      withFile(bytes, (file) => {
        const whole = read(file, 1 << 30);
        for (const size of [1, 2, 3, 4, 5, 16, 81]) {
          const got = read(file, size);
          assert.deepEqual(got.problems, whole.problems, `${what}, window ${size}`);
          assert.deepEqual(got.inputs.map((i) => [i.name, i.text, i.ascii]), whole.inputs.map((i) => [i.name, i.text, i.ascii]), `${what}, window ${size}`);
          // A good file is checked through the window (characters cut by a window's end carried over), not whole.
          if (what === 'good') assert.ok(got.inputs[0].utf8 instanceof FileBytes, `window ${size}`);
        }
        if (what === 'good') assert.equal(whole.inputs[0].ascii, false);
        if (what !== 'good' && what !== 'a BOM' && what !== 'UTF-16') assert.equal(whole.inputs.length, 0, what);
      });
    }
  });

  it('refuses a file that changes while it is read', () => {
    withFile('{"kind": "List", "items": []}', (file) => {
      const source = new FileBytes(file, statSync(file), 4);
      assert.equal(source.window(0).bytes.length, 4);
      writeFileSync(file, '{"kind": "List", "items": [1]}');
      assert.throws(() => source.window(8), FileChangedError);
    });
    withFile(JSON.stringify({ kind: 'List', items: [{ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'a' } }] }), (file) => {
      const { inputs } = read(file, 16);
      writeFileSync(file, JSON.stringify({ kind: 'List', items: [{ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'bb' } }] }));
      assert.throws(() => loadClusterFromTexts(inputs), (e) => e instanceof InvalidInputError && e.problems.length === 1 && e.problems[0].file === file && /changed while np2dfw read it/.test(e.problems[0].message));
    });
  });
});
