// The computing half of an import: locate, convert, check ownership, and verify the state the import would leave,
// all on a read-only view of the database. Nothing here writes: import-service.ts writes a plan in one short
// transaction. A plan is plain data (structured-clonable), so that it can be computed in a worker thread.
import { ConversionError } from '../../convert/conversion-error.ts';
import { convertCluster } from '../../convert/convert-cluster.ts';
import { isKubernetesUid } from '../../k8s/policy-uid.ts';
import type { Refusal } from '../../convert/batch-options.ts';
import type { Cluster } from '../../k8s/cluster.ts';
import type { DfwConfig } from '../../model/dfw-config.ts';
import type { Group } from '../../model/group.ts';
import type { SecurityPolicy } from '../../model/security-policy.ts';
import type { InventoryStore, PolicyLocation } from '../store/inventory-store.ts';
import { importRows, type ImportRows, type PolicyStore } from '../store/policy-store.ts';
import { verifyConfig, type ClusterVerification } from './verify-clusters.ts';

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
  /** The id is not a uid as Kubernetes issues them (an RFC 4122 UUID). */
  INVALID_ID: 'INVALID_NETWORK_POLICY_ID',
  /** More than one cluster reported a NetworkPolicy with this uid: which one is meant cannot be told. */
  AMBIGUOUS: 'AMBIGUOUS_NETWORK_POLICY_ID',
  /** The policy was imported before (importing it again changes nothing). */
  ALREADY_IMPORTED: 'ALREADY_IMPORTED',
  /** A group or security policy the conversion would write exists already: an import never replaces one. */
  OBJECT_EXISTS: 'DFW_OBJECT_EXISTS',
  /** (errors_general) require_equivalent=true and the verification of a cluster is not equivalent. */
  NOT_EQUIVALENT: 'NOT_EQUIVALENT',
} as const;

/** The options of one import besides the request body. */
export interface ImportOptions {
  readonly onError: ImportOnError;
  /** np2dfw extension: compute everything, write nothing. */
  readonly dryRun?: boolean;
  /** np2dfw extension: refuse to commit when a cluster's verification is not equivalent. */
  readonly requireEquivalent?: boolean;
  /** Internal (bulk loading in benchmarks): false skips the verification. The API always verifies. */
  readonly verify?: boolean;
}

/** What an import would write, and what the state would then be. Plain data. */
export interface ImportPlan {
  /** The NSX response as it would be if the plan is written (success_count: the policies the plan imports). */
  readonly response: ImportResponse;
  /** Whether anything is to be written (false: ABORT with a failure, or a general error). */
  readonly commit: boolean;
  /** What is to be written, serialized. */
  readonly rows: ImportRows;
  /** The objects, for a dry run's preview only (empty otherwise: the rows say it all). */
  readonly groups: readonly Group[];
  readonly policies: readonly SecurityPolicy[];
  /** The NetworkPolicies imported, as they were read (checked again when the plan is written). */
  readonly imported: readonly PolicyLocation[];
  /** The clusters of every policy found (imported or not): the ones verified. */
  readonly affected: readonly string[];
  /** Each affected cluster's verification of the state the plan leaves (the stored state when nothing is written). */
  readonly verification: readonly ClusterVerification[];
}

/** The stores an import reads (on the server's connection, or on a read-only one in a worker). */
export interface ImportSource {
  readonly inventory: InventoryStore;
  readonly policies: PolicyStore;
  readonly placement: 'nsx' | 'banded';
  /** The stored DFW objects decoded, when the caller keeps them (the worker does); else they are read and decoded. */
  readonly decoded?: () => Promise<DecodedDfw>;
}

/** The stored DFW objects, decoded (PolicyStore.decodedConfig). */
export type DecodedDfw = Awaited<ReturnType<PolicyStore['decodedConfig']>>;

function refusalError(r: Refusal): ImportErrorItem {
  return { error_code: r.code, error_message: r.path ? `${r.path}: ${r.message}` : r.message };
}

/** The objects converted from each policy, by uid: their ids are made of it (`<uid>`, `<uid>-allow`, `<uid>-rule-0-from`). */
function byOwner<T extends { readonly id: string }>(objects: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const o of objects) {
    const uid = o.id.slice(0, 36);
    const list = out.get(uid);
    if (list) list.push(o);
    else out.set(uid, [o]);
  }
  return out;
}

/**
 * Plans an import as NSX's import API runs it: each policy is located in the inventory (any registered cluster),
 * converted with its cluster's inventory and placed after the existing security policies; an object that exists
 * already is an error of its policy (never replaced). ABORT: any failure and nothing is to be written. The
 * verification is of the state the plan leaves, computed in memory (stored DFW plus the plan).
 */
