// One number as the key of a pair of small non-negative integers, for Maps on hot paths (a string key or a
// nested Map costs more there). The one place such keys are made, with their bounds checked.

/**
 * `high * span + low`: distinct pairs give distinct keys as long as `0 <= low < span` and the result is a safe
 * integer (below 2^53); both are checked, and a pair out of bounds throws instead of colliding with another.
 */
export function packKey(high: number, low: number, span: number): number {
  if (!Number.isInteger(low) || low < 0 || low >= span) throw new RangeError(`packKey: ${low} is outside 0..${span - 1}`);
  const key = high * span + low;
  if (!Number.isSafeInteger(key) || high < 0) throw new RangeError(`packKey: ${high} * ${span} + ${low} is not a safe key`);
  return key;
}

/** The most port signatures a class key holds (2^20): classes are keyed by address atom, signature and family. */
export const MAX_PORT_SIGNATURES = 1 << 20;

/** The key of an endpoint class within its label group: address atom, port signature, family (IPv4 even, IPv6 odd). */
export function classKey(family: 4 | 6, atom: number, signature: number): number {
  return packKey(packKey(atom, signature, MAX_PORT_SIGNATURES), family === 4 ? 0 : 1, 2);
}

/** The most port lists a rule key holds (2^26): rule shapes are keyed by peer set and port list. */
export const MAX_PORT_LISTS = 1 << 26;

/** The key of a rule shape: its peer set and its port list. */
export function ruleShapeKey(peers: number, ports: number): number {
  return packKey(peers, ports, MAX_PORT_LISTS);
}
