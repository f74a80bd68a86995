import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { duplicateJsonKeys, jsonArrayItemOffsets, jsonPlace, LineTable } from '../../src/k8s/json-text.ts';
import { nestingDepthExceeds } from '../../src/k8s/nesting-depth.ts';

const TEXT = '{\n "a": {"b": [1, {"c": "x\\"}]"}, 3]},\n "d": []\n}';

describe('JSON text scanning', () => {
  test('jsonPlace follows a path, skipping siblings and strings with brackets', () => {
    const lines = new LineTable(TEXT);
    assert.equal(TEXT.slice(jsonPlace(TEXT, ['a', 'b', 1, 'c']).at).startsWith('"c"'), true);
    assert.equal(TEXT.slice(jsonPlace(TEXT, ['a', 'b', 2]).value, jsonPlace(TEXT, ['a', 'b', 2]).value + 1), '3');
    assert.equal(lines.lineOf(jsonPlace(TEXT, ['d']).at), 3);
    const missing = jsonPlace(TEXT, ['a', 'zz']);
    assert.equal(missing.value, -1);
    assert.equal(TEXT.slice(missing.at).startsWith('"a"'), true, 'the deepest ancestor found');
    assert.equal(jsonPlace(TEXT, ['a', 'b', 9]).value, -1);
  });

  test('array item offsets in one pass', () => {
    const text = '[ {"x": [1,2]}, "s,]", 3 ]';
    assert.deepEqual(jsonArrayItemOffsets(text, 0).map((o) => text[o]), ['{', '"', '3']);
    assert.deepEqual(jsonArrayItemOffsets('[]', 0), []);
  });

  test('duplicate keys, per object, not across objects', () => {
    assert.deepEqual(duplicateJsonKeys('{"a": 1, "b": {"a": 2}, "c": [{"a": 1}, {"a": 2}]}'), []);
    const text = '{"a": 1, "b": {"x": 1, "x": 2}, "a": 3}';
    assert.deepEqual(duplicateJsonKeys(text), [{ key: 'x', offset: text.indexOf('"x": 2') }, { key: 'a', offset: text.lastIndexOf('"a"') }]);
    const wide = `{${Array.from({ length: 100 }, (_, i) => `"k${i}": ${i}`).join(', ')}, "k7": 0}`;
    assert.deepEqual(duplicateJsonKeys(wide).map((d) => d.key), ['k7']);
    assert.deepEqual(duplicateJsonKeys('{"v": "\\"a\\": 1, \\"a\\": 2"}'), [], 'keys inside string values do not count');
  });

  test('line table', () => {
    const t = new LineTable('a\nb\n\nc');
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((o) => t.lineOf(o)), [1, 1, 2, 2, 3, 4, 4]);
  });
});

describe('nesting guard', () => {
  test('flow brackets beyond the limit', () => {
    assert.equal(nestingDepthExceeds('['.repeat(11), 10), true);
    assert.equal(nestingDepthExceeds('[]'.repeat(1000), 10), false);
    assert.equal(nestingDepthExceeds('{a: [b, {c: d}]}', 2), true);
  });

  test('brackets in quoted strings and comments do not count; quotes inside words do not open strings', () => {
    assert.equal(nestingDepthExceeds(`a: "${'['.repeat(50)}"\nb: '${'{'.repeat(50)}' # ${'['.repeat(50)}`, 10), false);
    assert.equal(nestingDepthExceeds(`msg: don't\n${'['.repeat(20)}`, 10), true);
  });

  test('block sequences opened on one line', () => {
    assert.equal(nestingDepthExceeds(`${'- '.repeat(11)}x`, 10), true);
    assert.equal(nestingDepthExceeds('- - x\n- - y\n', 10), false);
  });
});
