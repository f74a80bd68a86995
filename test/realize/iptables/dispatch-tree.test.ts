import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidrRange } from '../../../src/net/cidr.ts';
import { ipToBigInt } from '../../../src/net/ip-address.ts';
import { dispatchTree } from '../../../src/realize/iptables/dispatch-tree.ts';

const indexed = new Map<string[], Map<string, string[][]>>();

/** Follows the tree's rules as iptables would for one address: the target reached and how many rules were tested. */
function walk(lines: string[], root: string, ip: string): { target?: string; tested: number; depth: number } {
  let byChain = indexed.get(lines);
  if (!byChain) {
    byChain = new Map();
    for (const l of lines) {
      const parts = l.split(' ');
      byChain.set(parts[1], [...(byChain.get(parts[1]) ?? []), parts]);
    }
    indexed.set(lines, byChain);
  }
  let chain = root;
  let tested = 0;
  let depth = 0;
  for (;;) {
    const rules = byChain.get(chain) ?? [];
    let next: string | undefined;
    for (const r of rules) {
      tested++;
      const range = cidrRange(r[3]);
      const v = ipToBigInt(ip);
      if (v >= range.start && v <= range.end) {
        next = r[5];
        break;
      }
    }
    if (!next) return { tested, depth };
    if (!byChain.has(next)) return { target: next, tested, depth };
    chain = next;
    depth++;
  }
}

for (const family of [4, 6] as const) {
  test(`dispatch tree (IPv${family}): every address reaches its own chain through few rules and few levels; others reach none`, () => {
    const ips = Array.from({ length: 10_000 }, (_, i) => (family === 4 ? `10.${(i * 7) % 256}.${Math.floor(i / 256)}.${(i * 13) % 250 + 1}` : `fd00::${(i * 7919).toString(16)}`));
    const unique = [...new Set(ips)];
    const { lines } = dispatchTree(unique.map((ip, i) => ({ ip, target: `POD${i}` })), family, '-d', 'ROOT', (n) => `T${n}`);
    let worst = 0;
    let deepest = 0;
    unique.forEach((ip, i) => {
      const r = walk(lines, 'ROOT', ip);
      assert.equal(r.target, `POD${i}`, ip);
      worst = Math.max(worst, r.tested);
      deepest = Math.max(deepest, r.depth);
    });
    assert.ok(unique.length > 5000);
    assert.ok(worst <= 80, `worst path ${worst} rules for ${unique.length} addresses`);
    assert.ok(deepest <= 8, `${deepest} levels (nf_tables allows 16 in all)`);
    assert.equal(walk(lines, 'ROOT', family === 4 ? '192.0.2.1' : '2001:db8::1').target, undefined);
  });
}
