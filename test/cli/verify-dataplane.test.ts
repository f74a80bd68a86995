// `np2dfw verify --target iptables|nftables` and `explain --via`: the rendered Linux rulesets, evaluated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNp2dfw } from './run-cli.ts';

describe('np2dfw verify --target iptables|nftables', () => {
  for (const target of ['iptables', 'nftables']) {
    for (const example of ['seed-003', 'shop', 'dual-stack']) {
      it(`${target}, examples/${example}: equivalent, exit 0`, () => {
        const r = runNp2dfw(['verify', '-f', `examples/${example}`, '--target', target]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`^equivalent: ${target} allows exactly what kubernetes allows\\n`));
      });
    }
  }

  it('explain --via nftables names the node and the nft rule that dropped the connection', () => {
    const r = runNp2dfw(['explain', '-f', 'examples/seed-003', '--via', 'nftables', '--from', 'default/worker', '--to', 'default/db', '--port', '6379']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /DENIED/);
    assert.match(r.stdout, /node node-1: dropped by nft line \d+: chain b\d+: drop/);
  });

  it('explain --via iptables names the rules that allowed it', () => {
    const r = runNp2dfw(['explain', '-f', 'examples/seed-003', '--via', 'iptables', '--from', 'default/frontend', '--to', 'default/db', '--port', '6379']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /allowed by v4 line \d+: -A NP2DFW-a-B\d+ -m set --match-set np2dfw-a-i4-\d+ src -p tcp -m multiport --dports 6379 -j MARK/);
  });
});
