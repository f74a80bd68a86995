// Apply, update, failed apply and removal with nftables, in a network namespace of its own, next to foreign
// tables, chains, sets and iptables rules that must stay untouched.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { labUnavailableReason } from '../../../src/lab/run-lab.ts';
import { mustRun, runCommand } from '../../../src/realize/iptables/host-command.ts';
import { planNode, type NodePlan } from '../../../src/realize/iptables/node-plan.ts';
import { applyNftables, applyNftText, removeNftables } from '../../../src/realize/nftables/apply-nftables.ts';
import { renderNftables } from '../../../src/realize/nftables/render-nftables.ts';
import { cluster, config, ipGroup, labelGroup, named, pod, policy, ports, rule } from '../iptables/dfw-fixture.ts';

const ns = `np2dfw-${process.pid}-apply-nft`;
const unavailable = await labUnavailableReason('nftables');
if (unavailable) process.stderr.write(`NOTICE: nftables apply tests skipped: ${unavailable}\n`);

const c = cluster([
  pod('x', 'a', ['10.0.0.1', 'fd00::1'], { app: 'a' }),
  pod('x', 'b', ['10.0.0.2', 'fd00::2'], { app: 'b' }, { ports: [{ name: 'web', port: 8080, protocol: 'TCP' }] }),
]);
const A = labelGroup('ga', 'x', 'app', 'a');
const B = labelGroup('gb', 'x', 'app', 'b');
const net = ipGroup('net', ['10.9.0.0/16', 'fd09::/32']);
const plan1 = planNode(config([A, B, net], [
  policy('p1', 1, B, [rule('r1', 'ALLOW', 'IN', A, 'ANY', [ports('TCP', '80', '8000-8100')]), rule('r2', 'ALLOW', 'IN', net, 'ANY', [], 1)]),
  policy('p2', 2, B, [rule('r3', 'DROP', 'IN', 'ANY', 'ANY')]),
]), c, 'node');
const plan2 = planNode(config([A, B], [policy('q1', 1, A, [rule('s1', 'ALLOW', 'OUT', 'ANY', B, [named('TCP', 'web')]), rule('s2', 'REJECT', 'OUT', 'ANY', 'ANY', [], 1)])]), c, 'node');

const run = (argv: string[], input?: string) => mustRun(argv, { netns: ns, input });

async function table(name: string): Promise<string> {
  return run(['nft', 'list', 'table', 'inet', name]);
}

/** Every table but np2dfw's (handles and counters are stable: nothing here counts). */
async function foreign(): Promise<string> {
  const tables = (await run(['nft', 'list', 'tables'])).split('\n').filter((l) => l && l !== 'table inet np2dfw');
  const out: string[] = [];
  for (const t of tables) out.push(await run(['nft', 'list', ...t.split(' ')]));
  return out.join('\n');
}

let initial = '';
before(async () => {
  if (unavailable) return;
  await runCommand(['ip', 'netns', 'delete', ns]);
  await mustRun(['ip', 'netns', 'add', ns]);
  await run(['nft', '-f', '-'], [
    'table inet theirs {',
    '  set blocked { type ipv4_addr; elements = { 192.0.2.9 } }',
    '  chain filter_forward { type filter hook forward priority -10; policy accept; ip saddr @blocked drop; tcp dport 25 drop; }',
    '}',
    'table ip other { chain c { tcp dport 22 accept; }; }',
  ].join('\n'));
  await run(['iptables', '-A', 'FORWARD', '-p', 'tcp', '--dport', '23', '-j', 'DROP']);
  initial = await foreign();
  assert.match(initial, /ip saddr @blocked drop/);
  assert.match(initial, /tcp dport 23/);
});

after(async () => {
  if (!unavailable) await runCommand(['ip', 'netns', 'delete', ns]);
});

test('apply then update replace np2dfw\'s own table only', { skip: unavailable }, async () => {
  await applyNftables(plan1, { netns: ns });
  assert.equal(await foreign(), initial);
  const t1 = await table('np2dfw');
  assert.match(t1, /ip saddr @ip4_0 tcp dport \{ 80, 8000-8100 \} accept/);
  assert.match(t1, /10\.0\.0\.2 : jump in_pod0/);
  await applyNftables(plan2, { netns: ns });
  assert.equal(await foreign(), initial);
  const t2 = await table('np2dfw');
  assert.ok(!t2.includes('in_pod0'), 'the previous content is gone');
  assert.match(t2, /ip daddr \. tcp dport @port4_0 accept/);
  assert.match(t2, /10\.0\.0\.2 \. 8080/);
});

test('a failed apply is one refused transaction: the ruleset in force stays as it was', { skip: unavailable }, async () => {
  await applyNftables(plan1, { netns: ns });
  const live = await table('np2dfw');
  const bad: NodePlan = { ...plan2, sets: plan2.sets.map((s, i) => (i === 0 ? { ...s, elements: [...s.elements, '10.0.0.300'] } : s)) };
  await assert.rejects(applyNftables(bad, { netns: ns }), /nft -f - failed/);
  assert.equal(await table('np2dfw'), live);
  // an invalid rule at the very end of the transaction changes nothing either
  const text = renderNftables(plan2).text.replace(/\n}\n$/, '\n\tchain broken { tcp dport 99999 accept }\n}\n');
  await assert.rejects(applyNftText(text, ns), /failed/);
  assert.equal(await table('np2dfw'), live);
  assert.equal(await foreign(), initial);
});

test('remove deletes np2dfw\'s table and nothing else', { skip: unavailable }, async () => {
  await applyNftables(plan1, { netns: ns });
  await removeNftables({ netns: ns });
  assert.equal(await foreign(), initial);
  assert.ok(!(await run(['nft', 'list', 'tables'])).includes('np2dfw'));
});

test('SCTP rules load (the lab cannot probe SCTP here, but the kernel takes the rules)', { skip: unavailable }, async () => {
  const sctp = planNode(config([A, B], [policy('s', 1, B, [rule('sctp', 'ALLOW', 'IN', A, 'ANY', [ports('SCTP', '9000', '9100-9200'), ports('SCTP')]), rule('d', 'DROP', 'IN', 'ANY', 'ANY', [], 1)])]), c, 'node');
  await applyNftables(sctp, { netns: ns });
  assert.match(await table('np2dfw'), /sctp dport \{ 9000, 9100-9200 \} accept[\s\S]*meta l4proto sctp accept/);
  await removeNftables({ netns: ns });
});