export async function planImport(src: ImportSource, req: ImportRequest, options: ImportOptions, maxCounterexamples = 20): Promise<ImportPlan> {
  const errors = new Map<string, ImportErrorItem[]>();
  const fail = (id: string, item: ImportErrorItem) => {
    const list = errors.get(id);
    if (list) list.push(item);
    else errors.set(id, [item]);
  };
  const byCluster = new Map<string, PolicyLocation[]>();
  // one query per 500 uids for the locations and the imports, rather than two or three per uid
  const uids = [...new Set(req.network_policy_ids.filter(isKubernetesUid))];
  const locations = await src.inventory.locatePolicies(uids);
  const imports = await src.inventory.importsOf(uids);
  for (const id of req.network_policy_ids) {
    if (!isKubernetesUid(id)) {
      fail(id, { error_code: IMPORT_ERROR.INVALID_ID, error_message: `"${id.slice(0, 80)}" is not a NetworkPolicy uid (an RFC 4122 UUID as Kubernetes issues them)` });
      continue;
    }
    const found = locations.get(id) ?? [];
    if (found.length === 0) {
      fail(id, { error_code: IMPORT_ERROR.NOT_FOUND, error_message: `no registered cluster reported a NetworkPolicy with uid ${id}` });
      continue;
    }
    if (found.length > 1) {
      fail(id, { error_code: IMPORT_ERROR.AMBIGUOUS, error_message: `clusters ${found.map((l) => l.cluster).join(', ')} each reported a NetworkPolicy with uid ${id}; uids must be unique` });
      continue;
    }
    const loc = found[0];
    const importsOfId = imports.get(id) ?? [];
    const done = importsOfId.find((i) => i.cluster === loc.cluster) ?? importsOfId[0];
    if (done) {
      fail(id, { error_code: IMPORT_ERROR.ALREADY_IMPORTED,
        error_message: `NetworkPolicy ${loc.namespace}/${loc.name} of cluster ${loc.cluster}: uid ${id} was imported at ${new Date(done.imported_at).toISOString()}` });
      continue;
    }
    const list = byCluster.get(loc.cluster);
    if (list) list.push(loc);
    else byCluster.set(loc.cluster, [loc]);
  }
  const stored = src.decoded ? await src.decoded() : await src.policies.decodedConfig();
  const placed: SecurityPolicy[] = [];
  const groups: Group[] = [];
  const imported: PolicyLocation[] = [];
  const general: ImportErrorMessage[] = [];
  const loaded = new Map<string, Cluster>();
  for (const [clusterName, clusterLocations] of byCluster) {
    let cluster;
    try {
      cluster = await src.inventory.loadCluster(clusterName);
      loaded.set(clusterName, cluster);
    } catch (e) {
      general.push({ errors: [{ error_code: 'INVENTORY_UNREADABLE', error_message: (e as Error).message }] });
      continue;
    }
    let result;
    try {
      result = convertCluster(cluster, {
        onError: 'continue', only: clusterLocations.map((l) => l.uid), existing: [...stored.config.policies, ...placed], placement: src.placement,
        sequenceUpper: req.sequence_number_upper, sequenceLower: req.sequence_number_lower,
      });
    } catch (e) {
      if (!(e instanceof ConversionError)) throw e;
      general.push({ errors: [{ error_code: e.code, error_message: `cluster ${clusterName}: ${e.message}` }] });
      continue;
    }
    for (const r of result.refusals) fail(r.uid, refusalError(r));
    const converted = new Set(result.convertedUids);
    const groupsOf = byOwner(result.config.groups);
    const policiesOf = byOwner(result.config.policies);
    const exists = await src.policies.existing({ groups: result.config.groups.map((g) => g.id), policies: result.config.policies.map((p) => p.id) });
    for (const loc of clusterLocations) {
      if (!converted.has(loc.uid)) continue;
      const mine = { groups: groupsOf.get(loc.uid) ?? [], policies: policiesOf.get(loc.uid) ?? [] };
      const clash: string[] = [];
      for (const g of mine.groups) if (exists.groups.has(g.id)) clash.push(g.path);
      for (const p of mine.policies) if (exists.policies.has(p.id)) clash.push(p.path);
      if (clash.length) {
        fail(loc.uid, { error_code: IMPORT_ERROR.OBJECT_EXISTS,
          error_message: `NetworkPolicy ${loc.namespace}/${loc.name} of cluster ${loc.cluster}: ${clash.slice(0, 3).join(', ')}${clash.length > 3 ? ` and ${clash.length - 3} more` : ''} exist${clash.length === 1 ? 's' : ''} already; an import never replaces an object` });
        continue;
      }
      groups.push(...mine.groups);
      placed.push(...mine.policies);
      imported.push(loc);
    }
  }
  const failed = errors.size > 0 || general.length > 0;
  const commit = imported.length > 0 && !(general.length > 0 || (failed && options.onError === 'ABORT'));
  const response: ImportResponse = {
    request_count: req.network_policy_ids.length,
    success_count: commit ? imported.length : 0,
    errors: [...new Set(req.network_policy_ids.filter((id) => errors.has(id)))].map((id) => ({ network_policy_id: id, errors: errors.get(id)! })),
    errors_general: general,
  };
  const affected = [...byCluster.keys()];
  const config: DfwConfig = commit
    ? { groups: [...stored.config.groups, ...groups], policies: [...stored.config.policies, ...placed], origins: new Map() }
    : stored.config;
  const newlyImported = commit ? imported : [];
  // the groups of `config` by path: the stored ones' index, kept with them, and the new ones (ids never clash: see OBJECT_EXISTS)
  const added = new Map(commit ? groups.map((g) => [g.path, g]) : []);
  const groupsOf = { get: (path: string) => added.get(path) ?? stored.groupsByPath.get(path) };
  const verification = options.verify === false ? [] : await verifyConfig(src.inventory, affected, config, stored.undecodable, newlyImported, maxCounterexamples, loaded, groupsOf);
  return {
    response, commit, rows: importRows(commit ? groups : [], commit ? placed : []),
    groups: commit && options.dryRun ? groups : [], policies: commit && options.dryRun ? placed : [], imported: newlyImported, affected, verification,
  };
}
