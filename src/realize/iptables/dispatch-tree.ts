import { stringifyIp } from 'ip-bigint';
import { addressBits, ipToBigInt, type Family } from '../../net/ip-address.ts';

/** A protected pod's address and the chain its packets go to. */
export interface DispatchEntry {
  readonly ip: string;
  readonly target: string;
}

/** Up to this many addresses a dispatch chain tests one by one; more are split by the next differing bit. */
export const DISPATCH_LEAF = 8;

/** Bits a dispatch chain splits on at once: up to 16 children, so the tree stays shallow. */
export const DISPATCH_BITS = 4;

/**
 * iptables has no verdict map: sending a packet to its pod's chain with one `-s/-d IP` rule per protected pod
 * costs a rule per pod on every packet. This builds a tree of chains over the addresses instead: each chain
 * splits its addresses on the DISPATCH_BITS bits after the first bit where they differ (`-d 10.0.0.0/20 -g ...`,
 * at most 16 children), down to leaves of at most DISPATCH_LEAF addresses. A packet passes a few dozen rules
 * instead of one per pod, and the tree stays shallow: nf_tables refuses jump chains deeper than 16. Every jump
 * below the root is a goto, so when the pod's chain returns, evaluation resumes after the rule that jumped to
 * `root`.
 */
export function dispatchTree(
  entries: readonly DispatchEntry[], family: Family, flag: '-s' | '-d', root: string, chainName: (n: number) => string,
): { lines: string[]; chains: string[] } {
  const bits = addressBits(family);
  const host = family === 4 ? '/32' : '/128';
  const lines: string[] = [];
  const chains: string[] = [];
  const sorted = entries.map((e) => ({ ...e, v: ipToBigInt(e.ip) })).sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  const all = (1n << BigInt(bits)) - 1n;
  const prefixOf = (v: bigint, len: number) => v & (all ^ ((1n << BigInt(bits - len)) - 1n));
  const build = (list: typeof sorted, chain: string) => {
    if (list.length <= DISPATCH_LEAF) {
      for (const e of list) lines.push(`-A ${chain} ${flag} ${e.ip}${host} -g ${e.target}`);
      return;
    }
    // first bit where the (sorted) addresses differ: the first and last differ there
    let d = 0;
    while (d < bits && prefixOf(list[0].v, d + 1) === prefixOf(list[list.length - 1].v, d + 1)) d++;
    if (d >= bits) throw new Error('dispatchTree: duplicate addresses');
    const len = Math.min(bits, d + DISPATCH_BITS);
    const groups: (typeof sorted)[] = [];
    for (const e of list) {
      const last = groups[groups.length - 1];
      if (last && prefixOf(last[0].v, len) === prefixOf(e.v, len)) last.push(e);
      else groups.push([e]);
    }
    for (const g of groups) {
      if (g.length === 1) {
        lines.push(`-A ${chain} ${flag} ${g[0].ip}${host} -g ${g[0].target}`);
        continue;
      }
      const child = chainName(chains.length);
      chains.push(child);
      lines.push(`-A ${chain} ${flag} ${stringifyIp({ number: prefixOf(g[0].v, len), version: family })}/${len} -g ${child}`);
      build(g, child);
    }
  };
  build(sorted, root);
  return { lines, chains };
}
