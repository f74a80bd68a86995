import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidrRange } from '../../../src/net/cidr.ts';
import { ipToBigInt } from '../../../src/net/ip-address.ts';
import { dispatchTree } from '../../../src/realize/iptables/dispatch-tree.ts';

/** Follows the tree's rules as iptables would for one address: the target reached and how many rules were tested. */
function walk(lines: string[], root: string, ip: string): { target?: string; tested: number } {
  let chain = root;
  let tested = 0;
  for (;;) {
    const rules = lines.filter((l) => l.startsWith(`-A ${chain} `)).map((l) => l.split(' '));
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
    if (!next) return { tested };
    if (!lines.some((l) => l.startsWith(`-A ${next} `))) return { target: next, tested };
    chain = next;
  }
}

for (const family of [4, 6] as const) {
  test(`dispatch tree (IPv${family}): every address reaches its own chain in about 2·log2(n) rules; others reach none`, () => {
    const ips = Array.from({ length: 1000 }, (_, i) => (family === 4 ? `10.${(i * 7) % 256}.${Math.floor(i / 256)}.${(i * 13) % 250 + 1}` : `fd00::${(i * 7919).toString(16)}`));
    const unique = [...new Set(ips)];
    const { lines } = dispatchTree(unique.map((ip, i) => ({ ip, target: `POD${i}` })), family, '-d', 'ROOT', (n) => `T${n}`);
    let worst = 0;
    unique.forEach((ip, i) => {
      const r = walk(lines, 'ROOT', ip);
      assert.equal(r.target, `POD${i}`, ip);
      worst = Math.max(worst, r.tested);
    });
    assert.ok(worst <= 2 * Math.log2(unique.length) + 8, `worst path ${worst} rules`);
    assert.equal(walk(lines, 'ROOT', family === 4 ? '192.0.2.1' : '2001:db8::1').target, undefined);
  });
}
