// Per-class lists of numbers in one flat array (compressed sparse rows): the items of class c are
// items[offsets[c] .. offsets[c+1]), ascending and without duplicates. One allocation instead of one per class.

/** Lists of numbers per class. */
export interface ClassLists {
  /** classCount + 1 offsets into `items`. */
  readonly offsets: Int32Array;
  /** Every class's items, class after class. */
  readonly items: Int32Array;
}

/** Collects (class, item) pairs, then packs them. */
export class ClassListsBuilder {
  private readonly classCount: number;
  private classes: Int32Array = new Int32Array(1024);
  private values: Int32Array = new Int32Array(1024);
  private length = 0;

  /** A builder for `classCount` classes. */
  constructor(classCount: number) {
    this.classCount = classCount;
  }

  /** Adds an item to a class's list (duplicates are dropped by `build`). */
  add(cls: number, item: number): void {
    if (this.length === this.classes.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.classes = grow(this.classes);
      this.values = grow(this.values);
    }
    this.classes[this.length] = cls;
    this.values[this.length] = item;
    this.length++;
  }

  /** The packed lists. */
  build(): ClassLists {
    const K = this.classCount;
    const count = new Int32Array(K + 1);
    for (let i = 0; i < this.length; i++) count[this.classes[i] + 1]++;
    for (let c = 0; c < K; c++) count[c + 1] += count[c];
    const fill = count.slice(0, K);
    const raw = new Int32Array(this.length);
    for (let i = 0; i < this.length; i++) raw[fill[this.classes[i]]++] = this.values[i];
    // Sort and deduplicate each class's segment in place, compacting.
    const offsets = new Int32Array(K + 1);
    let out = 0;
    for (let c = 0; c < K; c++) {
      const start = count[c];
      const end = count[c + 1];
      offsets[c] = out;
      if (end - start > 1) raw.subarray(start, end).sort();
      for (let i = start; i < end; i++) if (i === start || raw[i] !== raw[i - 1]) raw[out++] = raw[i];
    }
    offsets[K] = out;
    return { offsets, items: raw.slice(0, out) };
  }
}
