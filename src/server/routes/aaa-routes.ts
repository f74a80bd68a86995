import { ApiError, badRequest, ERROR_CODES, notFound } from '../http/api-error.ts';
import { idPageRequest, cursorAfter } from '../http/paging.ts';
import { queryString } from '../http/query.ts';
import type { RouteSpec } from '../http/route.ts';
import { LIST_RESULT_SCHEMA, TOKEN_REQUEST_SCHEMA, USER_SCHEMA } from '../http/schemas.ts';
import { validateBody } from '../http/validate-body.ts';
import { clusterNameProblem, parseRole, PERMISSIONS, ROLE_NAMES, ROLES, roleAllows } from '../auth/roles.ts';
import type { ServerContext } from '../server-context.ts';
import { newToken, USER_NAME_PATTERN } from '../store/user-store.ts';
import { hashSecret } from '../auth/password-hash.ts';
import { passwordProblem } from '../auth/password-policy.ts';

/** Users, roles, tokens, and the audit log. */
export function aaaRoutes(ctx: ServerContext): RouteSpec[] {
  const users = ctx.users;
  return [
    { method: 'GET', url: '/api/v1/aaa/user-info', summary: 'Who am I: the caller\'s name and role', permission: 'authenticated',
      handler: async (h) => ({ user_name: h.principal.name, role: h.principal.role, role_name: ROLE_NAMES[h.principal.role], ...(h.principal.cluster ? { cluster: h.principal.cluster } : {}),
        permissions: PERMISSIONS.filter((p) => roleAllows(h.principal.role, p)) }) },
    { method: 'GET', url: '/api/v1/aaa/roles', summary: 'The roles', permission: 'users.manage',
      handler: async () => ({ results: ROLES.map((r) => ({ role: r, name: ROLE_NAMES[r] })), result_count: ROLES.length }) },
    { method: 'GET', url: '/api/v1/aaa/users', summary: 'List users', permission: 'users.manage', response: LIST_RESULT_SCHEMA,
      handler: async () => {
        const results = await users.list();
        return { results, result_count: results.length };
      } },
    { method: 'GET', url: '/api/v1/aaa/users/:name', summary: 'Read a user and its tokens', permission: 'users.manage',
      handler: async (h) => {
        const u = await users.get(h.params.name);
        if (!u) throw notFound(`user ${h.params.name} does not exist`);
        return { ...u, tokens: await users.tokensOf(u.name) };
      } },
    { method: 'PUT', url: '/api/v1/aaa/users/:name', summary: 'Add or change a user (role, adapter cluster, password)', permission: 'users.manage',
      audit: 'user.put', body: USER_SCHEMA, handler: async (h) => {
        const name = h.params.name;
        if (!USER_NAME_PATTERN.test(name)) throw badRequest(`user name "${name}": use 1-64 letters, digits, . _ @ -`);
        const body = validateBody<{ role: string; cluster?: string; password?: string }>(USER_SCHEMA, h.body);
        const role = parseRole(body.role);
        if (!role) throw badRequest(`role "${body.role}": use one of ${ROLES.map((r) => `${r} (${ROLE_NAMES[r]})`).join(', ')}`);
        if ((role === 'antrea_adapter') !== (body.cluster !== undefined)) {
          throw badRequest('cluster: an antrea_adapter user needs its cluster, and only it takes one');
        }
        const clusterProblem = body.cluster === undefined ? undefined : clusterNameProblem(body.cluster);
        if (clusterProblem) throw badRequest(clusterProblem);
        if (name === h.principal.name && role !== 'enterprise_admin') {
          throw new ApiError(400, ERROR_CODES.INVALID_REQUEST, 'you cannot take the Enterprise Admin role away from yourself');
        }
        const weak = body.password === undefined ? undefined : passwordProblem(body.password);
        if (weak) throw badRequest(`password: ${weak}`);
        const hash = body.password === undefined ? null : await hashSecret(body.password);
        const existed = (await users.get(name)) !== undefined;
        return ctx.change(h, `user ${name}`, () => users.upsertHashed(name, role, body.cluster, hash),
          () => `${existed ? 'changed' : 'added'}, role ${role}${hash ? ', password set' : ''}`);
      } },
    { method: 'DELETE', url: '/api/v1/aaa/users/:name', summary: 'Remove a user and its tokens', permission: 'users.manage', audit: 'user.delete',
      handler: async (h) => {
        if (h.params.name === h.principal.name) throw badRequest('you cannot remove yourself');
        await ctx.change(h, `user ${h.params.name}`, () => users.remove(h.params.name), (existed) => (existed ? 'removed' : 'did not exist'));
        return undefined;
      } },
    { method: 'POST', url: '/api/v1/aaa/users/:name/tokens', summary: 'Create an API token for a user (shown once)', permission: 'users.manage',
      audit: 'token.create', body: TOKEN_REQUEST_SCHEMA, status: 201, handler: async (h) => {
        const body = validateBody<{ description?: string }>(TOKEN_REQUEST_SCHEMA, h.body ?? {});
        if (!(await users.get(h.params.name))) throw notFound(`user ${h.params.name} does not exist`);
        const t = await newToken();
        await ctx.change(h, `user ${h.params.name}`, () => users.storeToken(h.params.name, body.description ?? '', t), () => `token ${t.id}`);
        return { id: t.id, token: t.token };
      } },
    { method: 'DELETE', url: '/api/v1/aaa/users/:name/tokens/:id', summary: 'Revoke a token', permission: 'users.manage', audit: 'token.revoke',
      handler: async (h) => {
        await ctx.change(h, `user ${h.params.name}`, () => users.revokeToken(h.params.name, h.params.id), (existed) => (existed ? `token ${h.params.id} revoked` : 'no such token'));
        return undefined;
      } },
    { method: 'GET', url: '/api/v1/audit-log', summary: 'The audit log, oldest first', permission: 'audit.read',
      query: { cursor: 'opaque cursor from the previous page', page_size: 'entries per page, 1-1000', user: 'only this user', action: 'only this action' },
      response: LIST_RESULT_SCHEMA, handler: async (h) => {
        const page = idPageRequest(h.query);
        const after = page.after === '' ? 0 : Number(page.after);
        const { entries, total } = await ctx.audit.page(after, page.size + 1, { user: queryString(h.query, 'user'), action: queryString(h.query, 'action') });
        const results = entries.slice(0, page.size);
        return { results, result_count: total, ...(entries.length > page.size ? { cursor: cursorAfter(String(results[results.length - 1].id)) } : {}) };
      } },
  ];
}
