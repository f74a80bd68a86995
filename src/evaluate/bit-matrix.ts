/**
 * The one bitset module of the evaluators: BitMatrix (a matrix of bits, row-major) and Bitset helpers (sets of
 * endpoint or class indexes). Every bit loop of src/evaluate uses these.
 */

/** A square-or-not boolean matrix packed 32 bits a word, row-major: row = source, column = destination. */
export class BitMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Words per row. */
  readonly stride: number;
  readonly words: Uint32Array;

  constructor(rows: number, cols: number) {
    this.rows = rows;
    this.cols = cols;
    this.stride = (cols + 31) >>> 5;
    this.words = new Uint32Array(rows * this.stride);
  }

  get(row: number, col: number): boolean {
    return (this.words[row * this.stride + (col >>> 5)] & (1 << (col & 31))) !== 0;
  }

  set(row: number, col: number, value = true): void {
    const i = row * this.stride + (col >>> 5);
    if (value) this.words[i] |= 1 << (col & 31);
    else this.words[i] &= ~(1 << (col & 31));
  }

  /** Row `r` as a bitset over the columns (a view: writing to it writes the matrix). */
  row(r: number): Uint32Array {
    return this.words.subarray(r * this.stride, (r + 1) * this.stride);
  }

  /** The number of true cells. */
  count(): number {
    let n = 0;
    for (let i = 0; i < this.words.length; i++) n += popcount(this.words[i]);
    return n;
  }

  /** The cells where two matrices of the same shape differ, as [row, col] pairs (at most `limit`). */
  differences(other: BitMatrix, limit = Infinity): [number, number][] {
    if (other.rows !== this.rows || other.cols !== this.cols) throw new Error('BitMatrix.differences: shapes differ');
    const out: [number, number][] = [];
    for (let r = 0; r < this.rows; r++) {
      const base = r * this.stride;
      for (let w = 0; w < this.stride; w++) {
        let x = (this.words[base + w] ^ other.words[base + w]) >>> 0;
        while (x !== 0) {
          const bit = 31 - Math.clz32(x & -x);
          out.push([r, w * 32 + bit]);
          if (out.length >= limit) return out;
          x &= x - 1;
        }
      }
    }
    return out;
  }
}

/** Bits set in a 32-bit word. */
export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

// ---- bitsets: the one place the evaluators' bit loops live ----

/** A set of small non-negative integers (endpoint or class indexes), 32 a word. */
export type Bitset = Uint32Array;

/** Words of a bitset over `n` members. */
export function bitsetWords(n: number): number {
  return (n + 31) >>> 5;
}

/** An empty bitset over `n` members. */
export function emptyBitset(n: number): Bitset {
  return new Uint32Array(bitsetWords(n));
}

/** The bitset of members 0 .. n-1. */
export function fullBitset(n: number): Bitset {
  const s = emptyBitset(n);
  s.fill(0xffffffff);
  if (n & 31) s[s.length - 1] = (1 << (n & 31)) - 1;
  return s;
}

/** Whether the bitset holds `i`. */
export function hasBit(s: Bitset, i: number): boolean {
  return (s[i >>> 5] & (1 << (i & 31))) !== 0;
}

/** Adds `i`. */
export function setBit(s: Bitset, i: number): void {
  s[i >>> 5] |= 1 << (i & 31);
}

/** Removes `i`. */
export function clearBit(s: Bitset, i: number): void {
  s[i >>> 5] &= ~(1 << (i & 31));
}

/** Calls `f` for every member, ascending. */
export function forEachBit(s: Bitset, f: (i: number) => void): void {
  for (let w = 0; w < s.length; w++) {
    let x = s[w];
    while (x !== 0) {
      const low = x & -x;
      f(w * 32 + (31 - Math.clz32(low)));
      x = (x ^ low) >>> 0;
    }
  }
}

/** The members, ascending. */
export function bitsOf(s: Bitset): number[] {
  const out: number[] = [];
  forEachBit(s, (i) => out.push(i));
  return out;
}

/** The number of members. */
export function countBits(s: Bitset): number {
  let n = 0;
  for (let w = 0; w < s.length; w++) n += popcount(s[w]);
  return n;
}

/** `into |= from` (the same length). */
export function orInto(into: Bitset, from: Bitset): void {
  for (let w = 0; w < into.length; w++) into[w] |= from[w];
}

/** A bitset over `n` members holding the given ones. */
export function bitsetFrom(members: Iterable<number>, n: number): Bitset {
  const s = emptyBitset(n);
  for (const i of members) setBit(s, i);
  return s;
}
