// Apply, update, failed apply and removal with ipset + iptables, in a network namespace of its own (never the
// host's netfilter), next to foreign chains, rules and sets that must stay untouched.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { labUnavailableReason } from '../../../src/lab/run-lab.ts';
import { applyIptables, removeIptables } from '../../../src/realize/iptables/apply-iptables.ts';
import { mustRun, runCommand } from '../../../src/realize/iptables/host-command.ts';
import { planNode, type NodePlan } from '../../../src/realize/iptables/node-plan.ts';
import { cluster, config, ipGroup, labelGroup, pod, policy, ports, rule } from './dfw-fixture.ts';

const ns = `np2dfw-${process.pid}-apply-ipt`;
const unavailable = await labUnavailableReason('iptables');
if (unavailable) process.stderr.write(`NOTICE: iptables apply tests skipped: ${unavailable}\n`);

const c = cluster([pod('x', 'a', ['10.0.0.1', 'fd00::1'], { app: 'a' }), pod('x', 'b', ['10.0.0.2', 'fd00::2'], { app: 'b' })]);
const A = labelGroup('ga', 'x', 'app', 'a');
const B = labelGroup('gb', 'x', 'app', 'b');
const net = ipGroup('net', ['10.9.0.0/16', 'fd09::/32']);
const plan1 = planNode(config([A, B, net], [
  policy('p1', 1, B, [rule('r1', 'ALLOW', 'IN', A, 'ANY', [ports('TCP', '80')]), rule('r2', 'ALLOW', 'IN', net, 'ANY', [], 1)]),
  policy('p2', 2, B, [rule('r3', 'DROP', 'IN', 'ANY', 'ANY')]),
]), c, 'node');
const plan2 = planNode(config([A, B], [policy('q1', 1, A, [rule('s1', 'ALLOW', 'OUT', 'ANY', B, [ports('UDP', '53')]), rule('s2', 'DROP', 'OUT', 'ANY', 'ANY', [], 1)])]), c, 'node');

const run = (argv: string[], input?: string) => mustRun(argv, { netns: ns, input });

/** Everything in the namespace's netfilter and ipset state, np2dfw's own objects included. */
async function everything(): Promise<string> {
  return [await run(['iptables-save']), await run(['ip6tables-save']), await run(['ipset', 'save'])]
    .join('\n').split('\n').filter((l) => !l.startsWith('#')).map((l) => l.replace(/\[\d+:\d+\]/g, '[]')).join('\n');
}

/** The same without np2dfw's own chains, rules and sets. */
async function foreign(): Promise<string> {
  return (await everything()).split('\n').filter((l) => !/NP2DFW|np2dfw-/.test(l)).join('\n');
}

let initial = '';
before(async () => {
  if (unavailable) return;
  await runCommand(['ip', 'netns', 'delete', ns]);
  await mustRun(['ip', 'netns', 'add', ns]);
  for (const cmd of ['iptables', 'ip6tables']) {
    await run([cmd, '-N', 'FOREIGN']);
    await run([cmd, '-A', 'FOREIGN', '-p', 'tcp', '--dport', '25', '-j', 'DROP']);
    await run([cmd, '-A', 'FORWARD', '-j', 'FOREIGN']);
    await run([cmd, '-A', 'FORWARD', '-p', 'tcp', '--dport', '22', '-j', 'ACCEPT']);
    await run([cmd, '-t', 'nat', '-A', 'POSTROUTING', '-p', 'udp', '-j', 'RETURN']);
  }
  await run(['ipset', 'create', 'foreign', 'hash:ip']);
  await run(['ipset', 'add', 'foreign', '192.0.2.9']);
  await run(['iptables', '-A', 'FOREIGN', '-m', 'set', '--match-set', 'foreign', 'src', '-j', 'DROP']);
  initial = await everything();
  assert.match(initial, /-A FORWARD -j FOREIGN/);
  assert.match(initial, /add foreign 192\.0\.2\.9/);
});

after(async () => {
  if (!unavailable) await runCommand(['ip', 'netns', 'delete', ns]);
});

test('apply, then update: generations switch, the old one is removed, foreign rules and sets are untouched', { skip: unavailable }, async () => {
  const first = await applyIptables(plan1, { netns: ns });
  assert.equal(first.generation, 'a');
  assert.equal(await foreign(), initial);
  const fwd = await run(['iptables', '-S', 'FORWARD']);
  assert.match(fwd.split('\n')[1], /^-A FORWARD -j NP2DFW$/);
  assert.match(await run(['iptables', '-S', 'NP2DFW-a-B0']), /--match-set np2dfw-a-i4-0 src/);
  assert.match(await run(['ip6tables', '-S', 'NP2DFW']), /-d fd00::2\/128 -j NP2DFW-a-I0/);

  const second = await applyIptables(plan2, { netns: ns });
  assert.equal(second.generation, 'b');
  assert.equal(second.removed, 'a');
  assert.equal(await foreign(), initial);
  const saved = await run(['iptables-save']);
  assert.ok(!saved.includes('NP2DFW-a-'), 'the old generation\'s chains are gone');
  assert.match(saved, /-A NP2DFW -s 10\.0\.0\.1\/32 -j NP2DFW-b-O0/);
  assert.ok(!(await run(['ipset', 'list', '-n'])).includes('np2dfw-a-'), 'the old generation\'s sets are gone');
  // one jump from FORWARD, however often we apply
  await applyIptables(plan1, { netns: ns });
  assert.equal((await run(['iptables', '-S', 'FORWARD'])).split('\n').filter((l) => l.includes('-j NP2DFW')).length, 1);
});

