import type { Group } from '../../model/group.ts';
import type { SecurityPolicy } from '../../model/security-policy.ts';
import { inTransaction, isUniqueViolation } from '../db/database.ts';
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
 * thread, then once inside the write transaction (which cannot be stale).
 */
const MAX_ATTEMPTS = 3;

/** Thrown inside the write transaction when the plan no longer holds: the transaction is rolled back. */
class StalePlan extends Error {}

/**
 * Writes a plan in the current transaction, with the audit entry, after checking that it still holds: every
 * policy is still in the inventory as converted and not imported, no object it writes exists, and no security
 * policy changed since the plan was made (placement). Throws StalePlan, and the transaction writes nothing, when
 * the plan is stale. The import lock is held: imports of every replica sharing the database are serialized, and
 * the checks see what the others committed.
 */
async function writePlan(ctx: ServerContext, plan: ImportPlan, policyGeneration: number, user: string, onError: string,
  audit: (committed: boolean) => Promise<void>): Promise<void> {
  await ctx.db.lockImports();
  if (ctx.policies.generation !== policyGeneration) throw new StalePlan();
  for (const loc of plan.imported) {
    if (!(await ctx.inventory.policyUnchanged(loc)) || (await ctx.inventory.importedAnywhere(loc.uid))) throw new StalePlan();
  }
  const row = await ctx.db.get<{ id: number }>('INSERT INTO imports (at, user_name, on_error, request_count, success_count) VALUES (?, ?, ?, ?, ?) RETURNING id',
    Date.now(), user, onError, plan.response.request_count, plan.imported.length);
  try {
    // an id that exists by now fails its INSERT (primary key): the whole transaction is rolled back
    await ctx.policies.insertImported(plan.rows, user);
  } catch (e) {
    if (isUniqueViolation(e)) throw new StalePlan();
    throw e;
  }
  await ctx.inventory.markImported(plan.imported, row!.id, user);
  await audit(true);
}

/** What an import answers when it writes nothing (dry run, ABORT with failures, refused as not equivalent). */
function unwritten(plan: ImportPlan, options: ImportOptions, refusedAsDifferent: boolean): ImportOutcome {
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
  return { answer, clusters: [], committed: false };
}

/**
 * Imports NetworkPolicies as NSX's import API does. The plan (conversion and verification) is computed by
 * `ctx.planImport` (a worker thread when the server runs with one); the write is one short transaction that
 * holds the audit entry too. `dryRun`: nothing is written, the answer previews the objects. `requireEquivalent`:
 * nothing is written when a cluster's verification of the planned state is not equivalent. Imports run one at a
 * time (in this process by a queue, across replicas by the database's import lock); reads and reports go on
 * meanwhile.
 */
export async function runImport(ctx: ServerContext, req: ImportRequest, options: ImportOptions, user: string,
  audit: (o: ImportOutcome) => Promise<void>): Promise<ImportOutcome> {
  checkImportRequest(req);
  return ctx.importQueue.run(async () => {
    for (let attempt = 1; ; attempt++) {
      const generation = ctx.policies.generation;
      // the last attempt plans inside the write transaction, holding the import lock: it cannot be stale
      const last = attempt === MAX_ATTEMPTS;
      let outcome: ImportOutcome | undefined;
      // planned before the transaction (off the request thread when a worker plans), so that it stays short
      const early = last ? undefined : await ctx.planImport(req, options);
      try {
        outcome = await inTransaction(ctx.db, async () => {
          if (last) await ctx.db.lockImports();
          const plan = early ?? await planImport(ctx, req, options);
          const refusedAsDifferent = options.requireEquivalent === true && plan.commit && plan.verification.some((v) => !v.equivalent);
          if (options.dryRun || !plan.commit || refusedAsDifferent) {
            const o = unwritten(plan, options, refusedAsDifferent);
            await audit(o);
            return o;
          }
          const clusters = [...new Set(plan.imported.map((l) => l.cluster))];
          const o: ImportOutcome = { answer: { ...plan.response, verification: plan.verification }, clusters, committed: true };
          await writePlan(ctx, plan, last ? ctx.policies.generation : generation, user, options.onError, () => audit(o));
          return o;
        });
      } catch (e) {
        if (!(e instanceof StalePlan)) throw e;
      }
      if (outcome) return outcome;
      if (last) throw new ApiError(409, ERROR_CODES.REVISION_CONFLICT, 'the policies or the inventory changed while the import was computed; nothing was imported, try again');
    }
  });
}
