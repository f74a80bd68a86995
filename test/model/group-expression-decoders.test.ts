// One meaning per NSX group expression, whichever way a group arrives: the same table of expressions
// (group-expression-table.ts) is decoded as `--against` reads an NSX configuration (decodeNsxConfig), as
// `np2dfw serve` takes a written or stored group (decodeGroup, child groups looked up when evaluated), and given
// to the model's evaluator directly. All three must accept the same expressions with the same membership, and
// reject the same expressions with the same group, field and reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFieldPath } from '../../src/k8s/field-path.ts';
import type { InputProblem } from '../../src/k8s/invalid-input.ts';
import { decodeNsxConfig } from '../../src/model/decode/decode-nsx-config.ts';
import { GroupExpressionError, groupMembership, type GroupMembership } from '../../src/model/group-expression.ts';
import type { Group } from '../../src/model/group.ts';
import { groupPath } from '../../src/model/paths.ts';
import { decodeGroup } from '../../src/server/store/decode-dfw.ts';
import { CHILDREN, group, MEMBERS, REJECTED, tag } from './group-expression-table.ts';

/** A decoder's verdict on group g: its membership, or the error message naming the group and the field. */
type Verdict = { readonly membership: GroupMembership } | { readonly error: string };

const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
const byPath = new Map(CHILDREN.map((g) => [g.path, g]));

/** The child groups an expression names, transitively, in the table's order. */
function childrenOf(expression: readonly unknown[]): Group[] {
  const named = new Set<string>();
  const visit = (list: readonly unknown[]): void => {
    for (const x of list) {
      const paths = (x as { resource_type?: unknown; paths?: unknown }).resource_type === 'PathExpression' ? (x as { paths: unknown[] }).paths : [];
      for (const p of paths) {
        if (typeof p !== 'string' || named.has(p) || !byPath.has(p)) continue;
        named.add(p);
        visit(byPath.get(p)!.expression);
      }
    }
  };
  visit(expression);
  return CHILDREN.filter((c) => named.has(c.path));
}

function caught(f: () => GroupMembership): Verdict {
  try {
    return { membership: f() };
  } catch (e) {
    if (e instanceof GroupExpressionError) return { error: e.message };
    return { error: `not a GroupExpressionError: ${String(e)}` };
  }
}

const DECODERS: readonly { name: string; verdict: (expression: readonly unknown[]) => Verdict }[] = [
  {
    name: 'model evaluator',
    verdict: (expression) => caught(() => groupMembership(group('g', expression), (p) => byPath.get(p))),
  },
  {
    name: '--against (decodeNsxConfig)',
    verdict: (expression) => {
      const groups = [...childrenOf(expression), group('g', expression)].map((g) => json({ resource_type: 'Group', id: g.id, group_type: ['ANTREA'], expression: g.expression }));
      const problems: InputProblem[] = [];
      const { config } = decodeNsxConfig([{ file: 'f.json', value: { results: groups } }], problems);
      if (problems.length) {
        // `Group <path>: results[i].<field>: <reason>` as the model says it: `group <path>: <field>: <reason>`.
        return { error: problems.map((p) => `group ${p.object!.slice('Group '.length)}: ${formatFieldPath(p.path.slice(2))}: ${p.message}`).join('\n') };
      }
      const decoded = new Map(config.groups.map((g) => [g.path, g]));
      return caught(() => groupMembership(decoded.get(groupPath('g'))!, (p) => decoded.get(p)));
    },
  },
  {
    name: 'np2dfw serve (decodeGroup, then evaluation)',
    verdict: (expression) => {
      const decoded = new Map<string, Group>();
      try {
        for (const g of [...childrenOf(expression), group('g', expression)]) decoded.set(g.path, decodeGroup(json({ display_name: g.id, expression: g.expression }), g.id));
      } catch (e) {
        return { error: e instanceof GroupExpressionError ? e.message : `not a GroupExpressionError: ${String(e)}` };
      }
      return caught(() => groupMembership(decoded.get(groupPath('g'))!, (p) => decoded.get(p)));
    },
  },
];

/** Structurally hostile entries: rejected by the one validator too, with the field named. */
const HOSTILE: readonly { name: string; expression: readonly unknown[]; message: string }[] = [
  { name: 'an entry that is not an object', expression: [5], message: 'expression[0].resource_type: every entry needs a resource_type' },
  { name: 'a Condition without fields', expression: [{ resource_type: 'Condition' }], message: 'expression[0].member_type: expected a string, got nothing' },
  { name: 'a value that is a number', expression: [{ ...tag('Pod', 'a|b'), value: 7 }], message: 'expression[0].value: expected a string, got number' },
  { name: 'an unknown resource_type', expression: [{ resource_type: 'ExternalIDExpression', external_ids: ['x'] }], message: 'expression[0].resource_type: ExternalIDExpression: not a group expression np2dfw evaluates' },
  { name: 'paths that are not strings', expression: [{ resource_type: 'PathExpression', paths: [1] }], message: 'expression[0].paths[0]: expected a path' },
];

describe('group expressions: every decoder agrees with the model', () => {
  for (const c of MEMBERS) {
    it(`accepts ${c.name}, with the same membership`, () => {
      const verdicts = DECODERS.map((d) => d.verdict(c.expression));
      for (const [i, v] of verdicts.entries()) assert.ok('membership' in v, `${DECODERS[i].name}: ${'error' in v ? v.error : ''}`);
      for (const v of verdicts.slice(1)) assert.deepEqual(v, verdicts[0]);
    });
  }
  for (const c of [...REJECTED, ...HOSTILE]) {
    it(`rejects ${c.name} with the same message`, () => {
      const verdicts = DECODERS.map((d) => d.verdict(c.expression));
      for (const [i, v] of verdicts.entries()) {
        assert.ok('error' in v, `${DECODERS[i].name} accepted it`);
        assert.match(v.error, /^group \/infra\/domains\/default\/groups\//);
        assert.ok(v.error.includes(c.message), `${DECODERS[i].name}: ${v.error}\n  should include: ${c.message}`);
      }
      for (const [i, v] of verdicts.entries()) assert.deepEqual(v, verdicts[0], `${DECODERS[i].name} differs from ${DECODERS[0].name}`);
    });
  }
});
