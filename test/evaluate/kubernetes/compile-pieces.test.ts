// The pieces that keep the reference engine's compilation free of per-pod strings and maps: finding a label
// group by labels, a pod's number by position, small class sets as plain arrays; and counts as people read them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classSetOf, hasClass } from '../../../src/evaluate/kubernetes/class-set.ts';
import { appended, LabelIndex } from '../../../src/evaluate/kubernetes/label-index.ts';
import { PodNumbers } from '../../../src/evaluate/kubernetes/pod-numbers.ts';
import { formatCount } from '../../../src/evaluate/counts.ts';
import type { Pod } from '../../../src/k8s/pod.ts';
import { createPrng } from '../../../testing/synthetic/prng.ts';

function pod(name: string, ips: string[]): Pod {
  return { namespace: 'ns', name, labels: {}, ips, hostNetwork: false, phase: 'Running', ports: [] };
}

describe('label index: an entry by its labels', () => {
  it('finds the first entry with exactly the same labels, comparing them or by key beyond a few entries', () => {
    const rng = createPrng(5);
    const idx = new LabelIndex();
    const all: Record<string, string>[] = [];
    for (let i = 0; i < 40; i++) {
      // Checked before each add, so that both the compared and the keyed paths are met.
      for (let q = 0; q < 20; q++) {
        const probe: Record<string, string> = {};
        if (rng.chance(0.6)) probe.app = rng.pick(['a', 'b', 'c']);
        if (rng.chance(0.4)) probe.tier = rng.pick(['x', 'y']);
        const expected = all.findIndex((l) => Object.keys(l).length === Object.keys(probe).length && Object.keys(l).every((k) => Object.hasOwn(probe, k) && probe[k] === l[k]));
        assert.equal(idx.find(probe), expected, JSON.stringify(probe));
      }
      const labels: Record<string, string> = {};
      if (rng.chance(0.6)) labels.app = rng.pick(['a', 'b', 'c', 'd']);
      if (rng.chance(0.5)) labels.tier = rng.pick(['x', 'y', 'z']);
      all.push(labels);
      idx.add(labels);
    }
    // Same keys, other value; a subset; a superset: not the same labels.
    const small = new LabelIndex();
    small.add({ app: 'a', tier: 'x' });
    assert.equal(small.find({ app: 'a', tier: 'x' }), 0);
    assert.equal(small.find({ tier: 'x', app: 'a' }), 0);
    assert.equal(small.find({ app: 'a', tier: 'y' }), -1);
    assert.equal(small.find({ app: 'a' }), -1);
    assert.equal(small.find({ app: 'a', tier: 'x', z: '1' }), -1);
  });

  it('appends to a short list in a new array and to a long one in place', () => {
    const short = [1, 2];
    const longer = appended(short, 3);
    assert.deepEqual(longer, [1, 2, 3]);
    assert.deepEqual(short, [1, 2]);
    const long = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    assert.equal(appended(long, 10), long);
    assert.equal(long.length, 10);
  });
});

describe('pod numbers', () => {
  it('give each pod its index whatever the order of the questions, and -1 for pods without an address or unknown', () => {
    const pods = Array.from({ length: 50 }, (_, i) => pod(`p${i}`, i % 7 === 3 ? [] : [`10.0.0.${i + 1}`]));
    const numbers = new PodNumbers(pods);
    const rng = createPrng(9);
    // In order (with repeats and skips), then at random.
    for (let i = 0; i < pods.length; i++) {
      if (i % 5 === 1) continue;
      assert.equal(numbers.indexOf(pods[i]), pods[i].ips.length ? i : -1);
      assert.equal(numbers.indexOf(pods[i]), pods[i].ips.length ? i : -1);
    }
    for (let k = 0; k < 200; k++) {
      const i = rng.int(pods.length);
      assert.equal(numbers.indexOf(pods[i]), pods[i].ips.length ? i : -1);
    }
    assert.equal(numbers.indexOf(pod('p1', ['10.0.0.2'])), -1, 'an equal pod that is not one of the objects');
    assert.equal(new PodNumbers(pods).indexOf(pods[49]), 49, 'a first question far from the start');
  });
});

describe('small class sets', () => {
  it('hold their members sorted and without duplicates, in a plain array up to 8 members', () => {
    const rng = createPrng(3);
    for (let k = 0; k < 300; k++) {
      const ids = Array.from({ length: 1 + rng.int(12) }, () => rng.int(40));
      const set = classSetOf(ids, 1000);
      const expected = [...new Set(ids)].sort((a, b) => a - b);
      assert.deepEqual([...set.ids], expected);
      assert.equal(Array.isArray(set.ids), ids.length <= 8);
      for (let c = 0; c < 40; c++) assert.equal(hasClass(set, c), expected.includes(c));
    }
  });
});

describe('formatCount', () => {
  it('groups thousands with commas as toLocaleString does', () => {
    for (const n of [0, 7, 999, 1000, -1000, 12345, 123456, 1234567, 11138058369, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, -0, 2.5, 1e21]) {
      assert.equal(formatCount(n), n.toLocaleString('en-US', { maximumFractionDigits: 0 }), String(n));
    }
    assert.equal(formatCount(11138058369), '11,138,058,369');
  });
});
