import { addressValue, familyOf, formatAddress, type Family } from './ip-address.ts';

/**
 * A range of addresses in words: one CIDR when it is exactly one (`10.0.0.0/8`, `203.0.113.7/32`), else
 * `first-last` (`0.0.0.0-9.255.255.255`).
 */
export function formatAddressRange(first: bigint, last: bigint, family: Family): string {
  const bits = family === 4 ? 32 : 128;
  const size = last - first + 1n;
  if (size > 0n && (size & (size - 1n)) === 0n && first % size === 0n) {
    const prefix = bits - (size.toString(2).length - 1);
    return `${formatAddress(first, family)}/${prefix}`;
  }
  return `${formatAddress(first, family)}-${formatAddress(last, family)}`;
}

/** The first address of a range as `formatAddressRange` writes it, as a number to sort by. */
export function addressRangeStart(text: string): bigint {
  const first = text.split(/[-/]/)[0];
  const family = familyOf(first);
  return family ? addressValue(first, family) + (family === 6 ? 1n << 32n : 0n) : -1n;
}
