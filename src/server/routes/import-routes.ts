import { badRequest } from '../http/api-error.ts';
import type { RouteSpec } from '../http/route.ts';
import { IMPORT_REQUEST_SCHEMA, IMPORT_RESPONSE_SCHEMA } from '../http/schemas.ts';
import { validateBody } from '../http/validate-body.ts';
import { runImport, type ImportOnError, type ImportRequest } from '../import/import-service.ts';
import { verifyClusters } from '../import/verify-clusters.ts';
import type { ServerContext } from '../server-context.ts';

/** `POST /policy/api/v1/infra/import-k8s-np-to-dfw`: NSX's import of Kubernetes NetworkPolicies. */
export function importRoutes(ctx: ServerContext): RouteSpec[] {
  return [{
    method: 'POST', url: '/policy/api/v1/infra/import-k8s-np-to-dfw',
    summary: 'Import Kubernetes NetworkPolicies as DFW policies (on_error=ABORT, the default, or CONTINUE)',
    permission: 'policy.write', audit: 'import', body: IMPORT_REQUEST_SCHEMA, response: IMPORT_RESPONSE_SCHEMA,
    query: { on_error: 'ABORT (default): nothing is imported when any policy fails; CONTINUE: failures are skipped' },
    handler: (h) => {
      const raw = h.query.on_error ?? 'ABORT';
      const onError = String(raw).toUpperCase();
      if (onError !== 'ABORT' && onError !== 'CONTINUE') throw badRequest(`on_error: use ABORT or CONTINUE, not "${String(raw)}"`);
      const req = validateBody<ImportRequest>(IMPORT_REQUEST_SCHEMA, h.body, 'NetworkPolicyImportRequest');
      const outcome = runImport(ctx, req, onError as ImportOnError, h.principal.name, (o) => {
        ctx.audit.record({
          user: h.principal.name, method: 'POST', path: h.request.url.split('?')[0], action: 'import',
          target: o.clusters.length ? `clusters ${o.clusters.join(', ')}` : 'nothing imported', status: 200,
          result: o.response.success_count === o.response.request_count ? 'success' : 'failure',
          detail: `on_error=${onError}: ${o.response.success_count} of ${o.response.request_count} imported; ${o.response.errors.length} failed`
            + (o.response.errors_general.length ? `; ${o.response.errors_general.map((e) => e.errors.map((x) => x.error_code).join(',')).join(';')}` : ''),
        });
        ctx.audited.add(h.request);
      });
      // Read-only, synchronous right after the commit: no other request runs in between.
      return { ...outcome.response, verification: verifyClusters(ctx, outcome.affected) };
    },
  }];
}
