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
