import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bitsetFrom, bitsOf, emptyBitset, fullBitset } from '../../../src/evaluate/bit-matrix.ts';
import { classSetOf, forEachClass, hasClass, intersectIds, unionIds } from '../../../src/evaluate/core/class-set.ts';
import { RowStore } from '../../../src/evaluate/core/row-store.ts';
import { directionAllowed, pairsAllowed, type ClassRule } from '../../../src/evaluate/core/stage-pipeline.ts';

const members = (store: RowStore, id: number) => { const out: number[] = []; store.forEachMember(id, (i) => out.push(i)); return out; };

describe('RowStore', () => {
  it('keeps each distinct row once, sparse or dense, and answers alike for both', () => {
    const width = 200; // 7 words: rows of fewer than 7 members are kept as ids
    const store = new RowStore(width);
    const few = bitsetFrom([3, 64, 199], width);
    const many = bitsetFrom(Array.from({ length: 150 }, (_, i) => i + 10), width);
    const a = store.intern(few);
    const b = store.intern(many);
    assert.equal(store.intern(bitsetFrom([199, 64, 3], width)), a);
    assert.equal(store.intern(many.slice()), b);
    assert.notEqual(store.intern(bitsetFrom([3, 64], width)), a);
    assert.equal(store.size, 3);
    assert.deepEqual(members(store, a), [3, 64, 199]);
    assert.deepEqual(members(store, b), bitsOf(many));
    for (const [id, row] of [[a, few], [b, many]] as const) {
      for (const i of [0, 3, 10, 64, 159, 160, 199]) assert.equal(store.has(id, i), bitsOf(row).includes(i), `row ${id} bit ${i}`);
      const copy = fullBitset(width);
      store.copyInto(copy, id);
      assert.deepEqual(bitsOf(copy), bitsOf(row));
      const anded = bitsetFrom([3, 10, 11, 64, 198], width);
      store.andInto(anded, id);
      assert.deepEqual(bitsOf(anded), [3, 10, 11, 64, 198].filter((i) => bitsOf(row).includes(i)));
    }
    assert.equal(store.isEmpty(store.intern(emptyBitset(width))), true);
    assert.equal(store.isEmpty(a), false);
  });
});

describe('class sets', () => {
  it('unite, intersect and test ids, dense when that is smaller', () => {
    assert.deepEqual([...unionIds([Int32Array.of(1, 5, 9), Int32Array.of(0, 5, 10)])], [0, 1, 5, 9, 10]);
    assert.deepEqual([...intersectIds(Int32Array.of(1, 5, 9, 12), Int32Array.of(0, 5, 9, 10, 11, 12, 13))], [5, 9, 12]);
    const sparse = classSetOf(Int32Array.of(2, 40), 100);
    const dense = classSetOf(Int32Array.from({ length: 50 }, (_, i) => i * 2), 100);
    assert.ok(!(sparse instanceof Uint32Array) && dense instanceof Uint32Array);
    for (const c of [0, 2, 3, 40, 98, 99]) {
      assert.equal(hasClass(sparse, c), c === 2 || c === 40);
      assert.equal(hasClass(dense, c), c % 2 === 0);
    }
    const seen: number[] = [];
    forEachClass(sparse, (c) => seen.push(c));
    assert.deepEqual(seen, [2, 40]);
  });
});

describe('direction rows', () => {
  it('share one row between subjects the same rules apply to, and turn ingress rows around per distinct row', () => {
    // 6 classes; egress: classes 0-3 may reach only class 4 (allow 4, deny all); 4 and 5 have no rule (allow all)
    const q = { protocol: 'TCP', port: 80 } as const;
    const ids = (...c: number[]) => ({ ids: Int32Array.from(c) });
    const egressRules: ClassRule<string>[] = [
      { rule: 'allow-4', action: 'Accept', subjects: ids(0, 1, 2, 3), peers: ids(4) },
      { rule: 'deny-all', action: 'Deny', subjects: ids(0, 1, 2, 3), peers: undefined },
    ];
    // ingress: class 4 admits only class 0; the others admit everyone
    const ingressRules: ClassRule<string>[] = [
      { rule: 'from-0', action: 'Accept', subjects: ids(4), peers: ids(0) },
      { rule: 'deny-rest', action: 'Deny', subjects: ids(4), peers: undefined },
    ];
    const egress = directionAllowed({ direction: 'Egress', stages: [{ kind: 'rules', rules: egressRules }] }, 6, () => true, q);
    const ingress = directionAllowed({ direction: 'Ingress', stages: [{ kind: 'rules', rules: ingressRules }] }, 6, () => true, q);
    assert.equal(egress.rows.size, 2); // {4} for classes 0-3, everything for 4 and 5
    assert.deepEqual(members(egress.rows, egress.rowOf[2]), [4]);
    const pairs = pairsAllowed(egress, ingress, 6);
    const rowOf = (s: number) => members(pairs.rows, pairs.rowOf[s]);
    assert.deepEqual(rowOf(0), [4]);
    assert.deepEqual(rowOf(1), []); // class 4 does not admit class 1
    assert.deepEqual(rowOf(4), [0, 1, 2, 3, 5]); // 4 may reach every class but itself (its own ingress admits only 0)
    assert.deepEqual(rowOf(5), [0, 1, 2, 3, 5]);
  });
});
