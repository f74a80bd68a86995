import { containsCidr, excludeCidr, normalizeCidr, parseCidr } from 'cidr-tools';
import { addressBits, formatAddress, type Family } from './ip-address.ts';

/** A CIDR as a closed range of addresses of one family. */
export interface CidrRange {
  readonly family: Family;
  /** First address (the network address). */
  readonly start: bigint;
  /** Last address. */
  readonly end: bigint;
  /** The prefix length. */
  readonly prefix: number;
}

/** Parses a valid CIDR (`10.0.0.0/8`, `fd00::/8`; a bare address counts as /32 or /128) into its range. */
export function cidrRange(cidr: string): CidrRange {
  const p = parseCidr(cidr);
  const family = p.version;
  const prefix = p.prefixPresent ? Number(p.prefix) : addressBits(family);
  return { family, start: p.start, end: p.end, prefix };
}

/** The CIDR in canonical form: network address, compressed IPv6 (`10.0.0.0/8`, `fd00::/8`). */
export function canonicalCidr(cidr: string): string {
  const n = normalizeCidr(cidr);
  const r = cidrRange(cidr);
  return n.includes('/') ? n : `${n}/${r.prefix}`;
}

/** Whether `outer` contains every address of `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  return containsCidr(outer, inner);
}

/**
 * `cidr` minus every `except` CIDR, as the exact list of positive CIDRs, in address order, each with its prefix
 * (`8.8.8.8/32`, never a bare address). This is how an ipBlock with `except` is expressed where a target has no
 * "except" of its own.
 */
export function subtractCidrs(cidr: string, except: readonly string[]): string[] {
  const family = cidrRange(cidr).family;
  const rest = except.length ? excludeCidr(cidr, [...except]) : [canonicalCidr(cidr)];
  return rest.map((c) => (c.includes('/') ? c : `${c}/${addressBits(family)}`));
}

/** Whether the range holds the address (a bigint of the same family, see `addressValue`). */
export function rangeHolds(range: CidrRange, address: bigint): boolean {
  return address >= range.start && address <= range.end;
}

/**
 * An address set given as a CIDR minus some CIDRs (an ipBlock), parsed once for fast membership tests.
 */
export interface CidrWithExcept {
  /** The family of `cidr` (and of every except). */
  readonly family: Family;
  /** The whole range. */
  readonly cidr: CidrRange;
  /** The ranges taken out of it. */
  readonly except: readonly CidrRange[];
}

/** Parses a CIDR and its `except` CIDRs (valid, as validation guarantees). */
export function parseCidrWithExcept(cidr: string, except: readonly string[]): CidrWithExcept {
  const range = cidrRange(cidr);
  return { family: range.family, cidr: range, except: except.map(cidrRange) };
}

/** Whether an address of `family` (as a bigint) is in the CIDR and in none of its excepts. */
export function cidrWithExceptHolds(set: CidrWithExcept, family: Family, address: bigint): boolean {
  if (family !== set.family || !rangeHolds(set.cidr, address)) return false;
  for (const e of set.except) if (e.family === family && rangeHolds(e, address)) return false;
  return true;
}

/** The CIDR of the given prefix length that holds an address (`10.1.2.3`, 16 -> `10.1.0.0/16`). */
export function cidrAround(address: bigint, prefix: number, family: Family): string {
  const bits = BigInt(addressBits(family));
  const host = bits - BigInt(prefix);
  const network = (address >> host) << host;
  return `${formatAddress(network, family)}/${prefix}`;
}
