// The stored DFW objects decoded into the model (what verification evaluates), kept per object so that a holder
// (the import worker) can decode again only the rows that changed: PolicyStore.dfwChangesSince names them. A full
// decode and any sequence of partial ones give the same result for the same rows.
import type { DfwConfig } from '../../model/dfw-config.ts';
import type { Group } from '../../model/group.ts';
import { groupMembership } from '../../model/group-expression.ts';
import { groupPath, rulePath, securityPolicyPath } from '../../model/paths.ts';
import type { Rule } from '../../model/rule.ts';
import type { SecurityPolicy } from '../../model/security-policy.ts';
import { storedOrigins } from '../../convert/stored-origins.ts';
import { DfwDecodeError, decodeGroup, decodeRule, decodeSecurityPolicy } from './decode-dfw.ts';

/** A stored object that cannot be evaluated: its path and why. */
export interface UndecodableObject {
  readonly path: string;
  readonly problem: string;
}

/** The stored DFW objects decoded; the ones that do not decode are left out and named in `undecodable`. */
export interface DecodedDfw {
  readonly config: DfwConfig;
  readonly undecodable: readonly UndecodableObject[];
  /** The groups of `config` by path (kept with the state: indexing 60,000 groups again per import costs). */
  readonly groupsByPath: ReadonlyMap<string, Group>;
}

/** Stored rows of groups, security policies and rules (bodies as stored: hostile until decoded). */
export interface DfwRows {
  readonly groups: readonly { readonly id: string; readonly body: string }[];
  readonly policies: readonly { readonly id: string; readonly body: string }[];
  readonly rules: readonly { readonly policy_id: string; readonly id: string; readonly body: string }[];
}

/** The ids of the groups and security policies (itself or its rules) whose rows changed. */
export interface DfwChanged {
  readonly groups: Iterable<string>;
  readonly policies: Iterable<string>;
}

function problemOf(path: string, e: unknown): UndecodableObject {
  return { path, problem: e instanceof DfwDecodeError ? e.message : e instanceof SyntaxError ? 'the stored JSON is damaged' : String((e as Error).message) };
}

type GroupEntry = { readonly group: Group; readonly hasChildren: boolean } | { readonly problem: UndecodableObject };

interface PolicyEntry {
  /** Absent when the policy or one of its rules does not decode. */
  readonly policy?: SecurityPolicy;
  readonly ruleProblems: readonly UndecodableObject[];
  readonly problem?: UndecodableObject;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Decoded groups and security policies by id. `apply` decodes the rows of the ids that changed (an id without a
 * row was deleted); `result` is the configuration in the order a full read gives (by id, as the database sorts
 * ids: by code unit), computed again only after a change. Child groups (PathExpression) are looked up among the
 * decoded groups: a missing one or a cycle makes the group undecodable, checked again after every change.
 */
export class DecodedDfwState {
  readonly #groups = new Map<string, GroupEntry>();
  readonly #policies = new Map<string, PolicyEntry>();
  #result?: DecodedDfw;

  /** The state of every row given (a full read). */
  static of(rows: DfwRows): DecodedDfwState {
    const s = new DecodedDfwState();
    s.apply({ groups: rows.groups.map((g) => g.id), policies: rows.policies.map((p) => p.id) }, rows);
    return s;
  }

  /** Replaces the objects of the ids in `changed` by their rows in `rows` (the rows of exactly those ids). */
  apply(changed: DfwChanged, rows: DfwRows): void {
    this.#result = undefined;
    for (const id of changed.groups) this.#groups.delete(id);
    for (const id of changed.policies) this.#policies.delete(id);
    for (const r of rows.groups) {
      try {
        const group = decodeGroup(JSON.parse(r.body), r.id);
        this.#groups.set(r.id, { group, hasChildren: group.expression.some((x) => x.resource_type === 'PathExpression') });
      } catch (e) {
        this.#groups.set(r.id, { problem: problemOf(groupPath(r.id), e) });
      }
    }
    const rulesOf = new Map<string, { rules: Rule[]; problems: UndecodableObject[] }>();
    for (const r of rows.rules) {
      let entry = rulesOf.get(r.policy_id);
      if (!entry) rulesOf.set(r.policy_id, (entry = { rules: [], problems: [] }));
      try {
        entry.rules.push(decodeRule(JSON.parse(r.body), r.policy_id, r.id));
      } catch (e) {
        entry.problems.push(problemOf(rulePath(r.policy_id, r.id), e));
      }
    }
    for (const r of rows.policies) {
      const { rules, problems } = rulesOf.get(r.id) ?? { rules: [], problems: [] };
      rules.sort((a, b) => a.sequence_number - b.sequence_number || byCodeUnits(a.id, b.id));
      try {
        const policy = decodeSecurityPolicy(JSON.parse(r.body), r.id, rules);
        this.#policies.set(r.id, problems.length ? { ruleProblems: problems } : { policy, ruleProblems: problems });
      } catch (e) {
        this.#policies.set(r.id, { ruleProblems: problems, problem: problemOf(securityPolicyPath(r.id), e) });
      }
    }
  }

  /** The decoded configuration and the objects left out. */
  result(): DecodedDfw {
    if (this.#result) return this.#result;
    const undecodable: UndecodableObject[] = [];
    const groups: Group[] = [];
    const withChildren: Group[] = [];
    for (const id of [...this.#groups.keys()].sort(byCodeUnits)) {
      const e = this.#groups.get(id)!;
      if ('problem' in e) { undecodable.push(e.problem); continue; }
      groups.push(e.group);
      if (e.hasChildren) withChildren.push(e.group);
    }
    // only a group with child groups can stop resolving when other groups change (the rest was checked decoding it)
    const byPath = new Map(groups.map((g) => [g.path, g]));
    for (const g of withChildren) {
      try {
        groupMembership(g, (p) => byPath.get(p));
      } catch (e) {
        undecodable.push(problemOf(g.path, e));
      }
    }
    const ids = [...this.#policies.keys()].sort(byCodeUnits);
    const policies: SecurityPolicy[] = [];
    for (const id of ids) undecodable.push(...this.#policies.get(id)!.ruleProblems);
    for (const id of ids) {
      const e = this.#policies.get(id)!;
      if (e.problem) undecodable.push(e.problem);
      if (e.policy) policies.push(e.policy);
    }
    this.#result = { config: { groups, policies, origins: storedOrigins(policies) }, undecodable, groupsByPath: byPath };
    return this.#result;
  }
}
