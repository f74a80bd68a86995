import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { yamlDocument } from '../../../src/realize/antrea/yaml-text.ts';

describe('the YAML writer', () => {
  it('writes values that read back exactly, quoting whatever a plain scalar would change', () => {
    const tricky = ['yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'null', '~', '123', '1e3', '0x1F', '1.0', '-x', '- x', 'a: b', 'a #b', '#c', '',
      ' lead', 'trail ', '*alias', '&anchor', '!tag', '%d', '@x', '`x', '"q"', "'s'", '{x}', '[x]', 'multi\nline', 'tab\tx', 'ünï', '10.0.0.0/8', 'fd00::/64', 'app.kubernetes.io/name', '5b1c3e44-93a5'];
    const value = {
      strings: tricky,
      map: Object.fromEntries(tricky.filter((t) => t !== '').map((t, i) => [t, i])),
      numbers: [0, 1, -1, 1.5, 10000, 4999.5],
      booleans: [true, false],
      empty: { list: [], map: {} },
      nested: [[1, [2, []]], { a: [{ b: {} }] }, []],
      list: [{ name: 'r', ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'UDP', port: 'dns' }] }],
    };
    const text = yamlDocument(value);
    assert.deepEqual(parse(text), value);
    assert.deepEqual(parse(text, { version: '1.1' }), value, 'also for YAML 1.1 readers (kubectl)');
  });

  it('leaves names and labels plain, and skips undefined fields', () => {
    assert.equal(yamlDocument({ kind: 'Tier', metadata: { name: 'nsx-category-emergency', x: undefined }, spec: { priority: 1 } }),
      'kind: Tier\nmetadata:\n  name: nsx-category-emergency\nspec:\n  priority: 1\n');
    const stream = `---\n${yamlDocument({ a: 1 })}---\n${yamlDocument({ b: [{ c: 'd' }] })}`;
    assert.deepEqual(parseAllDocuments(stream).map((d) => d.toJS()), [{ a: 1 }, { b: [{ c: 'd' }] }]);
  });
});
