import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classKey, MAX_PORT_LISTS, MAX_PORT_SIGNATURES, packKey, ruleShapeKey } from '../../../src/evaluate/kubernetes/packed-key.ts';

describe('packed keys (pairs of small integers as one number)', () => {
  it('gives distinct keys to distinct pairs within bounds', () => {
    const seen = new Set<number>();
    for (const family of [4, 6] as const) for (let atom = 0; atom < 20; atom++) for (const sig of [0, 1, 7, MAX_PORT_SIGNATURES - 1]) seen.add(classKey(family, atom, sig));
    assert.equal(seen.size, 2 * 20 * 4);
    assert.notEqual(ruleShapeKey(1, 0), ruleShapeKey(0, MAX_PORT_LISTS - 1));
    assert.equal(packKey(3, 4, 10), 34);
  });

  it('throws instead of colliding when a part is out of bounds', () => {
    assert.throws(() => classKey(4, 0, MAX_PORT_SIGNATURES), RangeError, 'a signature past the span would alias the next atom');
    assert.throws(() => ruleShapeKey(0, MAX_PORT_LISTS), RangeError);
    assert.throws(() => packKey(1, -1, 10), RangeError);
    assert.throws(() => packKey(2 ** 50, 0, 2 ** 10), RangeError, 'past 2^53 numbers stop being exact');
    assert.throws(() => packKey(-1, 0, 10), RangeError);
  });
});
