import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { BAIL, readFastYaml } from '../../src/k8s/yaml-fast.ts';
import { dedent } from './load-helpers.ts';

/** What the general parser makes of one document, as np2dfw runs it (YAML 1.1); 'ERROR' when it refuses it. */
function library(text: string): unknown {
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.some((d) => d.errors.length)) return 'ERROR';
  return list[0]?.contents === null || list.length === 0 ? undefined : list[0].toJS();
}

/** Asserts the fast reader takes `text` and agrees with the general parser. */
function same(text: string): unknown {
  const fast = readFastYaml(text);
  assert.notEqual(fast, BAIL, `the fast reader bailed on:\n${text}`);
  assert.deepEqual(fast, library(text));
  return fast;
}

describe('the fast YAML reader', () => {
  test('block mappings, sequences (indented or not), compact items, comments', () => {
    const v = same(dedent(`
      # leading comment
      apiVersion: v1
      kind: Pod
      metadata:
        name: web   # trailing comment
        labels:
          app: web
          "quoted key": 'it''s'
      spec:
        containers:
        - name: a
          ports:
            - containerPort: 80
              name: http
        - name: b
          args:
          - --config=/etc/x
          - -v
        empty:
        list: []
        map: {}
    `));
    assert.deepEqual((v as { spec: { containers: unknown[] } }).spec.containers[1], { name: 'b', args: ['--config=/etc/x', '-v'] });
  });

  test('scalars resolve as YAML 1.1: yes/on/y are booleans, ~ and empty are null, plain integers are numbers', () => {
    const v = same('a: yes\nb: Off\nc: y\nd: ~\ne:\nf: 8080\ng: "8080"\nh: 10.0.0.1\ni: ::/0\nj: 0\nk: true\nl: fd00::/8\nm: nginx:1.27\n');
    assert.deepEqual(v, { a: true, b: false, c: true, d: null, e: null, f: 8080, g: '8080', h: '10.0.0.1', i: '::/0', j: 0, k: true, l: 'fd00::/8', m: 'nginx:1.27' });
  });

  test('keys as the parser gives them: managedFields keys, `.` (NaN) and `y` (true)', () => {
    const v = same('f:metadata:\n  .: {}\n  k:{"containerPort":80,"protocol":"TCP"}: {}\ny: 1\n');
    assert.deepEqual(Object.keys(v as object), ['f:metadata', 'true']);
  });

  test('quoted scalars with JSON escapes, literal block scalars', () => {
    const v = same(dedent(`
      a: "tab\\tquote\\" slash\\/ \\u00e9"
      b: 'single ''quoted'''
      last-applied: |
        {"a": 1}
          indented # not a comment
      stripped: |-
        x

      after: 1
    `));
    assert.deepEqual(v, { a: 'tab\tquote" slash/ é', b: "single 'quoted'", 'last-applied': '{"a": 1}\n  indented # not a comment\n', stripped: 'x', after: 1 });
  });

  test('one-line flow collections', () => {
    same('a: [1, two, "three", {k: v}, []]\nb: {app: web, "x": [a, b], n: null}\nc: [{ip: 10.0.0.1}, {ip: "fd00::1"}]\n');
  });

  test('everything else is left to the general parser', () => {
    for (const text of [
      'a: &x 1\nb: *x\n', // anchors, aliases
      'a: !!str 1\n', // tags
      'a: >\n  folded\n', // folded scalar
      'a: |2\n   x\n', // indentation indicator
      'a: plain\n  continued\n', // multi-line plain
      'a: "multi\n  line"\n', // multi-line quoted
      'a: [1,\n  2]\n', // multi-line flow
      'a: 1\na: 2\n', // duplicate keys
      'a: 1.5\n', 'a: 0x1F\n', 'a: 0777\n', 'a: 1_000\n', 'a: -5\n', 'a: 2024-05-01\n', 'a: 12:30\n', 'a: .inf\n', // typed scalars
      '<<: {a: 1}\n', // merge key
      '? complex\n: key\n',
      'a:\tb\n', // tab
      '- a\n- b\n', 'just a string\n', // not a mapping at the root
      'a: b: c\n', 'a: "x" # comment\n', 'a: "\\x41"\n', '{a: 1}: b\n', 'a: [1, 2,]\n', 'a: {b: }\n',
      'a:\n  - x\n - y\n', // bad indentation
    ]) {
      assert.equal(readFastYaml(text), BAIL, text);
    }
    assert.equal(readFastYaml('# only a comment\n\n'), undefined);
  });

  test('agrees with the general parser on every YAML file of the repository it takes', () => {
    const root = join(import.meta.dirname, '..', '..');
    const files = [
      ...readdirSync(join(root, 'examples'), { recursive: true, encoding: 'utf8' }).map((f) => join(root, 'examples', f)),
      ...readdirSync(join(import.meta.dirname, 'fixtures'), { recursive: true, encoding: 'utf8' }).map((f) => join(import.meta.dirname, 'fixtures', f)),
    ].filter((f) => /\.ya?ml$/.test(f) && !f.includes('sub.yaml'));
    let fast = 0;
    for (const f of files) {
      for (const chunk of readFileSync(f, 'utf8').split(/^---[ \t]*$/m)) {
        const got = readFastYaml(chunk);
        if (got === BAIL) continue;
        fast++;
        assert.ok(isDeepStrictEqual(got, library(chunk)), `${f}: differs from the general parser`);
      }
    }
    assert.ok(fast >= 10, `only ${fast} documents taken`);
  });

  test('agrees with the general parser on generated documents (seeded)', () => {
    let seed = 20261122;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pick = <T,>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
    const strings = ['yes', 'no', 'y', 'On', '1.27', '10.0.0.1', '10.0.0.0/8', '::/0', ':x', '-x', '--a=b', 'a:', 'a: b', '#x', 'x #y', "it's", '"d"', '',
      ' lead', 'trail ', '-', '- a', 'k8s.io/x', '@x', 'multi\nline', 'multi\nline\n', 'tab\tx', 'null', '~', '0777', '1_000', '2024-01-01', '.', '<<',
      '%x', '[a]', '{a}', 'a,b', 'héllo', 'http://x:80/y', '12:30', '0x1F', '1e3', '-5', '.inf', 'key=value', '*a', '&a', '!t', '|', '>', '?', 'x\\y',
      'a"b', "a'b", 'k:{"p":1}', 'long '.repeat(20)];
    const keys = ['app', 'name', 'f:spec', '.', 'k:{"containerPort":80}', 'kubernetes.io/metadata.name', 'x y', 'y', 'on', '80', '-k', ':k', 'k:', '"q"', 'null', ''];
    const value = (d: number): unknown => {
      const r = rnd();
      if (d > 4 || r < 0.45) {
        const s = rnd();
        return s < 0.7 ? pick(strings) : s < 0.8 ? Math.floor(rnd() * 100000) : s < 0.85 ? rnd() * 10 : s < 0.93 ? rnd() < 0.5 : null;
      }
      if (r < 0.7) return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [pick(keys), value(d + 1)]));
      return Array.from({ length: Math.floor(rnd() * 4) }, () => value(d + 1));
    };
    const styles = [{}, { collectionStyle: 'flow' }, { lineWidth: 20 }, { indentSeq: false }, { defaultStringType: 'QUOTE_DOUBLE' }, { defaultStringType: 'QUOTE_SINGLE' }, { indent: 4 }] as const;
    let fast = 0;
    for (let n = 0; n < 1500; n++) {
      const root = Object.fromEntries([['apiVersion', 'v1'], ['kind', 'X'], ...Array.from({ length: 3 }, () => [pick(keys), value(0)])]);
      let text = stringify(root, pick(styles));
      if (rnd() < 0.2) text = text.replace(/\n/g, '  # c\n');
      const got = readFastYaml(text);
      if (got === BAIL) continue;
      fast++;
      assert.ok(isDeepStrictEqual(got, library(text)), `differs from the general parser on:\n${text}`);
    }
    assert.ok(fast > 300, `only ${fast} of 1500 documents taken`);
  });
});
