import type { Group } from '../../model/group.ts';
import type { SecurityPolicy } from '../../model/security-policy.ts';
import { inTransaction } from '../db/database.ts';
import { ApiError, badRequest, ERROR_CODES } from '../http/api-error.ts';
import type { ServerContext } from '../server-context.ts';
import {
  IMPORT_ERROR, planImport, type ImportOptions, type ImportPlan, type ImportRequest, type ImportResponse,
} from './import-plan.ts';
import type { ClusterVerification } from './verify-clusters.ts';
import { countOf } from '../../evaluate/counts.ts';

export { IMPORT_ERROR, type ImportOnError, type ImportRequest, type ImportResponse, type ImportErrorMessage, type ImportErrorItem } from './import-plan.ts';

/** The import API's answer: NSX's response, np2dfw's `verification`, and with `dry_run` what would be written. */
export interface ImportAnswer extends ImportResponse {
  readonly verification: readonly ClusterVerification[];
  /** Present (true) only for a dry run: nothing was written. */
  readonly dry_run?: true;
  /** Dry run only: the DFW objects the import would write (empty when it would write nothing). */
  readonly preview?: { readonly groups: readonly Group[]; readonly security_policies: readonly SecurityPolicy[] };
}

/** What an import did, for the audit log. */
export interface ImportOutcome {
  readonly answer: ImportAnswer;
  /** The clusters whose policies were imported (empty when nothing was committed). */
  readonly clusters: readonly string[];
  /** Whether the plan was written. */
  readonly committed: boolean;
}

/** Checks what the schema cannot: the two sequence numbers together, lower greater than upper. 400 otherwise. */
export function checkImportRequest(req: ImportRequest): void {
  const { sequence_number_upper: upper, sequence_number_lower: lower } = req;
  if ((upper === undefined) !== (lower === undefined)) {
    throw badRequest('sequence_number_upper and sequence_number_lower must be given together, or neither');
  }
  if (upper !== undefined && lower !== undefined && lower <= upper) {
    throw badRequest(`sequence_number_lower (${lower}) must be greater than sequence_number_upper (${upper})`);
  }
}

/**
 * How many times an import is planned when the state changed between planning and writing: twice off the request
 * thread, then once on it (which cannot be stale).
 */
const MAX_ATTEMPTS = 3;

/**
 * Writes a plan in one transaction, with the audit entry, after checking that it still holds: every policy is
 * still in the inventory as converted and not imported, no object it writes exists, and no group, security policy
 * or rule changed, through any replica, since the plan was made (placement, verification: the DFW epoch). Returns false, writing nothing, when the plan is stale.
 */
function commitPlan(ctx: ServerContext, plan: ImportPlan, dfwEpoch: number, user: string, onError: string, audit: (committed: boolean) => void): boolean {
  const stale = new Error('stale plan');
  try {
    return inTransaction(ctx.db, () => {
      if (ctx.policies.dfwEpoch() !== dfwEpoch) return false;
      for (const loc of plan.imported) {
        if (!ctx.inventory.policyUnchanged(loc) || ctx.inventory.importedAnywhere(loc.uid)) return false;
      }
      const importId = Number(ctx.db.prepare(`INSERT INTO imports (at, user_name, on_error, request_count, success_count) VALUES (?, ?, ?, ?, ?)`)
        .run(Date.now(), user, onError, plan.response.request_count, plan.imported.length).lastInsertRowid);
      try {
        // an id that exists by now fails its INSERT (primary key): the whole transaction is rolled back
        ctx.policies.insertImported(plan.rows, user);
      } catch (e) {
        if ((e as { errcode?: number }).errcode === 1555 || /UNIQUE constraint failed/.test((e as Error).message)) throw stale;
        throw e;
      }
      ctx.inventory.markImported(plan.imported, importId, user);
      audit(true);
      return true;
    });
  } catch (e) {
    if (e === stale) return false;
    throw e;
  }
}

/**
 * Imports NetworkPolicies as NSX's import API does. The plan (conversion and verification) is computed by
 * `ctx.planImport` (a worker thread when the server runs with one); the write is one short transaction that
 * holds the audit entry too. `dryRun`: nothing is written, the answer previews the objects. `requireEquivalent`:
 * nothing is written when a cluster's verification of the planned state is not equivalent. Imports run one at a
 * time; reads and reports go on meanwhile.
 */
export async function runImport(ctx: ServerContext, req: ImportRequest, options: ImportOptions, user: string,
  audit: (o: ImportOutcome) => void): Promise<ImportOutcome> {
  checkImportRequest(req);
  return ctx.importQueue.run(async () => {
    for (let attempt = 1; ; attempt++) {
      // read before planning: any write of the DFW by any replica after this makes the plan stale
      const generation = ctx.policies.dfwEpoch();
      // the last attempt plans on this thread and writes right after, with nothing of this process in between (another
      // replica may still write meanwhile: then 409)
      const last = attempt === MAX_ATTEMPTS;
      const plan = last ? planImport(ctx, req, options) : await ctx.planImport(req, options);
      const refusedAsDifferent = options.requireEquivalent === true && plan.commit && plan.verification.some((v) => !v.equivalent);
      if (options.dryRun || !plan.commit || refusedAsDifferent) {
        const general = refusedAsDifferent
          ? [...plan.response.errors_general, { errors: plan.verification.filter((v) => !v.equivalent).map((v) => ({
            error_code: IMPORT_ERROR.NOT_EQUIVALENT,
            error_message: `cluster ${v.cluster}: ${v.error ?? `${countOf(v.differences, 'connection')} would change verdict`}; nothing was imported (require_equivalent=true)`,
          })) }]
          : plan.response.errors_general;
        const answer: ImportAnswer = {
          ...plan.response,
          success_count: options.dryRun && !refusedAsDifferent ? plan.response.success_count : 0,
          errors_general: general,
          verification: plan.verification,
          ...(options.dryRun ? { dry_run: true as const, preview: { groups: plan.groups, security_policies: plan.policies } } : {}),
        };
        const outcome: ImportOutcome = { answer, clusters: [], committed: false };
        inTransaction(ctx.db, () => audit(outcome));
        return outcome;
      }
      const clusters = [...new Set(plan.imported.map((l) => l.cluster))];
      const outcome: ImportOutcome = { answer: { ...plan.response, verification: plan.verification }, clusters, committed: true };
      if (commitPlan(ctx, plan, generation, user, options.onError, () => audit(outcome))) return outcome;
      if (last) throw new ApiError(409, ERROR_CODES.REVISION_CONFLICT, 'the policies or the inventory changed while the import was computed; nothing was imported, try again');
    }
  });
}
