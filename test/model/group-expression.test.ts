// One table of NSX group expressions and their members, run against every consumer of group expressions: the
// model's evaluator, the DFW engine, the ipset/iptables and nftables node plan, and the Antrea realization (its
// ClusterGroups evaluated as Antrea does). Expressions NSX rejects are rejected by each, with the same message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AntreaSelections } from '../../src/evaluate/antrea/antrea-membership.ts';
import { compileGroup } from '../../src/evaluate/dfw/group-membership.ts';
import type { Endpoint } from '../../src/evaluate/endpoint.ts';
import { endpointsOf } from '../../src/evaluate/endpoints.ts';
import { GroupExpressionError, groupMembership, isMember } from '../../src/model/group-expression.ts';
import type { Group } from '../../src/model/group.ts';
import { addressValue } from '../../src/net/ip-address.ts';
import { realizeDfwGroup } from '../../src/realize/antrea/realize-dfw-groups.ts';
import { groupHoldsAddress, indexPods, resolveGroup } from '../../src/realize/iptables/group-members.ts';
import { CHILDREN, cluster, EXTERNAL, group, MEMBERS, REJECTED } from './group-expression-table.ts';

const endpoints = endpointsOf(cluster, 4, [EXTERNAL]);

const byPath = new Map(CHILDREN.map((g) => [g.path, g]));
const lookup = (p: string) => byPath.get(p);

/** Each consumer's view of a group: the endpoints it holds (by id). */
const CONSUMERS: readonly { name: string; members: (g: Group) => string[] }[] = [
  {
    name: 'model evaluator',
    members: (g) => {
      const m = groupMembership(g, lookup);
      return endpoints.filter((e) => isMember(m, {
        pod: e.kind === 'pod' && !e.pod.hostNetwork ? { namespace: e.pod.namespace, labels: e.pod.labels, namespaceLabels: cluster.namespaces.get(e.pod.namespace)!.labels } : undefined,
        address: { family: e.family, value: addressValue(e.ip, e.family) },
      })).map((e) => e.id);
    },
  },
  { name: 'DFW engine', members: (g) => { const c = compileGroup(g, cluster.namespaces, lookup); return endpoints.filter((e) => c.has(e)).map((e) => e.id); } },
  { name: 'ipset/iptables and nftables node plan', members: (g) => { const r = resolveGroup(g, cluster, indexPods(cluster), lookup); return endpoints.filter((e: Endpoint) => groupHoldsAddress(r, e.ip)).map((e) => e.id); } },
  {
    name: 'Antrea realization',
    members: (g) => {
      const objects = realizeDfwGroup(g, {}, lookup);
      const p = new AntreaSelections(cluster, objects).group(objects.at(-1)!.metadata.name);
      return endpoints.filter((e) => p(e)).map((e) => e.id);
    },
  },
];

for (const consumer of CONSUMERS) {
  describe(`group expressions: ${consumer.name}`, () => {
    for (const c of MEMBERS) {
      it(`${c.name}: ${c.members.join(', ') || 'no members'}`, () => {
        assert.deepEqual(consumer.members(group('g', c.expression)).sort(), [...c.members].sort());
      });
    }
    for (const c of REJECTED) {
      it(`rejects ${c.name}, naming the group and the field`, () => {
        assert.throws(() => consumer.members(group('g', c.expression)), (e: unknown) => {
          assert.ok(e instanceof GroupExpressionError, `a GroupExpressionError, not ${String(e)}`);
          assert.ok(e.message.startsWith('group /infra/domains/default/groups/'), e.message);
          assert.ok(e.message.includes(c.message), `${e.message}\n  should include: ${c.message}`);
          return true;
        });
      });
    }
  });
}

it('every consumer rejects with the same message', () => {
  for (const c of REJECTED) {
    const messages = CONSUMERS.map((k) => { try { k.members(group('g', c.expression)); return 'accepted'; } catch (e) { return (e as Error).message; } });
    assert.equal(new Set(messages).size, 1, `${c.name}: ${messages.join(' | ')}`);
  }
});
