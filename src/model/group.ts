import type { Tag } from './tag.ts';

/** What a Condition matches: a pod or a namespace (Antrea groups). */
export type MemberType = 'Pod' | 'Namespace';
/** Tag: a label `key|value`; Name: the object's name. */
export type ConditionKey = 'Tag' | 'Name';
export type ConditionOperator = 'EQUALS' | 'NOTEQUALS';

/**
 * A membership condition. For `key: Tag`, `value` is `"labelkey|labelvalue"`; for `key: Name` (member_type
 * Namespace), the namespace's name. What a condition means, and which conditions are rejected, is decided in one
 * place: `conditionRequirement` in `group-expression.ts`.
 */
export interface Condition {
  readonly resource_type: 'Condition';
  readonly member_type: MemberType;
  readonly key: ConditionKey;
  readonly operator: ConditionOperator;
  readonly scope_operator?: ConditionOperator;
  readonly value: string;
}

/** AND or OR between two expressions of a list. */
export interface ConjunctionOperator {
  readonly resource_type: 'ConjunctionOperator';
  readonly conjunction_operator: 'AND' | 'OR';
}

/** One criterion made of conditions joined by AND: `[cond, AND, cond, ...]`. */
export interface NestedExpression {
  readonly resource_type: 'NestedExpression';
  readonly expressions: readonly (Condition | ConjunctionOperator)[];
}

/** Static IP members: addresses or CIDRs of one family. */
export interface IPAddressExpression {
  readonly resource_type: 'IPAddressExpression';
  readonly ip_addresses: readonly string[];
}

/** Members by path: the members of other groups (child groups). */
export interface PathExpression {
  readonly resource_type: 'PathExpression';
  readonly paths: readonly string[];
}

/** One entry of a group's expression list. What each means is decided in `group-expression.ts`. */
export type Expression = Condition | ConjunctionOperator | NestedExpression | IPAddressExpression | PathExpression;

/**
 * An NSX Group of type ANTREA. `expression` is a list of criteria (Condition, NestedExpression or
 * IPAddressExpression) separated by ConjunctionOperators (OR between criteria).
 */
export interface Group {
  readonly resource_type: 'Group';
  readonly id: string;
  readonly display_name: string;
  readonly path: string;
  readonly group_type: readonly ['ANTREA'];
  readonly expression: readonly Expression[];
  readonly tags: readonly Tag[];
  readonly description?: string;
}
