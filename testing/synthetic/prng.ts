/** A small seeded pseudo-random generator (mulberry32): the same seed gives the same sequence everywhere. */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** `length` lowercase letters and digits (like apimachinery's rand.String). */
  string(length: number): string;
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A mulberry32 generator seeded with a 32-bit integer. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(items.length)],
    string: (length) => {
      let s = '';
      for (let i = 0; i < length; i++) s += ALPHABET[int(ALPHABET.length)];
      return s;
    },
  };
}
