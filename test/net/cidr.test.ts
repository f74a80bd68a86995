import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidrAround, cidrRange, cidrWithExceptHolds, parseCidrWithExcept, rangeHolds } from '../../src/net/cidr.ts';
import { addressValue, formatAddress } from '../../src/net/ip-address.ts';

describe('cidr ranges and ipBlock membership', () => {
  it('a range holds its first and last address only', () => {
    const r = cidrRange('10.1.0.0/16');
    assert.equal(rangeHolds(r, addressValue('10.1.0.0', 4)), true);
    assert.equal(rangeHolds(r, addressValue('10.1.255.255', 4)), true);
    assert.equal(rangeHolds(r, addressValue('10.2.0.0', 4)), false);
    assert.equal(rangeHolds(r, addressValue('10.0.255.255', 4)), false);
  });

  it('a cidr minus excepts, per family', () => {
    const s = parseCidrWithExcept('fd00::/8', ['fd00:1::/32']);
    assert.equal(cidrWithExceptHolds(s, 6, addressValue('fd00::1', 6)), true);
    assert.equal(cidrWithExceptHolds(s, 6, addressValue('fd00:1::1', 6)), false);
    assert.equal(cidrWithExceptHolds(s, 6, addressValue('fe00::', 6)), false);
    assert.equal(cidrWithExceptHolds(s, 4, 1n), false, 'another family never matches');
    const all4 = parseCidrWithExcept('0.0.0.0/0', ['255.255.255.255/32']);
    assert.equal(cidrWithExceptHolds(all4, 4, addressValue('0.0.0.0', 4)), true);
    assert.equal(cidrWithExceptHolds(all4, 4, addressValue('255.255.255.254', 4)), true);
    assert.equal(cidrWithExceptHolds(all4, 4, addressValue('255.255.255.255', 4)), false);
  });

  it('addressValue reads IPv4 fast and IPv6 exactly', () => {
    assert.equal(addressValue('1.2.3.4', 4), 0x01020304n);
    assert.equal(addressValue('::1', 6), 1n);
    assert.equal(addressValue('fd00::', 6), 0xfd00n << 112n);
  });
});

describe('formatting', () => {
  it('formatAddress inverts addressValue', () => {
    for (const ip of ['0.0.0.0', '10.1.2.3', '255.255.255.255']) assert.equal(formatAddress(addressValue(ip, 4), 4), ip);
    for (const ip of ['::', 'fd00::1', '2001:db8::ff:1']) assert.equal(formatAddress(addressValue(ip, 6), 6), ip);
  });

  it('cidrAround gives the network holding the address', () => {
    assert.equal(cidrAround(addressValue('10.1.2.3', 4), 16, 4), '10.1.0.0/16');
    assert.equal(cidrAround(addressValue('10.1.2.3', 4), 32, 4), '10.1.2.3/32');
    assert.equal(cidrAround(addressValue('10.1.2.3', 4), 0, 4), '0.0.0.0/0');
    assert.equal(cidrAround(addressValue('fd00::1:2', 6), 112, 6), 'fd00::1:0/112');
  });
});
