import type { Group } from '../../model/group.ts';
import type { SecurityPolicy } from '../../model/security-policy.ts';
import { inTransaction, isUniqueViolation, type Database } from '../db/database.ts';
import { ApiError, badRequest, ERROR_CODES } from '../http/api-error.ts';
import type { ServerContext } from '../server-context.ts';
import type { AuditEntry, AuditStore } from '../store/audit-store.ts';
import {
  IMPORT_ERROR, planImport, type ImportOptions, type ImportPlan, type ImportRequest, type ImportResponse, type ImportSource,
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

/** Who asked for an import, and where (for the audit log). */
export interface ImportCaller {
  readonly user: string;
  /** The request's path, without the query. */
  readonly path: string;
}

/** What an import reads and writes: the server's stores, or the import worker's on its own connection. */
export interface ImportStores extends ImportSource {
  readonly db: Database;
  readonly audit: AuditStore;
}

/** The audit entry of an import: what was asked, what was written. */
export function importAuditEntry(o: ImportOutcome, options: ImportOptions, caller: ImportCaller): Omit<AuditEntry, 'id' | 'at'> {
  const r = o.answer;
  const dryRun = options.dryRun === true;
  const mode = `on_error=${options.onError}${dryRun ? ', dry_run' : ''}${options.requireEquivalent ? ', require_equivalent' : ''}`;
  return {
    user: caller.user, method: 'POST', path: caller.path, action: dryRun ? 'import.dry-run' : 'import',
    target: o.clusters.length ? `clusters ${o.clusters.join(', ')}` : 'nothing imported', status: 200,
    result: o.committed ? (r.success_count === r.request_count ? 'success' : 'failure') : dryRun ? 'success' : 'failure',
    detail: `${mode}: ${o.committed ? r.success_count : 0} of ${r.request_count} imported${dryRun ? ` (dry run: ${r.success_count} would be)` : ''}; ${r.errors.length} failed`
      + (r.errors_general.length ? `; ${r.errors_general.map((e) => e.errors.map((x) => x.error_code).join(',')).join(';')}` : ''),
  };
}

/**
 * What a plan comes to: the answer, and whether the plan is to be written (not for a dry run, nor when nothing
 * is to be imported, nor when require_equivalent refuses a verification that is not equivalent).
 */
export function settlePlan(plan: ImportPlan, options: ImportOptions): { outcome: ImportOutcome; write: boolean } {
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
    return { outcome: { answer, clusters: [], committed: false }, write: false };
  }
  const clusters = [...new Set(plan.imported.map((l) => l.cluster))];
  return { outcome: { answer: { ...plan.response, verification: plan.verification }, clusters, committed: true }, write: true };
}

/** Records an outcome that writes nothing (dry run, refusal) in the audit log. */
export async function recordUnwritten(stores: ImportStores, outcome: ImportOutcome, options: ImportOptions, caller: ImportCaller): Promise<void> {
  await inTransaction(stores.db, () => stores.audit.record(importAuditEntry(outcome, options, caller)));
}

/** Thrown inside the write transaction when the plan no longer holds: the transaction is rolled back. */
class StalePlan extends Error {}

/**
 * Writes a plan in one transaction (joining the caller's when there is one), with the import's record, its
 * imported marks, the pending realization of its policies and the audit entry, holding the import lock (imports
 * of every replica sharing the database are serialized), after checking that it still holds: `fresh()` (nothing
 * the plan read changed since: the DFW epoch, see import-worker.ts), every policy still in the inventory as
 * converted and not imported, no object it writes exists. Returns false, writing nothing, when the plan is stale.
 */
export async function writePlan(stores: ImportStores, plan: ImportPlan, outcome: ImportOutcome, options: ImportOptions, caller: ImportCaller,
  fresh: () => Promise<boolean>): Promise<boolean> {
  try {
    return await inTransaction(stores.db, async () => {
      await stores.db.lockImports();
      if (!(await fresh())) throw new StalePlan();
      const uids = plan.imported.map((l) => l.uid);
      if (!(await stores.inventory.policiesUnchanged(plan.imported)) || (await stores.inventory.importsOf(uids)).size > 0) throw new StalePlan();
      const row = await stores.db.get<{ id: number }>('INSERT INTO imports (at, user_name, on_error, request_count, success_count) VALUES (?, ?, ?, ?, ?) RETURNING id',
        Date.now(), caller.user, options.onError, plan.response.request_count, plan.imported.length);
      try {
        // an id that exists by now fails its INSERT (primary key): the whole transaction is rolled back
        await stores.policies.insertImported(plan.rows, caller.user);
      } catch (e) {
        if (isUniqueViolation(e)) throw new StalePlan();
        throw e;
      }
      await stores.inventory.markImported(plan.imported, row!.id, caller.user);
      await stores.audit.record(importAuditEntry(outcome, options, caller));
      return true;
    });
  } catch (e) {
    if (e instanceof StalePlan) return false;
    throw e;
  }
}

/** How many times an import is planned on the request thread: twice before the write transaction, then once inside it. */
const ATTEMPTS = 3;

/**
 * Plans and writes an import on this thread: for a database in memory (no other connection can open it), and as
 * the last resort when the worker's plans keep going stale. A plan is made on one
 * snapshot and written if the DFW epoch it was made on is still the database's (read locked in the write
 * transaction: no DFW write of any replica commits in between) and the inventory checks hold; after two stale
 * plans the third is made inside the write transaction, holding the import lock. 409 if even that one fails.
 */
export async function importHere(stores: ImportStores, req: ImportRequest, options: ImportOptions, caller: ImportCaller): Promise<ImportOutcome> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const last = attempt === ATTEMPTS;
    const settled = async (plan: ImportPlan, fresh: () => Promise<boolean>): Promise<ImportOutcome | undefined> => {
      const { outcome, write } = settlePlan(plan, options);
      if (!write) {
        await recordUnwritten(stores, outcome, options, caller);
        return outcome;
      }
      return (await writePlan(stores, plan, outcome, options, caller, fresh)) ? outcome : undefined;
    };
    let outcome: ImportOutcome | undefined;
    if (last) {
      outcome = await inTransaction(stores.db, async () => {
        await stores.db.lockImports();
        return settled(await planImport(stores, req, options), async () => true);
      });
    } else {
      const { epoch, plan } = await stores.db.snapshot(async () => ({ epoch: await stores.policies.dfwEpoch(), plan: await planImport(stores, req, options) }));
      outcome = await settled(plan, async () => (await stores.policies.dfwEpoch(true)) === epoch);
    }
    if (outcome) return outcome;
  }
  throw new ApiError(409, ERROR_CODES.REVISION_CONFLICT, 'the policies or the inventory changed while the import was computed; nothing was imported, try again');
}

/**
 * Imports NetworkPolicies as NSX's import API does: `ctx.executeImport` plans (conversion, ownership checks,
 * verification) and writes in one short transaction that holds the audit entry too; on a SQLite file or PostgreSQL
 * the server does both in its import worker, so that requests keep being served. `dryRun`: nothing is written, the answer
 * previews the objects. `requireEquivalent`: nothing is written when a cluster's verification of the planned state
 * is not equivalent. Imports run one at a time (in this process by a queue, across replicas by the database's
 * import lock).
 */
export async function runImport(ctx: Pick<ServerContext, 'importQueue' | 'executeImport'>, req: ImportRequest, options: ImportOptions,
  caller: ImportCaller): Promise<ImportOutcome> {
  checkImportRequest(req);
  return ctx.importQueue.run(() => ctx.executeImport(req, options, caller));
}
