import { GroupExpressionError, groupMembership } from '../../model/group-expression.ts';
import type { Expression, Group } from '../../model/group.ts';
import { groupPath } from '../../model/paths.ts';
import { badRequest } from '../http/api-error.ts';
import type { JsonObject } from './policy-store.ts';

/**
 * Rejects a group body whose expression NSX would reject (400, naming the group and the field), with the same
 * rules every evaluator applies (src/model/group-expression.ts). Child groups named by path are not looked up
 * here: they may arrive in the same request or later.
 */
export function checkGroupExpression(id: string, body: JsonObject): void {
  if (body.expression === undefined) return;
  const path = groupPath(id);
  const stub = (p: string): Group => ({ resource_type: 'Group', id: p, display_name: p, path: p, group_type: ['ANTREA'], expression: [], tags: [] });
  try {
    groupMembership({ ...stub(path), expression: body.expression as unknown as Expression[] }, (p) => (p === path ? undefined : stub(p)));
  } catch (e) {
    if (e instanceof GroupExpressionError) throw badRequest(e.message);
    throw e;
  }
}
