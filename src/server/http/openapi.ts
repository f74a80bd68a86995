import type { RouteSpec } from './route.ts';
import { ERROR_SCHEMA } from './schemas.ts';
import { ROLE_NAMES, type Permission } from '../auth/roles.ts';

/** Builds the OpenAPI 3.1 document of the routes: paths, parameters, bodies, responses and who may call them. */
export function openApiDocument(routes: readonly RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const params = [...r.url.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = Object.entries(r.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, description, schema: { type: 'string' } }));
    const ok = String(r.status ?? (r.method === 'DELETE' ? 200 : 200));
    const errorResponse = { description: 'NSX error body', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      description: `Requires: ${describePermission(r.permission)}${r.ownCluster ? ' (an Antrea Adapter only for its own cluster)' : ''}.`,
      parameters: [...params, ...query],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      responses: {
        [ok]: { description: 'OK', ...(r.response ? { content: { 'application/json': { schema: r.response } } } : {}) },
        400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse,
        ...(r.method === 'PUT' || r.method === 'PATCH' ? { 412: errorResponse } : {}),
        ...(r.body ? { 413: errorResponse } : {}),
      },
      security: [{ basic: [] }, { bearer: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'np2dfw management plane (NSX Policy API subset)', version },
    paths,
    components: {
      schemas: { ApiError: ERROR_SCHEMA },
      securitySchemes: { basic: { type: 'http', scheme: 'basic' }, bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

function describePermission(p: Permission): string {
  const who: Record<Permission, string> = {
    authenticated: 'any authenticated user',
    'policy.read': `${ROLE_NAMES.enterprise_admin}, ${ROLE_NAMES.security_engineer}, ${ROLE_NAMES.security_op} or ${ROLE_NAMES.auditor}`,
    'policy.write': `${ROLE_NAMES.enterprise_admin} or ${ROLE_NAMES.security_engineer}`,
    'inventory.read': `${ROLE_NAMES.enterprise_admin}, ${ROLE_NAMES.security_engineer}, ${ROLE_NAMES.security_op} or ${ROLE_NAMES.auditor}`,
    'inventory.report': `${ROLE_NAMES.enterprise_admin} or ${ROLE_NAMES.antrea_adapter}`,
    'audit.read': `${ROLE_NAMES.enterprise_admin}, ${ROLE_NAMES.security_engineer}, ${ROLE_NAMES.security_op} or ${ROLE_NAMES.auditor}`,
    'users.manage': ROLE_NAMES.enterprise_admin,
  };
  return who[p];
}
