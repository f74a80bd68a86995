// The distinct rows of a direction (per subject class, the classes of the other end it lets through), each kept
// once: most classes' rows repeat (every pod of a default-deny namespace has the empty row, every external the
// full one), and most of those that do not repeat hold few bits. A row is interned from a scratch bitset, found
// again by a hash of its words, and kept dense when it holds many members, as its sorted members when few.
import { bitsetWords, countBits, forEachBit, type BitMatrix, type Bitset } from '../bit-matrix.ts';
import type { ClassRows } from '../engine.ts';
import { sortedHas } from './class-set.ts';

/** A hash of a bitset's words (FNV-1a over the non-zero words and their positions). */
export function hashWords(row: Bitset): number {
  let h = 0x811c9dc5;
  for (let w = 0; w < row.length; w++) {
    const x = row[w];
    if (x === 0) continue;
    h = Math.imul(h ^ w, 16777619);
    h = Math.imul(h ^ x, 16777619);
  }
  return h >>> 0;
}

/** Distinct rows of `width` bits. */
export class RowStore implements ClassRows {
  readonly width: number;
  readonly #words: number;
  readonly #dense: (Bitset | undefined)[] = [];
  readonly #sparse: (Int32Array | undefined)[] = [];
  readonly #byHash = new Map<number, number[]>();

  constructor(width: number) {
    this.width = width;
    this.#words = bitsetWords(width);
  }

  /** How many distinct rows are kept. */
  get size(): number {
    return this.#dense.length;
  }

  /** The id of the row equal to `row` (kept on first sight; `row` itself is not kept and may be reused). */
  intern(row: Bitset): number {
    const h = hashWords(row);
    const same = this.#byHash.get(h);
    if (same) for (const id of same) if (this.#equals(id, row)) return id;
    const id = this.#dense.length;
    const count = countBits(row);
    if (count < this.#words) {
      const ids = new Int32Array(count);
      let k = 0;
      forEachBit(row, (i) => { ids[k++] = i; });
      this.#dense.push(undefined);
      this.#sparse.push(ids);
    } else {
      this.#dense.push(row.slice());
      this.#sparse.push(undefined);
    }
    if (same) same.push(id);
    else this.#byHash.set(h, [id]);
    return id;
  }

  #equals(id: number, row: Bitset): boolean {
    const d = this.#dense[id];
    if (d) {
      for (let w = 0; w < row.length; w++) if (d[w] !== row[w]) return false;
      return true;
    }
    const ids = this.#sparse[id]!;
    let k = 0;
    for (let w = 0; w < row.length; w++) {
      let x = row[w];
      while (x !== 0) {
        if (k === ids.length || ids[k++] !== w * 32 + (31 - Math.clz32(x & -x))) return false;
        x &= x - 1;
      }
    }
    return k === ids.length;
  }

  /** Calls `f` for every member of row `id`, ascending. */
  forEachMember(id: number, f: (i: number) => void): void {
    const d = this.#dense[id];
    if (d) forEachBit(d, f);
    else for (const i of this.#sparse[id]!) f(i);
  }

  /** Writes row `id` into `target` (its other bits cleared). */
  copyInto(target: Bitset, id: number): void {
    const d = this.#dense[id];
    if (d) {
      target.set(d);
      return;
    }
    target.fill(0);
    for (const i of this.#sparse[id]!) target[i >>> 5] |= 1 << (i & 31);
  }

  /** Whether row `id` holds no member. */
  isEmpty(id: number): boolean {
    return this.#sparse[id]?.length === 0;
  }

  /** `target &= row id`. */
  andInto(target: Bitset, id: number): void {
    const d = this.#dense[id];
    if (d) {
      for (let w = 0; w < target.length; w++) target[w] &= d[w];
      return;
    }
    const ids = this.#sparse[id]!;
    let k = 0;
    for (let w = 0; w < target.length; w++) {
      let keep = 0;
      while (k < ids.length && ids[k] >>> 5 === w) keep |= 1 << (ids[k++] & 31);
      target[w] &= keep;
    }
  }

  /** Whether row `id` holds `i`. */
  has(id: number, i: number): boolean {
    const d = this.#dense[id];
    if (d) return (d[i >>> 5] & (1 << (i & 31))) !== 0;
    return sortedHas(this.#sparse[id]!, i);
  }
}

/**
 * The distinct rows of a class-pair matrix (row = source class, column = destination class): each source class's
 * row id and the rows, for a form that walks its rules into a dense matrix (the dataplane's chain walk).
 */
export function rowsOfMatrix(pairs: BitMatrix): { readonly rowOf: Int32Array; readonly rows: RowStore } {
  const rows = new RowStore(pairs.cols);
  const rowOf = new Int32Array(pairs.rows);
  for (let r = 0; r < pairs.rows; r++) rowOf[r] = rows.intern(pairs.row(r));
  return { rowOf, rows };
}
