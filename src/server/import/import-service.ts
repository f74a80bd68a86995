import { ConversionError } from '../../convert/conversion-error.ts';
import { convertCluster } from '../../convert/convert-cluster.ts';
import type { Refusal } from '../../evaluate/target.ts';
import type { SecurityPolicy } from '../../model/security-policy.ts';
import { inTransaction } from '../db/database.ts';
import { badRequest } from '../http/api-error.ts';
import type { ServerContext } from '../server-context.ts';
import type { JsonObject } from '../store/policy-store.ts';
import type { PolicyLocation } from '../store/inventory-store.ts';

/** NSX NetworkPolicyImportRequest. */
export interface ImportRequest {
  /** NetworkPolicy uids (metadata.uid), 1 to 5000, from any registered clusters. */
  readonly network_policy_ids: readonly string[];
  /** Where allow policies start (with sequence_number_lower). */
  readonly sequence_number_upper?: number;
  /** Where drop policies start; greater than sequence_number_upper. */
  readonly sequence_number_lower?: number;
}

/** NSX `on_error`. */
export type ImportOnError = 'ABORT' | 'CONTINUE';

/** One error of an import (NSX ImportErrorMessage's inner item). */
export interface ImportErrorItem {
  readonly error_code: string;
  readonly error_message: string;
}

/** NSX ImportErrorMessage: the errors of one policy (or general ones, without an id). */
export interface ImportErrorMessage {
  readonly network_policy_id?: string;
  readonly errors: readonly ImportErrorItem[];
}

/** NSX NetworkPolicyImportResponse. */
export interface ImportResponse {
  readonly request_count: number;
  readonly success_count: number;
  readonly errors: ImportErrorMessage[];
  readonly errors_general: ImportErrorMessage[];
}

/** The import error codes that are not conversion refusals (those come from src/convert/refusal-codes.ts). */
export const IMPORT_ERROR = {
  /** No registered cluster reported a NetworkPolicy with this uid. */
  NOT_FOUND: 'NETWORK_POLICY_NOT_FOUND',
  /** The policy was imported before (importing it again changes nothing). */
  ALREADY_IMPORTED: 'ALREADY_IMPORTED',
} as const;

/** What an import did, for the audit log and the verification. */
export interface ImportOutcome {
  readonly response: ImportResponse;
  /** The clusters whose policies were imported (empty when nothing was committed). */
  readonly clusters: readonly string[];
  /** The uids imported. */
  readonly imported: readonly string[];
  /** The clusters of every policy found in the inventory (imported or not): the ones to verify. */
  readonly affected: readonly string[];
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

function refusalError(r: Refusal): ImportErrorItem {
  return { error_code: r.code, error_message: r.path ? `${r.path}: ${r.message}` : r.message };
}

/**
 * Imports NetworkPolicies as NSX's import API does, in one transaction: each policy is located in the inventory
 * (any registered cluster), converted with its cluster's inventory, placed after the existing security policies,
 * and written with its groups; imported policies are marked and queued for removal from their cluster.
 * ABORT: when any policy fails, nothing is written and every failure is listed. CONTINUE: failures are listed,
 * the rest is written. The audit entry is part of the same transaction.
 */
export function runImport(ctx: ServerContext, req: ImportRequest, onError: ImportOnError, user: string, audit: (o: ImportOutcome) => void): ImportOutcome {
  checkImportRequest(req);
  return inTransaction(ctx.db, () => {
    const errors = new Map<string, ImportErrorItem[]>();
    const fail = (id: string, item: ImportErrorItem) => errors.set(id, [...(errors.get(id) ?? []), item]);
    const byCluster = new Map<string, PolicyLocation[]>();
    for (const id of req.network_policy_ids) {
      const loc = ctx.inventory.locatePolicy(id);
      if (!loc) {
        fail(id, { error_code: IMPORT_ERROR.NOT_FOUND, error_message: `no registered cluster reported a NetworkPolicy with uid ${id}` });
        continue;
      }
      const done = ctx.inventory.importedPolicy(id);
      if (done) {
        fail(id, { error_code: IMPORT_ERROR.ALREADY_IMPORTED,
          error_message: `NetworkPolicy ${loc.namespace}/${loc.name} of cluster ${loc.cluster} was imported at ${new Date(done.imported_at).toISOString()}` });
        continue;
      }
      byCluster.set(loc.cluster, [...(byCluster.get(loc.cluster) ?? []), loc]);
    }
    const existing = ctx.policies.allPolicies() as unknown as SecurityPolicy[];
    const placed: SecurityPolicy[] = [];
    const converted: { cluster: string; groups: JsonObject[]; policies: JsonObject[]; locations: PolicyLocation[] }[] = [];
    const general: ImportErrorMessage[] = [];
    for (const [clusterName, locations] of byCluster) {
      const cluster = ctx.inventory.loadCluster(clusterName);
      let result;
      try {
        result = convertCluster(cluster, {
          onError: 'continue', only: locations.map((l) => l.uid), existing: [...existing, ...placed], placement: ctx.placement,
          sequenceUpper: req.sequence_number_upper, sequenceLower: req.sequence_number_lower,
        });
      } catch (e) {
        if (!(e instanceof ConversionError)) throw e;
        general.push({ errors: [{ error_code: e.code, error_message: `cluster ${clusterName}: ${e.message}` }] });
        continue;
      }
      for (const r of result.refusals) fail(r.uid, refusalError(r));
      placed.push(...result.config.policies);
      const ok = new Set(result.convertedUids);
      converted.push({
        cluster: clusterName,
        groups: result.config.groups as unknown as JsonObject[],
        policies: result.config.policies as unknown as JsonObject[],
        locations: locations.filter((l) => ok.has(l.uid)),
      });
    }
    const failed = errors.size > 0 || general.length > 0;
    const commit = !(general.length > 0 || (failed && onError === 'ABORT'));
    let imported: PolicyLocation[] = [];
    if (commit) {
      const importId = Number(ctx.db.prepare(`INSERT INTO imports (at, user_name, on_error, request_count, success_count) VALUES (?, ?, ?, ?, 0)`)
        .run(Date.now(), user, onError, req.network_policy_ids.length).lastInsertRowid);
      for (const c of converted) {
        for (const g of c.groups) ctx.policies.writeGroup(g.id as string, g, user, 'patch');
        for (const p of c.policies) ctx.policies.writePolicy(p.id as string, p, user, 'patch');
        ctx.inventory.markImported(c.locations, importId, user);
        imported.push(...c.locations);
      }
      ctx.db.prepare('UPDATE imports SET success_count = ? WHERE id = ?').run(imported.length, importId);
    } else {
      imported = [];
    }
    const response: ImportResponse = {
      request_count: req.network_policy_ids.length,
      success_count: imported.length,
      errors: req.network_policy_ids.filter((id, i, all) => errors.has(id) && all.indexOf(id) === i)
        .map((id) => ({ network_policy_id: id, errors: errors.get(id)! })),
      errors_general: general,
    };
    const outcome: ImportOutcome = {
      response, clusters: [...new Set(imported.map((l) => l.cluster))], imported: imported.map((l) => l.uid), affected: [...byCluster.keys()],
    };
    audit(outcome);
    return outcome;
  });
}
