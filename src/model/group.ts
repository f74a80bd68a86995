import type { Tag } from './tag.ts';

/** What a Condition matches: a pod or a namespace (Antrea groups). */
export type MemberType = 'Pod' | 'Namespace';
/** Tag: a label `key|value`; Name: the object's name. */
export type ConditionKey = 'Tag' | 'Name';
export type ConditionOperator = 'EQUALS' | 'NOTEQUALS';

/**
 * A membership condition. For `key: Tag`, `value` is `"labelkey|labelvalue"`.
 * - `operator: EQUALS` without `scope_operator`: the label is present with exactly that value (the value may be
 *   empty: `"k|"` then means `k: ""`).
 * - `operator: NOTEQUALS`: the object does not carry the label with that value (objects without the key match,
 *   like Kubernetes' NotIn).
 * - `scope_operator: EQUALS` with an empty value part (`"k|"`): a scope-only match, any value of the key (Exists).
 * - `scope_operator: NOTEQUALS` with an empty value part: the key is absent (DoesNotExist). np2dfw extension:
 *   Antrea groups in NSX do not support it, so only the `extended` conversion profile produces it.
 * For `key: Name` (member_type Namespace), `value` is the namespace's name.
 * np2dfw evaluates conditions case-sensitively, as Antrea enforces them with Kubernetes label selectors (NSX
 * documents its own Condition evaluation as case-insensitive).
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

export type Expression = Condition | ConjunctionOperator | NestedExpression | IPAddressExpression;

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
