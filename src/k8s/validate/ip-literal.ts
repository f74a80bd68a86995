/**
 * IP addresses and CIDRs as the API server parses them for NetworkPolicy `ipBlock` and Pod `status.podIPs`
 * (netutils.ParseIPSloppy / ParseCIDRSloppy), with what its strict parser (netip) would say about them.
 *
 * Kubernetes 1.35 with default feature gates (StrictIPCIDRValidation is alpha, off) still accepts IPv4 octets and
 * prefix lengths with leading zeros (`010.1.2.3` means 10.1.2.3, decimal), and CIDRs with bits set beyond the
 * prefix (`10.0.0.1/8` means 10.0.0.0/8), with a warning. np2dfw does the same. IPv4-mapped IPv6 addresses
 * (`::ffff:1.2.3.4`) are also accepted there, but whether they mean IPv4 or IPv6 depends on the consumer; np2dfw
 * refuses them, with the strict parser's message.
 */

/** An IP address family. */
export type IpFamily = 4 | 6;

/** A parsed IP address. */
export interface IpLiteral {
  readonly family: IpFamily;
  /** The address as a number (32 or 128 bits). */
  readonly value: bigint;
  /** An IPv4 octet was written with leading zeros (`010`): accepted, but not canonical. */
  readonly leadingZeros: boolean;
  /** An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`). */
  readonly mapped: boolean;
}

/** A parsed CIDR. */
export interface CidrLiteral {
  readonly family: IpFamily;
  /** The address as written (may have bits set beyond the prefix). */
  readonly address: bigint;
  /** The network address: `address` with the bits beyond the prefix cleared. */
  readonly network: bigint;
  readonly prefix: number;
  /** Leading zeros in an IPv4 octet or in the prefix length. */
  readonly leadingZeros: boolean;
  readonly mapped: boolean;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Dotted-quad IPv4 the sloppy way: four runs of decimal digits, each at most 255. */
function parseIpv4(s: string): { value: bigint; leadingZeros: boolean } | undefined {
  let value = 0;
  let leadingZeros = false;
  let parts = 0;
  let i = 0;
  while (parts < 4) {
    const start = i;
    let n = 0;
    while (i < s.length && isDigit(s.charCodeAt(i)) && i - start < 12) {
      n = n * 10 + (s.charCodeAt(i) - 48);
      i++;
    }
    if (i === start || n > 255) return undefined;
    if (i - start > 1 && s.charCodeAt(start) === 48) leadingZeros = true;
    value = value * 256 + n;
    parts++;
    if (parts < 4) {
      if (s.charCodeAt(i) !== 46) return undefined;
      i++;
    }
  }
  return i === s.length ? { value: BigInt(value), leadingZeros } : undefined;
}

const HEX_GROUP_RE = /^[0-9A-Fa-f]{1,4}$/;

/** IPv6, with at most one `::` and an optional trailing dotted quad; no zone. */
function parseIpv6(s: string): { value: bigint; leadingZeros: boolean } | undefined {
  if (s.includes('%')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  let leadingZeros = false;
  const groupsOf = (part: string, last: boolean): bigint[] | undefined => {
    if (part === '') return [];
    const items = part.split(':');
    const out: bigint[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (last && i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (!v4) return undefined;
        leadingZeros ||= v4.leadingZeros;
        out.push(v4.value >> 16n, v4.value & 0xffffn);
      } else {
        if (!HEX_GROUP_RE.test(item)) return undefined;
        out.push(BigInt(parseInt(item, 16)));
      }
    }
    return out;
  };
  let groups: bigint[];
  if (halves.length === 2) {
    const head = groupsOf(halves[0], false);
    const tail = groupsOf(halves[1], true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<bigint>(8 - head.length - tail.length).fill(0n), ...tail];
  } else {
    const all = groupsOf(s, true);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | g;
  return { value, leadingZeros };
}

/** Parses an IP address as the API server's sloppy parser does; undefined when it is not one. */
export function parseIpLiteral(text: string): IpLiteral | undefined {
  if (text.includes(':')) {
    const v6 = parseIpv6(text);
    if (!v6) return undefined;
    return { family: 6, value: v6.value, leadingZeros: v6.leadingZeros, mapped: v6.value >> 32n === 0xffffn };
  }
  const v4 = parseIpv4(text);
  return v4 ? { family: 4, value: v4.value, leadingZeros: v4.leadingZeros, mapped: false } : undefined;
}

/** Parses `address/prefix` as the API server's sloppy parser does; undefined when it is not a CIDR. */
export function parseCidrLiteral(text: string): CidrLiteral | undefined {
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) return undefined;
  const ip = parseIpLiteral(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || prefixText.length === 0 || prefixText.length > 8) return undefined;
  let prefix = 0;
  for (let i = 0; i < prefixText.length; i++) {
    const c = prefixText.charCodeAt(i);
    if (!isDigit(c)) return undefined;
    prefix = prefix * 10 + (c - 48);
  }
  const bits = ip.family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  return {
    family: ip.family,
    address: ip.value,
    network: ip.value & ~hostMask,
    prefix,
    leadingZeros: ip.leadingZeros || (prefixText.length > 1 && prefixText.charCodeAt(0) === 48),
    mapped: ip.mapped,
  };
}

/** Whether `inner` lies strictly inside `outer`: same family, longer prefix, and within its range. */
export function isStrictSubset(outer: CidrLiteral, inner: CidrLiteral): boolean {
  if (outer.family !== inner.family || inner.prefix <= outer.prefix) return false;
  const bits = outer.family === 4 ? 32 : 128;
  const hostMask = (1n << BigInt(bits - outer.prefix)) - 1n;
  return (inner.network & ~hostMask) === outer.network;
}

/** An address in canonical text: dotted decimal, or RFC 5952 IPv6 (lower case, longest zero run as `::`). */
export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(Number((value >> s) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** The CIDR as the API server understands it, in canonical text: network address and prefix (`10.0.0.0/8`). */
export function canonicalCidrText(c: CidrLiteral): string {
  return `${formatIp(c.family, c.network)}/${c.prefix}`;
}
