import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { truncateUtf8 } from '../../src/convert/truncate-bytes.ts';

describe('truncateUtf8', () => {
  it('keeps text that fits', () => {
    assert.equal(truncateUtf8('short', 12), 'short');
    assert.equal(truncateUtf8('exactly12byt', 12), 'exactly12byt');
  });
  it('cuts ASCII at 12 bytes', () => {
    assert.equal(truncateUtf8('thirteen-byte', 12), 'thirteen-byt');
  });
  it('never splits a multi-byte character', () => {
    assert.equal(truncateUtf8('abcdefghijké', 12), 'abcdefghijk'); // é would take bytes 12-13
    assert.equal(truncateUtf8('日本語クラスタ', 12), '日本語ク');
    assert.equal(truncateUtf8('ab日本語クラ', 12), 'ab日本語');
    assert.equal(truncateUtf8('😀😀😀😀', 12), '😀😀😀'); // 4-byte characters (surrogate pairs in JS)
    assert.equal(truncateUtf8('a😀😀😀', 12), 'a😀😀');
  });
});
