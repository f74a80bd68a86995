import { decodeGroupExpression, GroupExpressionError } from '../../model/group-expression.ts';
import { groupPath } from '../../model/paths.ts';
import { badRequest } from '../http/api-error.ts';
import type { JsonObject } from './policy-store.ts';

/**
 * Rejects a group body whose expression NSX would reject (400, naming the group and the field) before anything is
 * written, with the rules every decoder and evaluator applies (src/model/group-expression.ts). Child groups named
 * by path are not looked up here: they may arrive in the same request or later.
 */
export function checkGroupExpression(id: string, body: JsonObject): void {
  if (body.expression === undefined) return;
  try {
    decodeGroupExpression(groupPath(id), body.expression);
  } catch (e) {
    if (e instanceof GroupExpressionError) throw badRequest(e.message);
    throw e;
  }
}
