// The fast path's building blocks: class sets, address atoms, the label index.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressAtoms } from '../../../src/evaluate/kubernetes/address-atoms.ts';
import { ALL_CLASSES, classSetOf, hasClass, unionOf } from '../../../src/evaluate/kubernetes/class-set.ts';
import { ClassListsBuilder } from '../../../src/evaluate/kubernetes/class-lists.ts';
import { LabelIndex } from '../../../src/evaluate/kubernetes/label-index.ts';
import { SELECT_ALL, selectorMatches, type LabelSelector } from '../../../src/k8s/labels.ts';
import { createPrng } from '../../../testing/synthetic/prng.ts';
import { parseCidrWithExcept } from '../../../src/net/cidr.ts';
import { addressValue } from '../../../src/net/ip-address.ts';

describe('class sets', () => {
  it('sorts, deduplicates, and answers membership sparse and dense', () => {
    const sparse = classSetOf([9, 3, 3, 700], 100_000);
    assert.deepEqual([...sparse.ids], [3, 9, 700]);
    assert.equal(sparse.bits, undefined);
    const dense = classSetOf([9, 3, 3, 70], 100);
    assert.ok(dense.bits);
    for (const s of [sparse, dense]) {
      assert.equal(hasClass(s, 3), true);
      assert.equal(hasClass(s, 9), true);
      assert.equal(hasClass(s, 4), false);
      assert.equal(hasClass(s, 0), false);
    }
    assert.equal(hasClass(ALL_CLASSES, 12345), true);
  });

  it('unions', () => {
    assert.deepEqual([...unionOf([classSetOf([1, 5], 1000), classSetOf([5, 2], 1000)], 1000).ids], [1, 2, 5]);
    assert.equal(unionOf([classSetOf([1], 10), ALL_CLASSES], 10).all, true);
  });
});

describe('address atoms', () => {
  it('splits the address space at every cidr and except edge', () => {
    const atoms = addressAtoms([parseCidrWithExcept('10.0.0.0/8', ['10.1.0.0/16']), parseCidrWithExcept('10.1.2.0/24', [])]);
    const a = (ip: string) => atoms[4].atomOf(addressValue(ip, 4));
    // Boundaries: 10.0.0.0, 10.1.0.0, 10.1.2.0, 10.1.3.0, 10.2.0.0, 11.0.0.0.
    assert.equal(atoms[4].count, 7);
    assert.equal(a('9.255.255.255'), 0);
    assert.equal(a('10.0.0.0'), 1);
    assert.equal(a('10.0.255.255'), 1);
    assert.equal(a('10.1.0.0'), 2);
    assert.equal(a('10.1.2.255'), 3);
    assert.equal(a('10.1.3.0'), 4);
    assert.equal(a('10.255.255.255'), 5);
    assert.equal(a('11.0.0.0'), 6);
    assert.deepEqual(atoms[4].atomsMatching(parseCidrWithExcept('10.0.0.0/8', ['10.1.0.0/16'])), [1, 5]);
    assert.deepEqual(atoms[4].atomsMatching(parseCidrWithExcept('10.1.2.0/24', [])), [3]);
    assert.equal(atoms[6].count, 1, 'no IPv6 block: one atom');
  });

  it('handles the whole space and its last address', () => {
    const atoms = addressAtoms([parseCidrWithExcept('::/0', ['ffff::/16'])]);
    assert.deepEqual(atoms[6].atomsMatching(parseCidrWithExcept('::/0', ['ffff::/16'])), [1]);
    assert.equal(atoms[6].atomOf(addressValue('ffff::1', 6)), 2);
    assert.equal(atoms[6].atomOf(addressValue('::', 6)), 1);
  });
});

describe('label index', () => {
  it('selects like selectorMatches, narrowing by pairs and In', () => {
    const idx = new LabelIndex();
    idx.add({ app: 'web', tier: 'front' });
    idx.add({ app: 'db' });
    idx.add({});
    idx.add({ app: 'web' });
    assert.deepEqual(idx.select({ matchLabels: { app: 'web' }, matchExpressions: [] }), [0, 3]);
    assert.deepEqual(idx.select({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist', values: [] }] }), [3]);
    assert.deepEqual(idx.select({ matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'web'] }] }), [0, 1, 3]);
    assert.deepEqual(idx.select({ matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }), [1, 2]);
    assert.deepEqual(idx.select(SELECT_ALL), [0, 1, 2, 3]);
    assert.deepEqual(idx.select({ matchLabels: { app: 'none' }, matchExpressions: [] }), []);
  });
});

describe('label index over many entries (the inverted index path)', () => {
  it('selects exactly what selectorMatches selects', () => {
    const rng = createPrng(11);
    const idx = new LabelIndex();
    const all: Record<string, string>[] = [];
    for (let i = 0; i < 200; i++) {
      const labels: Record<string, string> = {};
      if (rng.chance(0.7)) labels.app = rng.pick(['a', 'b', 'c', 'd']);
      if (rng.chance(0.5)) labels.tier = rng.pick(['x', 'y']);
      all.push(labels);
      idx.add(labels);
    }
    const selectors: LabelSelector[] = [
      { matchLabels: { app: 'a' }, matchExpressions: [] },
      { matchLabels: { app: 'b', tier: 'x' }, matchExpressions: [] },
      { matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'In', values: ['c', 'd'] }, { key: 'tier', operator: 'Exists', values: [] }] },
      { matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] },
      { matchLabels: { app: 'zzz' }, matchExpressions: [] },
      SELECT_ALL,
    ];
    for (const sel of selectors) {
      const expected = all.flatMap((l, i) => (selectorMatches(sel, l) ? [i] : []));
      assert.deepEqual(idx.select(sel), expected);
    }
    idx.add({ app: 'a' });
    assert.equal(idx.select({ matchLabels: { app: 'a' }, matchExpressions: [] }).at(-1), 200, 'entries added after indexing are found');
  });
});

describe('class lists', () => {
  it('packs, sorts and deduplicates per class', () => {
    const b = new ClassListsBuilder(4);
    for (const [c, v] of [[2, 9], [0, 5], [2, 1], [2, 9], [0, 5], [3, 7]]) b.add(c, v);
    for (let i = 0; i < 3000; i++) b.add(1, i % 1500);
    const l = b.build();
    const of = (c: number) => [...l.items.subarray(l.offsets[c], l.offsets[c + 1])];
    assert.deepEqual(of(0), [5]);
    assert.equal(of(1).length, 1500);
    assert.deepEqual(of(1).slice(0, 3), [0, 1, 2]);
    assert.deepEqual(of(2), [1, 9]);
    assert.deepEqual(of(3), [7]);
  });
});
