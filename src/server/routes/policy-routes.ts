import { notFound, badRequest } from '../http/api-error.ts';
import { pageRequest } from '../http/paging.ts';
import { queryString } from '../http/query.ts';
import type { RouteSpec } from '../http/route.ts';
import { GROUP_SCHEMA, INFRA_SCHEMA, LIST_RESULT_SCHEMA, RULE_SCHEMA, SECURITY_POLICY_SCHEMA } from '../http/schemas.ts';
import { validateBody } from '../http/validate-body.ts';
import type { ServerContext } from '../server-context.ts';
import type { JsonObject, WriteMode } from '../store/policy-store.ts';
import { applyInfraPatch } from '../store/apply-infra.ts';
import { checkGroupExpression } from '../store/group-expression-check.ts';

const DOMAIN = '/policy/api/v1/infra/domains/default';
const PAGING = { cursor: 'opaque cursor from the previous page', page_size: 'results per page, 1-1000 (default 1000)' };

function objectBody(body: unknown, what: string): JsonObject {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`${what}: the body must be a JSON object`);
  return body as JsonObject;
}

/** Groups, security policies, rules, the hierarchical PATCH and realization status. */
export function policyRoutes(ctx: ServerContext): RouteSpec[] {
  const store = ctx.policies;
  const write = (mode: WriteMode, kind: 'group' | 'policy' | 'rule'): RouteSpec['handler'] => async (h) => {
    const body = objectBody(h.body, kind);
    const { id, ruleId } = h.params;
    if (kind === 'group') checkGroupExpression(id, body);
    const target = kind === 'rule' ? `${DOMAIN}/security-policies/${id}/rules/${ruleId}` : `${DOMAIN}/${kind === 'group' ? 'groups' : 'security-policies'}/${id}`;
    const r = await ctx.change(h, target.slice('/policy/api/v1'.length), () =>
      kind === 'group' ? store.writeGroup(id, body, h.principal.name, mode)
        : kind === 'policy' ? store.writePolicy(id, body, h.principal.name, mode)
          : store.writeRule(id, ruleId, body, h.principal.name, mode),
    (res) => `${res.created ? 'created' : 'updated'}, _revision ${res.revision}`);
    return r.object();
  };
  const del = (kind: 'group' | 'policy' | 'rule'): RouteSpec['handler'] => async (h) => {
    const { id, ruleId } = h.params;
    const path = kind === 'rule' ? `/infra/domains/default/security-policies/${id}/rules/${ruleId}`
      : `/infra/domains/default/${kind === 'group' ? 'groups' : 'security-policies'}/${id}`;
    await ctx.change(h, path, () => (kind === 'group' ? store.deleteGroup(id) : kind === 'policy' ? store.deletePolicy(id) : store.deleteRule(id, ruleId)),
      (existed) => (existed ? 'deleted' : 'did not exist'));
    return undefined;
  };
  const get = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw notFound(`${what} does not exist`);
    return v;
  };
  return [
    { method: 'GET', url: `${DOMAIN}/groups`, summary: 'List groups', permission: 'policy.read', query: PAGING, response: LIST_RESULT_SCHEMA,
      handler: async (h) => store.listGroups(pageRequest(h.query)) },
    { method: 'GET', url: `${DOMAIN}/groups/:id`, summary: 'Read a group', permission: 'policy.read', response: GROUP_SCHEMA,
      handler: async (h) => get(await store.getGroup(h.params.id), `group ${h.params.id}`) },
    { method: 'PUT', url: `${DOMAIN}/groups/:id`, summary: 'Create or replace a group (an update needs the current _revision)', permission: 'policy.write',
      audit: 'group.put', body: GROUP_SCHEMA, response: GROUP_SCHEMA, handler: write('put', 'group') },
    { method: 'PATCH', url: `${DOMAIN}/groups/:id`, summary: 'Create or update a group (_revision optional, checked when given)', permission: 'policy.write',
      audit: 'group.patch', body: GROUP_SCHEMA, response: GROUP_SCHEMA, handler: write('patch', 'group') },
    { method: 'DELETE', url: `${DOMAIN}/groups/:id`, summary: 'Delete a group (refused while referenced)', permission: 'policy.write',
      audit: 'group.delete', handler: del('group') },

    { method: 'GET', url: `${DOMAIN}/security-policies`, summary: 'List security policies (without rules)', permission: 'policy.read', query: PAGING,
      response: LIST_RESULT_SCHEMA, handler: async (h) => store.listPolicies(pageRequest(h.query)) },
    { method: 'GET', url: `${DOMAIN}/security-policies/:id`, summary: 'Read a security policy with its rules', permission: 'policy.read',
      response: SECURITY_POLICY_SCHEMA, handler: async (h) => get(await store.getPolicy(h.params.id), `security policy ${h.params.id}`) },
    { method: 'PUT', url: `${DOMAIN}/security-policies/:id`, summary: 'Create or replace a security policy and its rules', permission: 'policy.write',
      audit: 'security-policy.put', body: SECURITY_POLICY_SCHEMA, response: SECURITY_POLICY_SCHEMA, bodyLimit: 16 * 1024 * 1024, handler: write('put', 'policy') },
    { method: 'PATCH', url: `${DOMAIN}/security-policies/:id`, summary: 'Create or update a security policy; rules given are added or changed',
      permission: 'policy.write', audit: 'security-policy.patch', body: SECURITY_POLICY_SCHEMA, response: SECURITY_POLICY_SCHEMA,
      bodyLimit: 16 * 1024 * 1024, handler: write('patch', 'policy') },
    { method: 'DELETE', url: `${DOMAIN}/security-policies/:id`, summary: 'Delete a security policy and its rules', permission: 'policy.write',
      audit: 'security-policy.delete', handler: del('policy') },

    { method: 'GET', url: `${DOMAIN}/security-policies/:id/rules`, summary: 'List the rules of a security policy', permission: 'policy.read',
      query: PAGING, response: LIST_RESULT_SCHEMA, handler: async (h) => store.listRules(h.params.id, pageRequest(h.query)) },
    { method: 'GET', url: `${DOMAIN}/security-policies/:id/rules/:ruleId`, summary: 'Read a rule', permission: 'policy.read', response: RULE_SCHEMA,
      handler: async (h) => get(await store.getRule(h.params.id, h.params.ruleId), `rule ${h.params.ruleId} of security policy ${h.params.id}`) },
    { method: 'PUT', url: `${DOMAIN}/security-policies/:id/rules/:ruleId`, summary: 'Create or replace a rule', permission: 'policy.write',
      audit: 'rule.put', body: RULE_SCHEMA, response: RULE_SCHEMA, handler: write('put', 'rule') },
    { method: 'PATCH', url: `${DOMAIN}/security-policies/:id/rules/:ruleId`, summary: 'Create or update a rule', permission: 'policy.write',
      audit: 'rule.patch', body: RULE_SCHEMA, response: RULE_SCHEMA, handler: write('patch', 'rule') },
    { method: 'DELETE', url: `${DOMAIN}/security-policies/:id/rules/:ruleId`, summary: 'Delete a rule', permission: 'policy.write',
      audit: 'rule.delete', handler: del('rule') },

    { method: 'PATCH', url: '/policy/api/v1/infra', summary: 'Hierarchical API: create or update groups and security policies in one transaction',
      permission: 'policy.write', audit: 'infra.patch', body: INFRA_SCHEMA, bodyLimit: 256 * 1024 * 1024,
      handler: async (h) => {
        const body = validateBody<JsonObject>(INFRA_SCHEMA, h.body);
        await ctx.change(h, '/infra', () => applyInfraPatch(store, body, h.principal.name),
          (n) => `${n.groups} groups, ${n.policies} security policies written, ${n.deleted} deleted`);
        return undefined;
      } },

    { method: 'GET', url: '/policy/api/v1/infra/realized-state/status', summary: 'Realization of a security policy in each cluster of its scope',
      permission: 'policy.read', query: { intent_path: 'the security policy\'s path' },
      handler: async (h) => {
        const path = queryString(h.query, 'intent_path') ?? '';
        const prefix = '/infra/domains/default/security-policies/';
        if (!path.startsWith(prefix)) throw badRequest(`intent_path: give a security policy's path (${prefix}<id>)`);
        const id = path.slice(prefix.length);
        const policy = get(await store.getPolicy(id, false), `security policy ${id}`);
        const clusters = await ctx.realization.ofPolicy(id);
        const states = new Set(clusters.map((c) => c.state));
        const consolidated = states.has('error') ? 'ERROR' : states.has('pending') ? 'IN_PROGRESS' : clusters.length ? 'SUCCESS' : 'UNKNOWN';
        return { intent_path: path, _revision: policy._revision, consolidated_status: { consolidated_status: consolidated }, clusters };
      } },
  ];
}
