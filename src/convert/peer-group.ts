import type { IPBlock } from '../k8s/network-policy.ts';
import type { Condition, Expression, IPAddressExpression } from '../model/group.ts';
import { subtractCidrs } from '../net/cidr.ts';
import type { Criterion } from './selector-conditions.ts';

/** An ipBlock as static IP members: `cidr` minus every `except`, as positive CIDRs (one family per block). */
export function ipBlockExpression(block: IPBlock): IPAddressExpression {
  return { resource_type: 'IPAddressExpression', ip_addresses: subtractCidrs(block.cidr, block.except) };
}

/**
 * Criteria as a group's expression: each criterion a single Condition or a NestedExpression of conditions joined
 * by AND, the criteria joined by OR.
 */
export function criteriaExpression(criteria: readonly Criterion[]): Expression[] {
  const out: Expression[] = [];
  for (const criterion of criteria) {
    if (out.length) out.push({ resource_type: 'ConjunctionOperator', conjunction_operator: 'OR' });
    if (criterion.length === 1) {
      out.push(criterion[0]);
    } else {
      const expressions: (Condition | { resource_type: 'ConjunctionOperator'; conjunction_operator: 'AND' })[] = [];
      for (const c of criterion) {
        if (expressions.length) expressions.push({ resource_type: 'ConjunctionOperator', conjunction_operator: 'AND' });
        expressions.push(c);
      }
      out.push({ resource_type: 'NestedExpression', expressions });
    }
  }
  return out;
}
