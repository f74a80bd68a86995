import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressValue } from '../../src/net/ip-address.ts';
import { cidrHoldsIp, ipBlockHoldsAddress, ipBlockHoldsIp, parsedIpBlock } from '../../src/net/ip-block.ts';

describe('ipBlock membership (the one test for addresses written as text)', () => {
  it('in the cidr and in no except, per family', () => {
    const block = { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.3.4/32'] };
    assert.equal(ipBlockHoldsIp(block, '10.0.0.1'), true);
    assert.equal(ipBlockHoldsIp(block, '10.255.255.255'), true);
    assert.equal(ipBlockHoldsIp(block, '10.1.9.9'), false, 'an except takes it out');
    assert.equal(ipBlockHoldsIp(block, '10.2.3.4'), false);
    assert.equal(ipBlockHoldsIp(block, '10.2.3.5'), true);
    assert.equal(ipBlockHoldsIp(block, '11.0.0.0'), false);
    assert.equal(ipBlockHoldsIp(block, '::a00:1'), false, 'another family never matches');
    assert.equal(ipBlockHoldsIp(block, 'not-an-address'), false);
    assert.equal(ipBlockHoldsAddress(block, 4, addressValue('10.3.0.0', 4)), true);
  });

  it('IPv6 and a block without except', () => {
    assert.equal(ipBlockHoldsIp({ cidr: 'fd00::/8' }, 'fd12::1'), true);
    assert.equal(ipBlockHoldsIp({ cidr: 'fd00::/8', except: ['fd12::/16'] }, 'fd12::1'), false);
    assert.equal(cidrHoldsIp('192.168.0.0/24', '192.168.0.255'), true);
    assert.equal(cidrHoldsIp('192.168.0.0/24', '192.168.1.0'), false);
  });

  it('parses a block once per object', () => {
    const block = { cidr: '10.0.0.0/8', except: [] };
    assert.equal(parsedIpBlock(block), parsedIpBlock(block));
    assert.notEqual(parsedIpBlock(block), parsedIpBlock({ ...block }));
  });
});
