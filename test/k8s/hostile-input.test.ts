import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { InvalidInputError, type InputProblem } from '../../src/k8s/invalid-input.ts';
import { loadClusterFromPaths, loadClusterFromTexts } from '../../src/k8s/load-cluster.ts';
import { MAX_ALIASES, MAX_NESTING, MAX_YAML_CHARS } from '../../src/k8s/parse-documents.ts';

const dir = mkdtempSync(join(tmpdir(), 'np2dfw-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Loads, expecting a clean InvalidInputError; returns its problems and how long it took. The time bounds are
 * generous (a loaded 2-core CI machine): they catch a parser that hangs on hostile input, not a slow one.
 */
function refused(run: () => unknown): { problems: InputProblem[]; ms: number } {
  const t0 = performance.now();
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof InvalidInputError, `expected InvalidInputError, got ${(e as Error)?.stack}`);
    return { problems: [...e.problems], ms: performance.now() - t0 };
  }
  assert.fail('the input was accepted');
}

const fromText = (text: string, name = 'hostile.yaml') => () => loadClusterFromTexts([{ name, text }]);

describe('hostile or broken input is refused with one clear message', () => {
  test('an alias bomb (billion laughs)', () => {
    let text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    let prev = 'a';
    for (const n of 'bcdefghi') {
      text += `  ${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
      prev = n;
    }
    const { problems, ms } = refused(fromText(text));
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, `refused: document 1 expands too many aliases (more than ${MAX_ALIASES}), as an alias bomb does`);
    assert.ok(ms < 30_000, `took ${ms} ms`);
  });

  test('an alias to another document is an error, not taken for a bomb', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: &l {team: x}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b, labels: *l}\n';
    const { problems } = refused(fromText(text));
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /^document 2: Unresolved alias/);
  });

  test('a few aliases are fine', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n    labels: &l {team: x}\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: b\n    labels: *l\n';
    const cluster = loadClusterFromTexts([{ name: 'a.yaml', text }]);
    assert.equal(cluster.namespaces.get('b')!.labels.team, 'x');
  });

  for (const [name, text] of [
    ['100000 nested [', '['.repeat(100_000)],
    ['100000 nested { a:', '{a: '.repeat(100_000) + '1' + '}'.repeat(100_000)],
    ['100000 nested - on one line', '- '.repeat(100_000) + 'x'],
  ] as const) {
    test(`deep nesting: ${name}`, () => {
      const { problems, ms } = refused(fromText(text));
      assert.deepEqual(problems.map((p) => p.message), [`refused: nested more than ${MAX_NESTING} levels deep; no Kubernetes object is`]);
      assert.ok(ms < 20_000, `took ${ms} ms`);
    });
  }

  test('deep nesting by indentation', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n';
    const { problems, ms } = refused(fromText(text));
    assert.deepEqual(problems.map((p) => p.message), ['refused: document 1 is nested too deeply to parse']);
    assert.ok(ms < 30_000, `took ${ms} ms`);
  });

  test('deep nesting in JSON: parsed without recursion, then refused as no object', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000);
    const { problems } = refused(fromText(text, 'deep.json'));
    assert.deepEqual(problems.map((p) => p.message), ['the JSON document is not a Kubernetes object (expected a mapping with apiVersion and kind)']);
  });

  test('Lists nested in Lists without end', () => {
    const text = '{"kind":"List","items":['.repeat(10_000) + ']}'.repeat(10_000);
    const { problems } = refused(fromText(text, 'lists.json'));
    assert.deepEqual(problems.map((p) => p.message), ['refused: lists nested more than 8 deep']);
  });

  test('a huge YAML document the general parser would need is refused before parsing, pointing to JSON', () => {
    // An anchor keeps it from the fast reader.
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata: &m {name: a}\ndata: "' + 'x'.repeat(MAX_YAML_CHARS) + '"\n';
    const { problems, ms } = refused(fromText(text));
    assert.equal(problems.length, 1);
    assert.equal(problems[0].line, 1);
    assert.match(problems[0].message, /^refused: \d+ characters of YAML beyond what np2dfw reads fast, more than the \d+ it parses in full; give it JSON \(kubectl get -o json\) for larger inputs$/);
    assert.ok(ms < 20_000, `took ${ms} ms`);
  });

  test('a YAML document too large for the general parser, with an error: js-yaml\'s reason, at its line', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\ndata: "' + 'x'.repeat(MAX_YAML_CHARS) + '"\nmetadata: {}\n';
    const { problems, ms } = refused(fromText(text));
    assert.deepEqual(problems.map((p) => [p.line, p.message]), [[6, 'YAML: duplicated mapping key']]);
    assert.ok(ms < 20_000, `took ${ms} ms`);
  });

  test('a large YAML stream in the form kubectl prints is read whole, fast', () => {
    const pod = (i: number) => `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\n  namespace: ns${i % 50}\n  labels:\n    app: a${i % 7}\nspec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: 8080\n      name: http\nstatus:\n  podIP: 10.0.${i >> 8}.${i & 255}\n`;
    const text = Array.from({ length: 20_000 }, (_, i) => pod(i)).join('');
    const t0 = performance.now();
    const cluster = loadClusterFromTexts([{ name: 'pods.yaml', text }]);
    const ms = performance.now() - t0;
    assert.equal(cluster.pods.length, 20_000);
    assert.equal(cluster.namespaces.size, 50);
    assert.ok(ms < 20_000, `took ${ms} ms`); // the general parser alone takes about a minute here
  });

  test('a non-UTF-8 file', () => {
    const file = join(dir, 'latin1.yaml');
    writeFileSync(file, Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xe9, 0xe8, 0x0a]));
    const { problems } = refused(() => loadClusterFromPaths([file]));
    assert.deepEqual(problems, [{ file, path: [], message: 'refused: not UTF-8 text (a binary file?); np2dfw reads YAML and JSON' }]);
  });

  test('a binary file', () => {
    const file = join(dir, 'image.yaml');
    writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    const { problems } = refused(() => loadClusterFromPaths([file]));
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /^refused: /);
    const nul = join(dir, 'nul.yaml');
    writeFileSync(nul, 'apiVersion: v1\nkind: Namespace\u0000\n');
    assert.deepEqual(refused(() => loadClusterFromPaths([nul])).problems, [{ file: nul, line: 2, path: [], message: 'refused: control character U+0000 (a binary file?); np2dfw reads YAML and JSON text' }]);
  });

  test('UTF-16 with a byte order mark is read (Windows editors write it)', () => {
    const file = join(dir, 'utf16.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n', 'utf16le')]));
    assert.ok(loadClusterFromPaths([file]).namespaces.has('a'));
  });

  test('a folder of junk: every bad file reported, other files and sub-folders ignored', () => {
    const junk = join(dir, 'junk');
    mkdirSync(junk);
    mkdirSync(join(junk, 'nested.yaml'));
    writeFileSync(join(junk, 'a.yaml'), 'key: [unclosed\n');
    writeFileSync(join(junk, 'b.json'), '{"apiVersion": "v1", "kind": ');
    writeFileSync(join(junk, 'c.yml'), 'just a string\n');
    writeFileSync(join(junk, 'd.yaml'), Buffer.from([0xff, 0x00, 0xfe]));
    writeFileSync(join(junk, 'notes.txt'), 'not read');
    const warnings: string[] = [];
    const { problems } = refused(() => loadClusterFromPaths([junk], { onWarning: (w) => warnings.push(w) }));
    const files = [...new Set(problems.map((p) => p.file))].sort();
    // c.yml is YAML that holds no Kubernetes object: in a folder, skipped with a warning, not refused.
    assert.deepEqual(files, ['a.yaml', 'b.json', 'd.yaml'].map((f) => join(junk, f)));
    assert.ok(problems.every((p) => p.message.length > 0 && !/undefined/.test(p.message)));
    assert.deepEqual(warnings, [`${join(junk, 'c.yml')}: skipped: holds no Kubernetes object (document 1 is not a Kubernetes object (expected a mapping with apiVersion and kind))`]);
  });

  test('a folder without manifests', () => {
    const empty = join(dir, 'empty-folder');
    mkdirSync(empty);
    writeFileSync(join(empty, 'README.md'), '# nothing');
    assert.deepEqual(refused(() => loadClusterFromPaths([empty])).problems, [{ file: empty, path: [], message: 'the folder holds no .yaml, .yml or .json file' }]);
  });

  test('an empty file, or one with only comments and separators', () => {
    for (const text of ['', '\n\n', '# nothing here\n---\n---\n']) {
      assert.deepEqual(refused(fromText(text, 'empty.yaml')).problems, [{ file: 'empty.yaml', path: [], message: 'the input holds no Kubernetes object (it is empty)' }]);
    }
  });

  test('a missing path', () => {
    assert.deepEqual(refused(() => loadClusterFromPaths([join(dir, 'nope.yaml')])).problems, [{ file: join(dir, 'nope.yaml'), path: [], message: 'no such file or directory' }]);
  });

  test('duplicate keys in YAML and in JSON', () => {
    const yaml = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n';
    const y = refused(fromText(yaml)).problems;
    assert.equal(y.length, 1);
    assert.equal(y[0].line, 5);
    assert.match(y[0].message, /^YAML: Map keys must be unique/);
    const json = '{\n "apiVersion": "v1",\n "kind": "Namespace",\n "metadata": {"name": "a", "labels": {"x": "1"}},\n "metadata": {"name": "b"}\n}';
    assert.deepEqual(refused(fromText(json, 'dup.json')).problems, [{ file: 'dup.json', line: 5, path: [], message: 'duplicate field "metadata": a key may appear once in an object' }]);
  });

  test('many syntax errors are capped', () => {
    const text = Array.from({ length: 200 }, (_, i) => `k${i}: [\n`).join('') + '\t\t: :\n';
    const { problems } = refused(fromText(text));
    assert.ok(problems.length <= 21, `${problems.length} problems`);
  });
});
