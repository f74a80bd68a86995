import { isIP } from 'node:net';
import { parseIp, stringifyIp } from 'ip-bigint';

/** An IP address family. */
export type Family = 4 | 6;

/** How many bits an address of the family has: 32 or 128. */
export function addressBits(family: Family): 32 | 128 {
  return family === 4 ? 32 : 128;
}

/** The family of an address, or undefined when it is not an IP address. */
export function familyOf(ip: string): Family | undefined {
  const f = isIP(ip);
  return f === 4 ? 4 : f === 6 ? 6 : undefined;
}

/** An IPv4 address as an unsigned 32-bit number. Assumes a valid dotted quad (hot path: no allocation). */
export function ipv4ToNumber(ip: string): number {
  let n = 0;
  let part = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) { n = n * 256 + part; part = 0; } else part = part * 10 + (c - 48);
  }
  return n * 256 + part;
}

/** An address of either family as a bigint (IPv4 as its 32-bit value). Assumes a valid address. */
export function ipToBigInt(ip: string): bigint {
  return parseIp(ip).number;
}

/**
 * An address of either family as a bigint, with a fast path for dotted-quad IPv4. Assumes a valid address.
 * IPv4 values are 0..2^32-1, IPv6 values 0..2^128-1: compare only addresses of the same family.
 */
export function addressValue(ip: string, family: Family): bigint {
  return family === 4 ? BigInt(ipv4ToNumber(ip)) : ipToBigInt(ip);
}

/** An address value of a family back to its canonical text (`10.0.0.1`, `fd00::1`). */
export function formatAddress(value: bigint, family: Family): string {
  if (family === 4) {
    const n = Number(value);
    return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  return stringifyIp({ number: value, version: 6 });
}
