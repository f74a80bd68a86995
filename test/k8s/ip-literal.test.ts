import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalCidrText, formatIp, isStrictSubset, parseCidrLiteral, parseIpLiteral } from '../../src/k8s/validate/ip-literal.ts';

const cidr = (s: string) => {
  const c = parseCidrLiteral(s);
  assert.ok(c, `${s} should parse`);
  return c;
};

describe('IP and CIDR literals as the API server parses them', () => {
  test('IPv4: four decimal octets, leading zeros noted (decimal, not octal)', () => {
    assert.deepEqual(parseIpLiteral('10.1.2.3'), { family: 4, value: 0x0a010203n, leadingZeros: false, mapped: false });
    assert.deepEqual(parseIpLiteral('010.01.2.3'), { family: 4, value: 0x0a010203n, leadingZeros: true, mapped: false });
    for (const bad of ['10.1.2', '10.1.2.3.4', '256.1.1.1', '1.2.3.', '.1.2.3', '1..2.3', '1.2.3.4 ', 'a.b.c.d', '', '1.2.3.-4']) {
      assert.equal(parseIpLiteral(bad), undefined, bad);
    }
  });

  test('IPv6: groups, one ::, a trailing dotted quad; no zones', () => {
    assert.equal(parseIpLiteral('::')!.value, 0n);
    assert.equal(parseIpLiteral('::1')!.value, 1n);
    assert.equal(parseIpLiteral('fd00::1')!.value, (0xfd00n << 112n) | 1n);
    assert.equal(parseIpLiteral('1:2:3:4:5:6:7:8')!.value, 0x00010002000300040005000600070008n);
    assert.equal(parseIpLiteral('1:2:3:4:5:6:7::')!.value, 0x00010002000300040005000600070000n);
    assert.equal(parseIpLiteral('64:ff9b::10.0.0.1')!.value, (0x64ff9bn << 96n) | 0x0a000001n);
    assert.equal(parseIpLiteral('::ffff:10.0.0.1')!.mapped, true);
    assert.equal(parseIpLiteral('::fffe:10.0.0.1')!.mapped, false);
    for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'fe80::1%eth0', ':::', 'g::', '1:2:3:4:5:6:7:8::', '::1.2.3']) {
      assert.equal(parseIpLiteral(bad), undefined, bad);
    }
  });

  test('CIDRs: a prefix within the family, host bits and leading zeros noted', () => {
    const c = cidr('10.1.2.3/16');
    assert.equal(c.network, 0x0a010000n);
    assert.equal(canonicalCidrText(c), '10.1.0.0/16');
    assert.equal(cidr('10.0.0.0/08').leadingZeros, true);
    assert.equal(cidr('0.0.0.0/0').prefix, 0);
    assert.equal(canonicalCidrText(cidr('fd00:0:0:1:2::/64')), 'fd00:0:0:1::/64');
    for (const bad of ['10.0.0.0', '10.0.0.0/', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/8', '10.0.0.0/+8', '/8', '10.0.0.0/ 8']) {
      assert.equal(parseCidrLiteral(bad), undefined, bad);
    }
  });

  test('strict subsets: same family, longer prefix, inside', () => {
    assert.equal(isStrictSubset(cidr('10.0.0.0/8'), cidr('10.1.0.0/16')), true);
    assert.equal(isStrictSubset(cidr('10.0.0.0/8'), cidr('10.0.0.0/8')), false);
    assert.equal(isStrictSubset(cidr('10.0.0.0/8'), cidr('11.0.0.0/16')), false);
    assert.equal(isStrictSubset(cidr('10.1.0.0/16'), cidr('10.0.0.0/8')), false);
    assert.equal(isStrictSubset(cidr('0.0.0.0/0'), cidr('::/1')), false);
    assert.equal(isStrictSubset(cidr('::/0'), cidr('fd00::/8')), true);
    assert.equal(isStrictSubset(cidr('10.0.0.0/8'), cidr('10.255.255.255/32')), true);
  });

  test('canonical text: RFC 5952 for IPv6', () => {
    assert.equal(formatIp(6, 0n), '::');
    assert.equal(formatIp(6, 1n), '::1');
    assert.equal(formatIp(6, parseIpLiteral('2001:db8:0:0:1:0:0:1')!.value), '2001:db8::1:0:0:1');
    assert.equal(formatIp(6, parseIpLiteral('2001:db8:0:1:1:1:1:1')!.value), '2001:db8:0:1:1:1:1:1');
    assert.equal(formatIp(6, parseIpLiteral('FD00:0:0:0:0:0:0:0')!.value), 'fd00::');
    assert.equal(formatIp(4, 0x0a000001n), '10.0.0.1');
  });
});
