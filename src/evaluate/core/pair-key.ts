// Map keys for pairs of small non-negative integers without building strings: the documented replacement for
// multiplying by unexplained constants.

/**
 * One number standing for the pair (high, low), where `low` is below `lowLimit`: `high * lowLimit + low`.
 * Distinct pairs give distinct keys as long as the key stays an exact integer (below 2^53); a `low` out of range
 * or a key past that is a programming error and throws.
 */
export function pairKey(high: number, low: number, lowLimit: number): number {
  if (low < 0 || low >= lowLimit || high < 0) throw new RangeError(`pairKey: (${high}, ${low}) outside [0, ${lowLimit})`);
  const key = high * lowLimit + low;
  if (!Number.isSafeInteger(key)) throw new RangeError(`pairKey: (${high}, ${low}) past 2^53`);
  return key;
}
