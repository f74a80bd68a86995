import { stringifyIp } from 'ip-bigint';
import { ipToBigInt, type Family } from '../../net/ip-address.ts';

/** A protected pod's address and the chain its packets go to. */
export interface DispatchEntry {
  readonly ip: string;
  readonly target: string;
}

/** Up to this many addresses a dispatch chain tests one by one; more are split by the next differing bit. */
export const DISPATCH_LEAF = 8;

/**
 * iptables has no verdict map: sending a packet to its pod's chain with one `-s/-d IP` rule per protected pod
 * costs a rule per pod on every packet. This builds a binary tree of chains over the addresses instead: each
 * chain splits its addresses by the first bit where they differ (`-d 10.0.0.0/25 -g ...`), down to leaves of at
 * most DISPATCH_LEAF addresses, so a packet passes about 2·log2(pods) rules. Every jump below the root is a goto,
 * so when the pod's chain returns, evaluation resumes after the rule that jumped to `root`.
 */
export function dispatchTree(
  entries: readonly DispatchEntry[], family: Family, flag: '-s' | '-d', root: string, chainName: (n: number) => string,
): { lines: string[]; chains: string[] } {
  const bits = family === 4 ? 32 : 128;
  const host = family === 4 ? '/32' : '/128';
  const lines: string[] = [];
  const chains: string[] = [];
  const sorted = entries.map((e) => ({ ...e, v: ipToBigInt(e.ip) })).sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  const bitAt = (v: bigint, d: number) => (v >> BigInt(bits - 1 - d)) & 1n;
  const build = (list: typeof sorted, depth: number, chain: string) => {
    if (list.length <= DISPATCH_LEAF) {
      for (const e of list) lines.push(`-A ${chain} ${flag} ${e.ip}${host} -g ${e.target}`);
      return;
    }
    let d = depth;
    let split = 0;
    for (; d < bits; d++) {
      split = list.findIndex((e) => bitAt(e.v, d) === 1n);
      if (split > 0) break;
    }
    if (d >= bits) throw new Error('dispatchTree: duplicate addresses');
    for (const side of [list.slice(0, split), list.slice(split)]) {
      const child = chainName(chains.length);
      chains.push(child);
      const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - d - 1)) - 1n);
      const prefix = stringifyIp({ number: side[0].v & mask, version: family });
      lines.push(`-A ${chain} ${flag} ${prefix}/${d + 1} -g ${child}`);
      build(side, d + 1, child);
    }
  };
  build(sorted, 0, root);
  return { lines, chains };
}
