import { badRequest } from '../http/api-error.ts';
import { checkGroupExpression } from './group-expression-check.ts';
import type { JsonObject, PolicyStore } from './policy-store.ts';

/** What a hierarchical PATCH wrote. */
export interface InfraPatchCounts {
  readonly groups: number;
  readonly policies: number;
  readonly deleted: number;
}

/**
 * Applies NSX's hierarchical body (`Infra` > `ChildDomain` default > `ChildGroup` / `ChildSecurityPolicy`, rules
 * inside `SecurityPolicy.rules` or as `ChildRule` children) with PATCH semantics: groups first, then policies, then
 * deletions (`marked_for_delete`) of policies before groups. The caller runs it in one transaction, so a failure
 * anywhere leaves nothing written.
 */
export async function applyInfraPatch(store: PolicyStore, infra: JsonObject, user: string): Promise<InfraPatchCounts> {
  const groups: JsonObject[] = [];
  const policies: JsonObject[] = [];
  const deleteGroups: string[] = [];
  const deletePolicies: string[] = [];
  for (const [d, child] of ((infra.children ?? []) as JsonObject[]).entries()) {
    const domain = child.Domain as JsonObject;
    for (const [i, c] of ((domain.children ?? []) as JsonObject[]).entries()) {
      const where = `children[${d}].Domain.children[${i}]`;
      const key = c.resource_type === 'ChildGroup' ? 'Group' : 'SecurityPolicy';
      const obj = c[key] as JsonObject | undefined;
      if (!obj || typeof obj !== 'object') throw badRequest(`${where}: ${c.resource_type as string} needs a ${key}`);
      if (typeof obj.id !== 'string') throw badRequest(`${where}.${key}: the id is required`);
      if (c.marked_for_delete === true || obj.marked_for_delete === true) {
        (key === 'Group' ? deleteGroups : deletePolicies).push(obj.id);
      } else if (key === 'Group') {
        checkGroupExpression(obj.id, obj);
        groups.push(obj);
      } else {
        policies.push(withChildRules(obj, `${where}.SecurityPolicy`));
      }
    }
  }
  for (const g of groups) await store.writeGroup(g.id as string, g, user, 'patch');
  for (const p of policies) await store.writePolicy(p.id as string, p, user, 'patch');
  let deleted = 0;
  for (const id of deletePolicies) if (await store.deletePolicy(id)) deleted++;
  for (const id of deleteGroups) if (await store.deleteGroup(id)) deleted++;
  return { groups: groups.length, policies: policies.length, deleted };
}

function withChildRules(policy: JsonObject, where: string): JsonObject {
  const children = policy.children as JsonObject[] | undefined;
  if (!children) return policy;
  const rules = [...((policy.rules ?? []) as JsonObject[])];
  for (const [i, c] of children.entries()) {
    if (c.resource_type !== 'ChildRule' || typeof c.Rule !== 'object' || c.Rule === null) {
      throw badRequest(`${where}.children[${i}]: only ChildRule children are supported`);
    }
    rules.push(c.Rule as JsonObject);
  }
  const { children: _, ...rest } = policy;
  return { ...rest, rules };
}
