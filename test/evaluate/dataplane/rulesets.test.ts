// The ruleset evaluators on small hand-written texts: the kernel's semantics the walk must keep, and errors that
// name the line of anything it cannot read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateIptables, parseIptablesRuleset } from '../../../src/evaluate/dataplane/iptables-ruleset.ts';
import { evaluateNft, parseNftRuleset } from '../../../src/evaluate/dataplane/nft-ruleset.ts';
import { RulesetError, type Packet } from '../../../src/evaluate/dataplane/packet.ts';
import { addressValue } from '../../../src/net/ip-address.ts';

const packet = (src: string, dst: string, dport: number, protocol: Packet['protocol'] = 'tcp'): Packet =>
  ({ family: 4, src: addressValue(src, 4), dst: addressValue(dst, 4), protocol, dport });

describe('iptables evaluator', () => {
  const ipset = 'create s hash:net family inet hashsize 1024 maxelem 65536\nadd s 10.0.0.0/24\ncreate p hash:ip,port family inet\nadd p 10.1.0.1,tcp:8080\n';
  const v4 = [
    '*filter', ':NP2DFW - [0:0]', ':G - [0:0]', ':J - [0:0]',
    '-A NP2DFW -m conntrack --ctstate ESTABLISHED,RELATED -m comment --comment "a stamp" -j RETURN',
    '-A NP2DFW -s 10.0.0.9/32 -g G',
    '-A NP2DFW -d 10.1.0.1/32 -j J',
    '-A NP2DFW -j MARK --set-xmark 0x0/0x200000',
    '-A G -p tcp -m multiport --dports 80,8000:8010 -j RETURN',
    '-A G -j DROP',
    '-A J -m set --match-set s src -p tcp -m set --match-set p dst,dst -j MARK --set-xmark 0x200000/0x200000',
    '-A J -m mark --mark 0x200000/0x200000 -j RETURN',
    '-A J -p udp -j REJECT',
    'COMMIT', '',
  ].join('\n');
  const rs = parseIptablesRuleset({ ipset, v4, v6: '' });
  it('goto: RETURN in the chain gone to ends the chain that went there too; a DROP after it is the end of that chain', () => {
    assert.equal(evaluateIptables(rs, packet('10.0.0.9', '10.2.0.1', 8005)).allowed, true);
    const d = evaluateIptables(rs, packet('10.0.0.9', '10.2.0.1', 8011));
    assert.equal(d.allowed, false);
    assert.equal(d.deciding[0].text, '-A G -j DROP');
  });
  it('sets: hash:net by source, hash:ip,port by destination and port; the allow mark returns', () => {
    const d = evaluateIptables(rs, packet('10.0.0.5', '10.1.0.1', 8080));
    assert.equal(d.allowed, true);
    assert.match(d.deciding[0].text, /--match-set p dst,dst/);
    assert.equal(evaluateIptables(rs, packet('10.0.0.5', '10.1.0.1', 53, 'udp')).allowed, false);
  });
  it('the opening packet is NEW: the ESTABLISHED rule does not match it', () => {
    assert.ok(!evaluateIptables(rs, packet('10.0.0.9', '10.2.0.1', 1)).matched.some((r) => r.text.includes('ESTABLISHED')));
  });
  it('refuses what it cannot read, naming the line', () => {
    assert.throws(() => parseIptablesRuleset({ ipset: '', v4: '*filter\n:X - [0:0]\n-A X -m string --string foo -j DROP\nCOMMIT\n', v6: '' }), (e: Error) => e instanceof RulesetError && /v4 line 3: match module string is not evaluated/.test(e.message));
    assert.throws(() => parseIptablesRuleset({ ipset: '', v4: '*filter\n:X - [0:0]\n-A X -m set --match-set nope src -j DROP\nCOMMIT\n', v6: '' }), /v4 line 3: set nope does not exist/);
  });
});

describe('nftables evaluator', () => {
  const text = [
    'table inet t {',
    '\tset a {', '\t\ttype ipv4_addr', '\t\tflags interval', '\t\telements = { 10.0.0.0/24,', '\t\t\t10.9.0.1-10.9.0.3 }', '\t}',
    '\tchain c1 {', '\t\ttcp dport { 80, 90-95 } accept', '\t\tip saddr @a drop', '\t}',
    '\tmap m {', '\t\ttype ipv4_addr : verdict', '\t\telements = { 10.1.0.1 : jump c1 }', '\t}',
    '\tchain first {', '\t\ttype filter hook forward priority filter; policy accept;', '\t\tct state established,related accept', '\t\tip daddr vmap @m', '\t}',
    '\tchain second {', '\t\ttype filter hook forward priority filter + 1; policy accept;', '\t\tip daddr 10.1.0.1 meta l4proto tcp reject with tcp reset', '\t}',
    '}', '',
  ].join('\n');
  const rs = parseNftRuleset(text);
  it('accept ends one base chain only: the next base chain by priority still judges the packet', () => {
    const d = evaluateNft(rs, packet('10.0.0.5', '10.1.0.1', 92));
    assert.equal(d.allowed, false);
    assert.match(d.deciding[0].text, /chain second: .*reject/);
  });
  it('interval sets hold ranges; a vmap miss falls through to the policy', () => {
    assert.equal(evaluateNft(rs, packet('10.9.0.2', '10.1.0.1', 53, 'udp')).allowed, false);
    assert.equal(evaluateNft(rs, packet('10.9.0.4', '10.1.0.1', 53, 'udp')).allowed, true);
    assert.equal(evaluateNft(rs, packet('10.9.0.2', '10.1.0.2', 53, 'udp')).allowed, true);
  });
  it('refuses what it cannot read, naming the line', () => {
    assert.throws(() => parseNftRuleset('table inet t {\n\tchain c {\n\t\tip saddr 10.0.0.1 counter accept\n\t}\n}\n'), /nft line 3: counter accept is not evaluated/);
    assert.throws(() => parseNftRuleset('table inet t {\n\tchain c {\n\t\tjump nowhere\n\t}\n}\n'), /nft line 3: chain nowhere does not exist/);
  });
});
