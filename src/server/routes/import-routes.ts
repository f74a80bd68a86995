import { badRequest } from '../http/api-error.ts';
import { queryFlag, queryString } from '../http/query.ts';
import type { RouteSpec } from '../http/route.ts';
import { IMPORT_REQUEST_SCHEMA, IMPORT_RESPONSE_SCHEMA } from '../http/schemas.ts';
import { validateBody } from '../http/validate-body.ts';
import { runImport, type ImportOnError, type ImportRequest } from '../import/import-service.ts';
import type { ServerContext } from '../server-context.ts';

/** `POST /policy/api/v1/infra/import-k8s-np-to-dfw`: NSX's import of Kubernetes NetworkPolicies. */
export function importRoutes(ctx: ServerContext): RouteSpec[] {
  return [{
    method: 'POST', url: '/policy/api/v1/infra/import-k8s-np-to-dfw',
    summary: 'Import Kubernetes NetworkPolicies as DFW policies (on_error=ABORT, the default, or CONTINUE)',
    permission: 'policy.write', audit: 'import', body: IMPORT_REQUEST_SCHEMA, response: IMPORT_RESPONSE_SCHEMA,
    query: {
      on_error: 'ABORT (default): nothing is imported when any policy fails; CONTINUE: failures are skipped',
      dry_run: 'np2dfw extension: true computes the whole answer and the objects it would write (preview), and writes nothing',
      require_equivalent: 'np2dfw extension: true refuses to write when the verification of an affected cluster is not equivalent',
    },
    handler: async (h) => {
      const raw = queryString(h.query, 'on_error') ?? 'ABORT';
      const onError = raw.toUpperCase();
      if (onError !== 'ABORT' && onError !== 'CONTINUE') throw badRequest(`on_error: use ABORT or CONTINUE, not "${raw.slice(0, 40)}"`);
      const dryRun = queryFlag(h.query, 'dry_run');
      const requireEquivalent = queryFlag(h.query, 'require_equivalent');
      const req = validateBody<ImportRequest>(IMPORT_REQUEST_SCHEMA, h.body, 'NetworkPolicyImportRequest');
      const outcome = await runImport(ctx, req, { onError: onError as ImportOnError, dryRun, requireEquivalent }, h.principal.name, async (o) => {
        const r = o.answer;
        const mode = `on_error=${onError}${dryRun ? ', dry_run' : ''}${requireEquivalent ? ', require_equivalent' : ''}`;
        await ctx.audit.record({
          user: h.principal.name, method: 'POST', path: h.request.url.split('?')[0], action: dryRun ? 'import.dry-run' : 'import',
          target: o.clusters.length ? `clusters ${o.clusters.join(', ')}` : 'nothing imported', status: 200,
          result: o.committed ? (r.success_count === r.request_count ? 'success' : 'failure') : dryRun ? 'success' : 'failure',
          detail: `${mode}: ${o.committed ? r.success_count : 0} of ${r.request_count} imported${dryRun ? ` (dry run: ${r.success_count} would be)` : ''}; ${r.errors.length} failed`
            + (r.errors_general.length ? `; ${r.errors_general.map((e) => e.errors.map((x) => x.error_code).join(',')).join(';')}` : ''),
        });
        ctx.audited.add(h.request);
      });
      return outcome.answer;
    },
  }];
}
