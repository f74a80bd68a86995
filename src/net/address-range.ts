// Address ranges: the entries of an NSX IPAddressExpression (`10.0.0.1`, `10.0.0.0/24`, `10.0.0.1-10.0.0.9`)
// as closed ranges, and a range as the exact list of CIDRs that covers it.
import { cidrRange } from './cidr.ts';
import { addressBits, addressValue, familyOf, formatAddress, type Family } from './ip-address.ts';

/** A closed range of addresses of one family. */
export interface AddressRange {
  readonly family: Family;
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * One address, CIDR or `first-last` range as a range; undefined when the text is none of these (or the range
 * mixes families or runs backwards).
 */
export function parseAddressRange(text: string): AddressRange | undefined {
  const dash = text.indexOf('-');
  if (dash > 0) {
    const a = text.slice(0, dash).trim();
    const b = text.slice(dash + 1).trim();
    const family = familyOf(a);
    if (!family || familyOf(b) !== family) return undefined;
    const start = addressValue(a, family);
    const end = addressValue(b, family);
    return start <= end ? { family, start, end } : undefined;
  }
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = familyOf(address);
  if (!family) return undefined;
  if (slash >= 0) {
    const prefix = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > addressBits(family)) return undefined;
  }
  const r = cidrRange(text);
  return { family: r.family, start: r.start, end: r.end };
}

/** Whether the range holds an address of a family (as `addressValue` gives it). */
export function addressRangeHolds(r: AddressRange, family: Family, value: bigint): boolean {
  return r.family === family && value >= r.start && value <= r.end;
}

/** The fewest CIDRs that cover exactly the range, in address order (`10.0.0.1-10.0.0.6` -> 4 CIDRs). */
export function rangeCidrs(r: AddressRange): string[] {
  const bits = addressBits(r.family);
  const out: string[] = [];
  let start = r.start;
  while (start <= r.end) {
    // the largest block aligned at `start` that stays within the range
    let size = 0;
    while (size < bits && (start & ((1n << BigInt(size + 1)) - 1n)) === 0n && start + (1n << BigInt(size + 1)) - 1n <= r.end) size++;
    out.push(`${formatAddress(start, r.family)}/${bits - size}`);
    start += 1n << BigInt(size);
  }
  return out;
}

/**
 * A range of addresses in words: one CIDR when it is exactly one (`10.0.0.0/8`, `203.0.113.7/32`), else
 * `first-last` (`0.0.0.0-9.255.255.255`).
 */
export function formatAddressRange(first: bigint, last: bigint, family: Family): string {
  const bits = addressBits(family);
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