test('a failed apply leaves the ruleset in force as it was, and leaves nothing behind', { skip: unavailable }, async () => {
  await applyIptables(plan2, { netns: ns });
  const before = await everything();
  const badSet: NodePlan = { ...plan1, sets: plan1.sets.map((s, i) => (i === 0 ? { ...s, elements: [...s.elements, '10.0.0.300'] } : s)) };
  await assert.rejects(applyIptables(badSet, { netns: ns }), /ipset restore failed/);
  assert.equal(await everything(), before);
  const badRule = (src: { 4: string[]; 6: string[] }): NodePlan => ({ ...plan1, blocks: plan1.blocks.map((b, i) => (i === 0 ? { ...b, rules: [{ ...b.rules[0], src, services: [{ protocol: 'TCP', ports: ['70000'] }] }] } : b)) });
  const v4set = plan1.sets.find((s) => s.family === 4)!.id;
  const v6set = plan1.sets.find((s) => s.family === 6)!.id;
  // refused by the IPv6 check, before anything is switched
  await assert.rejects(applyIptables(badRule({ 4: [], 6: [v6set] }), { netns: ns }), /ip6tables-restore --noflush --test failed/);
  assert.equal(await everything(), before);
  // refused by the IPv4 commit itself (one transaction: all or nothing)
  await assert.rejects(applyIptables(badRule({ 4: [v4set], 6: [] }), { netns: ns }), /ip netns exec \S+ iptables-restore --noflush failed/);
  assert.equal(await everything(), before);
});

test('remove takes away only np2dfw\'s jump, chains and sets', { skip: unavailable }, async () => {
  await applyIptables(plan1, { netns: ns });
  await removeIptables({ netns: ns });
  assert.equal(await everything(), initial);
});

test('SCTP rules load (the lab cannot probe SCTP here, but the kernel takes the rules)', { skip: unavailable }, async () => {
  const sctp = planNode(config([A, B], [policy('s', 1, B, [rule('sctp', 'ALLOW', 'IN', A, 'ANY', [ports('SCTP', '9000', '9100-9200'), ports('SCTP')]), rule('d', 'DROP', 'IN', 'ANY', 'ANY', [], 1)])]), c, 'node');
  await applyIptables(sctp, { netns: ns });
  const saved = await run(['iptables-save']);
  assert.match(saved, /-p sctp -m set --match-set np2dfw-\w-i4-\d+ src -m multiport --dports 9000,9100:9200 -j MARK/);
  await removeIptables({ netns: ns });
  assert.equal(await everything(), initial);
});

test('when only members change, apply refills the live sets with ipset swap; a failed swap changes nothing', { skip: unavailable }, async () => {
  const first = await applyIptables(plan1, { netns: ns });
  assert.equal(first.how, 'switch');
  // a third app=a pod appears: the same rules, one more member in A's set
  const grown = cluster([...c.pods, pod('x', 'a3', ['10.0.0.3', 'fd00::3'], { app: 'a' })]);
  const plan1b = planNode(config([A, B, net], [
    policy('p1', 1, B, [rule('r1', 'ALLOW', 'IN', A, 'ANY', [ports('TCP', '80')]), rule('r2', 'ALLOW', 'IN', net, 'ANY', [], 1)]),
    policy('p2', 2, B, [rule('r3', 'DROP', 'IN', 'ANY', 'ANY')]),
  ]), grown, 'node');
  // iptables-save stamps its output with the time: compare without those comment lines.
  const rules = async () => (await run(['iptables-save', '-t', 'filter'])).split('\n').filter((l) => !l.startsWith('#')).join('\n');
  const rulesBefore = await rules();
  const second = await applyIptables(plan1b, { netns: ns });
  assert.equal(second.how, 'swap');
  assert.equal(second.generation, first.generation);
  assert.equal(await rules(), rulesBefore, 'no rule changed');
  const setName = `np2dfw-${first.generation}-${plan1b.sets.find((s) => s.kind === 'ip' && s.family === 4 && s.elements.includes('10.0.0.3'))!.id}`;
  assert.match(await run(['ipset', 'list', setName]), /10\.0\.0\.3/);
  assert.equal(await foreign(), initial);
  // new contents that fail in the last set: every set keeps its content, no temporary set is left
  const before = await everything();
  const bad: NodePlan = { ...plan1, sets: plan1.sets.map((s, i) => (i === plan1.sets.length - 1 ? { ...s, elements: [...s.elements, 'bogus'] } : s)) };
  await assert.rejects(applyIptables(bad, { netns: ns }), /ipset restore failed/);
  assert.equal(await everything(), before);
});
