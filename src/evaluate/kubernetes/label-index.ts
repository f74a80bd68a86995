// An inverted index of label sets: `key=value` -> the entries carrying it, to evaluate many selectors over
// many objects without testing every selector against every object.
import { selectorMatches, type LabelSelector, type Labels } from '../../k8s/labels.ts';
import { labelsKey } from '../core/endpoint-keys.ts';

/** Up to this many entries, a selection simply tests each one. */
const SCAN_LIMIT = 16;

/** Up to this many entries, finding an entry by its labels compares them one by one (no key strings). */
const FIND_SCAN_LIMIT = 8;

/**
 * `list` with `item` at its end: while short, a new array of exactly that size (an array grown by push keeps room
 * for 16 more items, and most namespaces have a few label groups), else `list` itself, grown.
 */
export function appended<T>(list: T[], item: T): T[] {
  if (list.length >= FIND_SCAN_LIMIT) {
    list.push(item);
    return list;
  }
  return list.concat([item]);
}

/** Whether two label sets hold the same keys with the same values. */
function sameLabels(a: Labels, b: Labels): boolean {
  let n = 0;
  for (const k in a) {
    if (!Object.hasOwn(b, k) || b[k] !== a[k]) return false;
    n++;
  }
  for (const k in b) if (--n < 0) return false;
  return n === 0;
}

/** Entries (numbered 0..n-1 by the caller) with their labels, indexed by `key=value` and by key. */
export class LabelIndex {
  private labels: Labels[] = [];
  /** Built on the first selection over more than SCAN_LIMIT entries, then kept up to date. */
  private byPair: Map<string, number[]> | undefined;
  /** The first entry per label set (`labelsKey`), built when `find` first meets more than FIND_SCAN_LIMIT entries. */
  private byLabels: Map<string, number> | undefined;

  /** Adds an entry; returns its number. */
  add(labels: Labels): number {
    const id = this.labels.length;
    this.labels = appended(this.labels, labels);
    if (this.byPair) this.index(id);
    if (this.byLabels) this.keep(labelsKey(labels), id);
    return id;
  }

  private keep(key: string, id: number): void {
    if (!this.byLabels!.has(key)) this.byLabels!.set(key, id);
  }

  /** The first entry with exactly these labels, or -1. */
  find(labels: Labels): number {
    const n = this.labels.length;
    if (n <= FIND_SCAN_LIMIT) {
      for (let id = 0; id < n; id++) if (sameLabels(this.labels[id], labels)) return id;
      return -1;
    }
    if (!this.byLabels) {
      this.byLabels = new Map();
      for (let id = 0; id < n; id++) this.keep(labelsKey(this.labels[id]), id);
    }
    return this.byLabels.get(labelsKey(labels)) ?? -1;
  }

  private index(id: number): void {
    const labels = this.labels[id];
    for (const k in labels) {
      const pair = `${k}=${labels[k]}`;
      const list = this.byPair!.get(pair);
      if (list) list.push(id);
      else this.byPair!.set(pair, [id]);
    }
  }

  /** The number of entries. */
  get size(): number {
    return this.labels.length;
  }

  /**
   * The entries the selector selects, ascending. Narrows by the rarest matchLabels pair or `In` requirement,
   * then checks the whole selector on each candidate.
   */
  select(selector: LabelSelector): number[] {
    const out: number[] = [];
    if (this.labels.length <= SCAN_LIMIT) {
      for (let id = 0; id < this.labels.length; id++) if (selectorMatches(selector, this.labels[id])) out.push(id);
      return out;
    }
    if (!this.byPair) {
      this.byPair = new Map();
      for (let id = 0; id < this.labels.length; id++) this.index(id);
    }
    const byPair = this.byPair;
    let candidates: number[] | undefined;
    for (const k in selector.matchLabels) {
      const list = byPair.get(`${k}=${selector.matchLabels[k]}`) ?? [];
      if (!candidates || list.length < candidates.length) candidates = list;
    }
    for (const r of selector.matchExpressions) {
      if (r.operator !== 'In') continue;
      const ids = new Set<number>();
      for (const v of r.values) for (const id of byPair.get(`${r.key}=${v}`) ?? []) ids.add(id);
      if (!candidates || ids.size < candidates.length) candidates = [...ids].sort((a, b) => a - b);
    }
    if (candidates) {
      for (const id of candidates) if (selectorMatches(selector, this.labels[id])) out.push(id);
    } else {
      for (let id = 0; id < this.labels.length; id++) if (selectorMatches(selector, this.labels[id])) out.push(id);
    }
    return out;
  }
}
