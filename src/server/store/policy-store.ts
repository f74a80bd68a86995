import { chunked, placeholders, ROWS_PER_INSERT, type Database, type SqlValue } from '../db/database.ts';
import { ApiError, badRequest, ERROR_CODES, notFound } from '../http/api-error.ts';
import { listResult, type ListResult, type PageRequest } from '../http/paging.ts';
import { GROUP_SCHEMA, RULE_SCHEMA, SECURITY_POLICY_SCHEMA } from '../http/schemas.ts';
import { validateBody } from '../http/validate-body.ts';
import { DOMAIN_PATH, groupPath, rulePath, securityPolicyPath } from '../../model/paths.ts';
import type { Group } from '../../model/group.ts';
import type { SecurityPolicy } from '../../model/security-policy.ts';
import { GroupExpressionError } from '../../model/group-expression.ts';
import { DfwDecodeError, decodeGroup, decodeRule, decodeSecurityPolicy, groupPathsOf } from './decode-dfw.ts';
import { DecodedDfwState, type DecodedDfw, type DfwChanged, type DfwRows } from './decoded-dfw.ts';

export type { DecodedDfw, UndecodableObject } from './decoded-dfw.ts';

/** A JSON object as stored and served. */
export type JsonObject = Record<string, unknown>;

/** PUT replaces an object (an update needs its current `_revision`); PATCH merges into it (`_revision` optional). */
export type WriteMode = 'put' | 'patch';

/** What happened to an object written. */
export interface WriteResult {
  /** Reads the object as now stored, with its metadata (read when asked for: imports write thousands and read none). */
  readonly object: () => Promise<JsonObject>;
  /** Whether it was created (else updated). */
  readonly created: boolean;
  /** Its `_revision` after the write. */
  readonly revision: number;
}

/** A security policy that changed (itself or one of its rules): its id, scope and `_revision` after the change. */
export interface PolicyChange {
  readonly policyId: string;
  readonly scope: readonly string[];
  readonly revision: number;
}

/** Called after security policies or their rules changed (realization tracking); an import tells all of its policies at once. */
export type PolicyChangeListener = (changes: readonly PolicyChange[]) => Promise<void>;

interface Row {
  id: string;
  body: string;
  revision: number;
  created_at: number;
  created_by: string;
  modified_at: number;
  modified_by: string;
}

/** Fields the server sets: ignored when a client sends them. */
const READ_ONLY = new Set([
  '_revision', '_create_time', '_create_user', '_last_modified_time', '_last_modified_user', '_system_owned', '_protection',
  '_links', '_self', '_schema', 'path', 'parent_path', 'relative_path', 'unique_id', 'realization_id', 'remote_path',
  'marked_for_delete', 'overridden', 'children',
]);

/** The NSX object ids np2dfw accepts: what NSX allows in a path segment. */
const ID_PATTERN = /^[A-Za-z0-9_.\-[\]]{1,255}$/;

function checkId(id: string, what: string): void {
  if (!ID_PATTERN.test(id)) throw badRequest(`${what} id "${id}": use 1-255 letters, digits and _ . - [ ]`);
}

/** Decodes with `decode`; a DfwDecodeError becomes a 400 naming the object and the field. */
function decoded<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof DfwDecodeError) throw badRequest(`${what}: ${e.message}`);
    if (e instanceof GroupExpressionError) throw badRequest(e.message);
    throw e;
  }
}

function clean(body: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(body)) if (!READ_ONLY.has(k)) out[k] = v;
  return out;
}

/** 412 when another writer created or changed the object between this write's read and its write. */
function changedMeanwhile(what: string): ApiError {
  return new ApiError(412, ERROR_CODES.REVISION_CONFLICT, `${what} was changed by someone else meanwhile; GET it again and retry`);
}

function checkRevision(existing: Row | undefined, given: unknown, mode: WriteMode, what: string): void {
  if (!existing) return;
  if (given === undefined) {
    if (mode === 'put') {
      throw new ApiError(412, ERROR_CODES.REVISION_CONFLICT,
        `${what} exists: PUT replaces it only with its current _revision (${existing.revision}); GET it, change it, send it back`);
    }
    return;
  }
  if (given !== existing.revision) {
    throw new ApiError(412, ERROR_CODES.REVISION_CONFLICT,
      `${what} was changed by someone else: _revision ${String(given)} is stale, the current one is ${existing.revision}; GET it again and retry`);
  }
}

function metadata(row: Row): JsonObject {
  return {
    _revision: row.revision,
    _create_time: row.created_at,
    _create_user: row.created_by,
    _last_modified_time: row.modified_at,
    _last_modified_user: row.modified_by,
    _system_owned: false,
    _protection: 'NOT_PROTECTED',
  };
}

/** An import's objects as the rows it inserts (computed off the request thread; strings are cheap to pass). */
export interface ImportRows {
  readonly groups: readonly { readonly id: string; readonly body: string }[];
  readonly policies: readonly { readonly id: string; readonly scope: readonly string[]; readonly body: string; readonly rules: readonly { readonly id: string; readonly body: string }[] }[];
}

/** The rows of converted groups and security policies, stored as the API would store them. */
export function importRows(groups: readonly Group[], policies: readonly SecurityPolicy[]): ImportRows {
  return {
    groups: groups.map((g) => ({ id: g.id, body: JSON.stringify(clean(g as unknown as JsonObject)) })),
    policies: policies.map((p) => {
      const { rules: _, ...rest } = clean(p as unknown as JsonObject);
      return { id: p.id, scope: p.scope, body: JSON.stringify(rest), rules: p.rules.map((r) => ({ id: r.id, body: JSON.stringify(clean(r as unknown as JsonObject)) })) };
    }),
  };
}

/** The ids of the clusters a policy's scope names (their cluster-control-plane paths). */
export function clustersInScope(scope: readonly string[]): string[] {
  const prefix = '/infra/sites/default/enforcement-points/default/cluster-control-planes/';
  return scope.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)).filter((id) => id && !id.includes('/'));
}

/**
 * Groups, security policies and their rules in domain `default`, each with a `_revision` that grows by one on
 * every change (optimistic concurrency: a write naming a stale `_revision` is refused with 412). Callers wrap the
 * writes of a request in one transaction (inTransaction). Across processes sharing one database, the database
 * decides: a write reads the row it changes locked (PostgreSQL's FOR UPDATE; SQLite has one writer at a time),
 * updates it only at the revision it read, and creates it only when no one else did.
 */
/** How many DFW epochs of changes the change log keeps (a holder of an older decoded state reads everything). */
const CHANGE_LOG_EPOCHS = 5000;
/** Every how many epochs the change log drops its oldest ones. */
const CHANGE_LOG_PRUNE_EVERY = 100;

export class PolicyStore {
  readonly #db: Database;
  /** Told about every change of a security policy or its rules. */
  onPolicyChange?: PolicyChangeListener;
  /** Told about every deleted security policy. */
  onPolicyDelete?: (policyId: string) => void;

  constructor(db: Database) {
    this.#db = db;
  }

  /** ` FOR UPDATE` where the database has it: the row read stays locked until the transaction ends. */
  get #forUpdate(): string {
    return this.#db.dialect === 'postgres' ? ' FOR UPDATE' : '';
  }

  /**
   * The database's DFW epoch: grows, in the same transaction, with every write of a group, security policy or
   * rule by any replica. An import planned on an older epoch is planned again (its placement and verification
   * depend on every stored object). `lock`: inside a write transaction, the epoch stays this one until it ends
   * (PostgreSQL: the row is locked; SQLite has one writer at a time).
   */
  async dfwEpoch(lock = false): Promise<number> {
    const value = (await this.#db.get<{ value: unknown }>(`SELECT value FROM epochs WHERE name = 'dfw'${lock ? this.#forUpdate : ''}`))?.value;
    if (typeof value !== 'number' && typeof value !== 'bigint' && !(typeof value === 'string' && /^[0-9]+$/.test(value))) {
      throw new Error('the database has no DFW epoch (table epochs): its schema is damaged');
    }
    return Number(value);
  }

  /**
   * Grows the DFW epoch. Every DFW write calls it before it reads or locks its own rows: on PostgreSQL the epoch's
   * row is then the first lock of every DFW-writing transaction, so writers (and an import checking the epoch
   * FOR UPDATE) queue on it instead of deadlocking on each other's rows; a write that fails rolls it back with
   * the rest of its transaction.
   */
  async #changed(changed: { readonly groups?: readonly string[]; readonly policies?: readonly string[] }): Promise<void> {
    const epoch = Number((await this.#db.get<{ value: unknown }>("UPDATE epochs SET value = value + 1 WHERE name = 'dfw' RETURNING value"))?.value);
    if (!Number.isSafeInteger(epoch)) throw new Error('the database has no DFW epoch (table epochs): its schema is damaged');
    // the change log (dfwChangesSince): which objects this epoch changed; the oldest epochs are dropped now and then
    const rows = [...(changed.groups ?? []).map((id) => ['group', id]), ...(changed.policies ?? []).map((id) => ['policy', id])];
    for (const batch of chunked(rows, ROWS_PER_INSERT)) {
      await this.#db.run(`INSERT INTO dfw_changes (epoch, kind, id) VALUES ${batch.map(() => '(?, ?, ?)').join(', ')}`, ...batch.flatMap(([kind, id]) => [epoch, kind, id]));
    }
    if (epoch % CHANGE_LOG_PRUNE_EVERY === 0) {
      const floor = epoch - CHANGE_LOG_EPOCHS;
      await this.#db.run('DELETE FROM dfw_changes WHERE epoch <= ?', floor);
      await this.#db.run("UPDATE epochs SET value = ? WHERE name = 'dfw_log_floor' AND value < ?", floor, floor);
    }
  }

  /**
   * The groups and security policies changed after DFW epoch `epoch` (a security policy also when one of its
   * rules changed), or undefined when the change log no longer reaches back that far. Read it in the snapshot
   * the current epoch was read in.
   */
  async dfwChangesSince(epoch: number): Promise<{ groups: Set<string>; policies: Set<string> } | undefined> {
    const floor = Number((await this.#db.get<{ value: unknown }>("SELECT value FROM epochs WHERE name = 'dfw_log_floor'"))?.value);
    if (!Number.isSafeInteger(floor) || epoch < floor) return undefined;
    const out = { groups: new Set<string>(), policies: new Set<string>() };
    for (const r of await this.#db.all<{ kind: string; id: string }>('SELECT kind, id FROM dfw_changes WHERE epoch > ?', epoch)) {
      if (r.kind === 'group') out.groups.add(r.id);
      else if (r.kind === 'policy') out.policies.add(r.id);
      else return undefined; // not a kind this version writes: read everything
    }
    return out;
  }

  // ---- groups ----

  /** A group with its metadata, or undefined. */
  async getGroup(id: string): Promise<JsonObject | undefined> {
    const row = (await this.#db.get<Row>('SELECT * FROM dfw_groups WHERE id = ?', id));
    return row ? this.#groupView(row) : undefined;
  }

  /** Whether a group exists. */
  async hasGroup(id: string): Promise<boolean> {
    return (await this.#db.get('SELECT 1 AS x FROM dfw_groups WHERE id = ?', id)) !== undefined;
  }

  /** One page of groups, by id. */
  async listGroups(page: PageRequest): Promise<ListResult<JsonObject>> {
    const total = (await this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM dfw_groups'))!.n;
    const rows = (await this.#db.all<Row>('SELECT * FROM dfw_groups WHERE id > ? ORDER BY id LIMIT ?', page.after, page.size + 1));
    return listResult(rows.map((r) => this.#groupView(r)), total, page, (g) => g.id as string);
  }

  /** Creates or changes a group. */
  async writeGroup(id: string, input: JsonObject, user: string, mode: WriteMode): Promise<WriteResult> {
    checkId(id, 'group');
    validateBody(GROUP_SCHEMA, input, `group ${id}`);
    if (input.id !== undefined && input.id !== id) throw badRequest(`group ${id}: the body's id "${String(input.id)}" differs from the path's`);
    await this.#changed({ groups: [id] }); // first: see #changed
    const existing = await this.#db.get<Row>(`SELECT * FROM dfw_groups WHERE id = ?${this.#forUpdate}`, id);
    checkRevision(existing, input._revision, mode, `group ${id}`);
    const base = existing && mode === 'patch' ? (JSON.parse(existing.body) as JsonObject) : {};
    const body = { ...base, ...clean(input), resource_type: 'Group', id };
    decoded(`group ${id}`, () => decodeGroup(body, id));
    const now = Date.now();
    const written = existing
      ? await this.#db.run('UPDATE dfw_groups SET body = ?, revision = revision + 1, modified_at = ?, modified_by = ? WHERE id = ? AND revision = ?',
        JSON.stringify(body), now, user, id, existing.revision)
      : await this.#db.run(`INSERT INTO dfw_groups (id, body, revision, created_at, created_by, modified_at, modified_by) VALUES (?, ?, 0, ?, ?, ?, ?)
        ON CONFLICT (id) DO NOTHING`, id, JSON.stringify(body), now, user, now, user);
    if (written.changes !== 1) throw changedMeanwhile(`group ${id}`);
    return { created: !existing, revision: existing ? existing.revision + 1 : 0, object: async () => (await this.getGroup(id))! };
  }

  /** Deletes a group; refused (400) while a policy or rule refers to it. Returns whether it existed. */
  async deleteGroup(id: string): Promise<boolean> {
    if (!(await this.hasGroup(id))) return false;
    const needle = `%${JSON.stringify(groupPath(id)).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rule = (await this.#db.get<{ policy_id: string; id: string }>(`SELECT policy_id, id FROM dfw_rules WHERE body LIKE ? ESCAPE '\\' LIMIT 1`, needle));
    const policy = (await this.#db.get<{ id: string }>(`SELECT id FROM dfw_policies WHERE body LIKE ? ESCAPE '\\' LIMIT 1`, needle));
    if (rule || policy) {
      const by = rule ? rulePath(rule.policy_id, rule.id) : securityPolicyPath(policy!.id);
      throw new ApiError(400, ERROR_CODES.IN_USE, `group ${id} is referenced by ${by}; remove the reference first`);
    }
    await this.#changed({ groups: [id] }); // first: see #changed
    await this.#db.run('DELETE FROM dfw_groups WHERE id = ?', id);
    return true;
  }

  #groupView(row: Row): JsonObject {
    return domainObjectView(row, 'Group', groupPath(row.id));
  }

  // ---- security policies ----

  /** A security policy with its metadata (and its rules unless `withRules` is false), or undefined. */
  async getPolicy(id: string, withRules = true): Promise<JsonObject | undefined> {
    const row = (await this.#db.get<Row>('SELECT * FROM dfw_policies WHERE id = ?', id));
    if (!row) return undefined;
    const view = this.#policyView(row);
    if (withRules) view.rules = await this.#rulesOf(id);
    return view;
  }

  /** One page of security policies, by id, without their rules (GET one policy for its rules). */
  async listPolicies(page: PageRequest): Promise<ListResult<JsonObject>> {
    const total = (await this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM dfw_policies'))!.n;
    const rows = (await this.#db.all<Row>('SELECT * FROM dfw_policies WHERE id > ? ORDER BY id LIMIT ?', page.after, page.size + 1));
    return listResult(rows.map((r) => this.#policyView(r)), total, page, (p) => p.id as string);
  }

  /** Every security policy with its rules (for placement of new ones). */
  async allPolicies(): Promise<JsonObject[]> {
    const rules = new Map<string, JsonObject[]>();
    for (const r of (await this.#db.all<Row & { policy_id: string }>('SELECT * FROM dfw_rules ORDER BY policy_id'))) {
      const list = rules.get(r.policy_id) ?? [];
      list.push(this.#ruleView(r.policy_id, r));
      rules.set(r.policy_id, list);
    }
    return ((await this.#db.all<Row>('SELECT * FROM dfw_policies ORDER BY id'))).map((row) => {
      const v = this.#policyView(row);
      v.rules = sortRules(rules.get(row.id) ?? []);
      return v;
    });
  }

  /** The number of security policies, groups and rules stored. */
  async counts(): Promise<{ groups: number; policies: number; rules: number }> {
    const n = async (t: string) => (await this.#db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))!.n;
    return { groups: await n('dfw_groups'), policies: await n('dfw_policies'), rules: await n('dfw_rules') };
  }

  /**
   * Creates or changes a security policy. With `rules`: PUT makes them the policy's only rules, PATCH adds or
   * changes the rules given and keeps the others. Every group a rule or the scope refers to must exist.
   */
  async writePolicy(id: string, input: JsonObject, user: string, mode: WriteMode): Promise<WriteResult> {
    checkId(id, 'security policy');
    validateBody(SECURITY_POLICY_SCHEMA, input, `security policy ${id}`);
    if (input.id !== undefined && input.id !== id) throw badRequest(`security policy ${id}: the body's id "${String(input.id)}" differs from the path's`);
    await this.#changed({ policies: [id] }); // first: see #changed
    const existing = await this.#db.get<Row>(`SELECT * FROM dfw_policies WHERE id = ?${this.#forUpdate}`, id);
    checkRevision(existing, input._revision, mode, `security policy ${id}`);
    const { rules, ...rest } = clean(input);
    const base = existing && mode === 'patch' ? (JSON.parse(existing.body) as JsonObject) : {};
    const body: JsonObject = { category: 'Application', sequence_number: 0, scope: ['ANY'], stateful: true, ...base, ...rest, resource_type: 'SecurityPolicy', id };
    decoded(`security policy ${id}`, () => decodeSecurityPolicy(body, id, []));
    await this.#checkGroupRefs(body.scope as string[], `security policy ${id}: scope`);
    const now = Date.now();
    const written = existing
      ? await this.#db.run('UPDATE dfw_policies SET body = ?, revision = revision + 1, modified_at = ?, modified_by = ? WHERE id = ? AND revision = ?',
        JSON.stringify(body), now, user, id, existing.revision)
      : await this.#db.run(`INSERT INTO dfw_policies (id, body, revision, created_at, created_by, modified_at, modified_by) VALUES (?, ?, 0, ?, ?, ?, ?)
        ON CONFLICT (id) DO NOTHING`, id, JSON.stringify(body), now, user, now, user);
    if (written.changes !== 1) throw changedMeanwhile(`security policy ${id}`);
    if (Array.isArray(rules)) {
      const given = rules as JsonObject[];
      const ids = new Set<string>();
      for (const [i, r] of given.entries()) {
        if (typeof r.id !== 'string') throw badRequest(`security policy ${id}: rules[${i}] has no id`);
        if (ids.has(r.id)) throw badRequest(`security policy ${id}: rules[${i}]: the rule id "${r.id}" appears twice`);
        ids.add(r.id);
      }
      if (mode === 'put') {
        for (const old of (await this.#db.all<{ id: string }>('SELECT id FROM dfw_rules WHERE policy_id = ?', id))) {
          if (!ids.has(old.id)) (await this.#db.run('DELETE FROM dfw_rules WHERE policy_id = ? AND id = ?', id, old.id));
        }
      }
      for (const r of given) await this.#writeRuleRow(id, r.id as string, r, user, 'patch', now);
    }
    const revision = existing ? existing.revision + 1 : 0;
    await this.onPolicyChange?.([{ policyId: id, scope: body.scope as string[], revision }]);
    return { created: !existing, revision, object: async () => (await this.getPolicy(id))! };
  }

  /** Deletes a security policy and its rules. Returns whether it existed. */
  async deletePolicy(id: string): Promise<boolean> {
    await this.#changed({ policies: [id] }); // first: see #changed
    const r = (await this.#db.run('DELETE FROM dfw_policies WHERE id = ?', id));
    if (Number(r.changes) > 0) this.onPolicyDelete?.(id);
    return Number(r.changes) > 0;
  }

  #policyView(row: Row): JsonObject {
    return domainObjectView(row, 'SecurityPolicy', securityPolicyPath(row.id));
  }

  // ---- rules ----

  /** One rule of a policy, or undefined (404 when the policy does not exist). */
  async getRule(policyId: string, ruleId: string): Promise<JsonObject | undefined> {
    await this.#requirePolicy(policyId);
    const row = (await this.#db.get<Row>('SELECT * FROM dfw_rules WHERE policy_id = ? AND id = ?', policyId, ruleId));
    return row ? this.#ruleView(policyId, row) : undefined;
  }

  /** One page of a policy's rules, by id. */
  async listRules(policyId: string, page: PageRequest): Promise<ListResult<JsonObject>> {
    await this.#requirePolicy(policyId);
    const total = (await this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM dfw_rules WHERE policy_id = ?', policyId))!.n;
    const rows = (await this.#db.all<Row>('SELECT * FROM dfw_rules WHERE policy_id = ? AND id > ? ORDER BY id LIMIT ?', policyId, page.after, page.size + 1));
    return listResult(rows.map((r) => this.#ruleView(policyId, r)), total, page, (r) => r.id as string);
  }

  /** Creates or changes one rule of an existing policy. */
  async writeRule(policyId: string, ruleId: string, input: JsonObject, user: string, mode: WriteMode): Promise<WriteResult> {
    const policy = await this.#requirePolicy(policyId);
    const { created, revision } = await this.#writeRuleRow(policyId, ruleId, input, user, mode, Date.now());
    const body = JSON.parse(policy.body) as JsonObject;
    await this.onPolicyChange?.([{ policyId, scope: (body.scope as string[]) ?? [], revision: policy.revision }]);
    return { created, revision, object: async () => (await this.getRule(policyId, ruleId))! };
  }

  /** Deletes one rule. Returns whether it existed. */
  async deleteRule(policyId: string, ruleId: string): Promise<boolean> {
    const policy = await this.#requirePolicy(policyId);
    await this.#changed({ policies: [policyId] }); // first: see #changed
    const r = (await this.#db.run('DELETE FROM dfw_rules WHERE policy_id = ? AND id = ?', policyId, ruleId));
    if (Number(r.changes) > 0) {
      const body = JSON.parse(policy.body) as JsonObject;
      await this.onPolicyChange?.([{ policyId, scope: (body.scope as string[]) ?? [], revision: policy.revision }]);
    }
    return Number(r.changes) > 0;
  }

  async #writeRuleRow(policyId: string, ruleId: string, input: JsonObject, user: string, mode: WriteMode, now: number): Promise<{ created: boolean; revision: number }> {
    const what = `rule ${ruleId} of security policy ${policyId}`;
    checkId(ruleId, 'rule');
    validateBody(RULE_SCHEMA, input, what);
    if (input.id !== undefined && input.id !== ruleId) throw badRequest(`${what}: the body's id "${String(input.id)}" differs from the path's`);
    await this.#changed({ policies: [policyId] }); // first: see #changed
    const existing = await this.#db.get<Row>(`SELECT * FROM dfw_rules WHERE policy_id = ? AND id = ?${this.#forUpdate}`, policyId, ruleId);
    checkRevision(existing, input._revision, mode, what);
    const base = existing && mode === 'patch' ? (JSON.parse(existing.body) as JsonObject) : {};
    const body: JsonObject = {
      action: 'ALLOW', direction: 'IN_OUT', ip_protocol: 'IPV4_IPV6', sequence_number: 0,
      source_groups: ['ANY'], destination_groups: ['ANY'], services: ['ANY'], scope: ['ANY'], logged: false, disabled: false,
      ...base, ...clean(input), resource_type: 'Rule', id: ruleId,
    };
    const rule = decoded(what, () => decodeRule(body, policyId, ruleId));
    for (const field of ['source_groups', 'destination_groups', 'scope'] as const) await this.#checkGroupRefs(rule[field], `${what}: ${field}`);
    const written = existing
      ? await this.#db.run('UPDATE dfw_rules SET body = ?, revision = revision + 1, modified_at = ?, modified_by = ? WHERE policy_id = ? AND id = ? AND revision = ?',
        JSON.stringify(body), now, user, policyId, ruleId, existing.revision)
      : await this.#db.run(`INSERT INTO dfw_rules (policy_id, id, body, revision, created_at, created_by, modified_at, modified_by)
        VALUES (?, ?, ?, 0, ?, ?, ?, ?) ON CONFLICT (policy_id, id) DO NOTHING`, policyId, ruleId, JSON.stringify(body), now, user, now, user);
    if (written.changes !== 1) throw changedMeanwhile(what);
    return { created: !existing, revision: existing ? existing.revision + 1 : 0 };
  }

  async #checkGroupRefs(paths: readonly string[] | undefined, what: string): Promise<void> {
    const prefix = `${DOMAIN_PATH}/groups/`;
    for (const p of groupPathsOf(paths ?? [])) {
      if (!(await this.hasGroup(p.slice(prefix.length)))) throw badRequest(`${what}: the group ${p} does not exist`);
    }
  }

  /** Whether a security policy exists. */
  async hasPolicy(id: string): Promise<boolean> {
    return (await this.#db.get('SELECT 1 AS x FROM dfw_policies WHERE id = ?', id)) !== undefined;
  }

  /** Which of these ids are stored groups and security policies: one query per table and 500 ids. */
  async existing(ids: { readonly groups: readonly string[]; readonly policies: readonly string[] }): Promise<{ groups: Set<string>; policies: Set<string> }> {
    const found = async (table: string, wanted: readonly string[]) => {
      const out = new Set<string>();
      for (const chunk of chunked(wanted)) {
        for (const r of await this.#db.all<{ id: string }>(`SELECT id FROM ${table} WHERE id IN (${placeholders(chunk)})`, ...chunk)) out.add(r.id);
      }
      return out;
    };
    return { groups: await found('dfw_groups', ids.groups), policies: await found('dfw_policies', ids.policies) };
  }

  /**
   * Every stored group and security policy decoded into the model (what verification evaluates). Stored rows are
   * decoded, never cast: an object that does not decode is left out and named in `undecodable`.
   */
  async decodedConfig(): Promise<DecodedDfw> {
    return DecodedDfwState.of(await this.dfwRows()).result();
  }

  /** The stored rows of every group and security policy (and rule), or of the ids in `only`; by id. */
  async dfwRows(only?: DfwChanged): Promise<DfwRows> {
    if (!only) {
      return {
        groups: await this.#db.all<{ id: string; body: string }>('SELECT id, body FROM dfw_groups ORDER BY id'),
        policies: await this.#db.all<{ id: string; body: string }>('SELECT id, body FROM dfw_policies ORDER BY id'),
        rules: await this.#db.all<{ policy_id: string; id: string; body: string }>('SELECT policy_id, id, body FROM dfw_rules ORDER BY policy_id, id'),
      };
    }
    const some = async <T>(sql: string, ids: Iterable<string>) => {
      const out: T[] = [];
      for (const chunk of chunked([...ids])) out.push(...(await this.#db.all<T>(sql.replace('%', placeholders(chunk)), ...chunk)));
      return out;
    };
    return {
      groups: await some<{ id: string; body: string }>('SELECT id, body FROM dfw_groups WHERE id IN (%)', only.groups),
      policies: await some<{ id: string; body: string }>('SELECT id, body FROM dfw_policies WHERE id IN (%)', only.policies),
      rules: await some<{ policy_id: string; id: string; body: string }>('SELECT policy_id, id, body FROM dfw_rules WHERE policy_id IN (%)', only.policies),
    };
  }

  /**
   * Inserts the rows of an import (importRows: groups and security policies made by the converter, serialized).
   * The caller has checked, in the same transaction, that none of their ids exists: an import never replaces an
   * object (an id that exists by now fails its INSERT, and with it the transaction). Rows go in batches: one
   * statement per 200 rows rather than one per row (a round trip each on PostgreSQL).
   */
  async insertImported(rows: ImportRows, user: string): Promise<void> {
    const now = Date.now();
    const insert = async (table: string, columns: string, values: SqlValue[][]) => {
      for (const batch of chunked(values, ROWS_PER_INSERT)) {
        const row = `(${batch[0].map(() => '?').join(', ')})`;
        await this.#db.run(`INSERT INTO ${table} (${columns}) VALUES ${batch.map(() => row).join(', ')}`, ...batch.flat());
      }
    };
    await this.#changed({ groups: rows.groups.map((g) => g.id), policies: rows.policies.map((p) => p.id) }); // first: see #changed
    const meta = [0, now, user, now, user];
    await insert('dfw_groups', 'id, body, revision, created_at, created_by, modified_at, modified_by', rows.groups.map((g) => [g.id, g.body, ...meta]));
    await insert('dfw_policies', 'id, body, revision, created_at, created_by, modified_at, modified_by', rows.policies.map((p) => [p.id, p.body, ...meta]));
    await insert('dfw_rules', 'policy_id, id, body, revision, created_at, created_by, modified_at, modified_by',
      rows.policies.flatMap((p) => p.rules.map((r) => [p.id, r.id, r.body, ...meta])));
    await this.onPolicyChange?.(rows.policies.map((p) => ({ policyId: p.id, scope: p.scope, revision: 0 })));
  }

  async #requirePolicy(policyId: string): Promise<Row> {
    const row = (await this.#db.get<Row>('SELECT * FROM dfw_policies WHERE id = ?', policyId));
    if (!row) throw notFound(`security policy ${policyId} does not exist`);
    return row;
  }

  async #rulesOf(policyId: string): Promise<JsonObject[]> {
    const rows = (await this.#db.all<Row>('SELECT * FROM dfw_rules WHERE policy_id = ?', policyId));
    return sortRules(rows.map((r) => this.#ruleView(policyId, r)));
  }

  #ruleView(policyId: string, row: Row): JsonObject {
    const body = JSON.parse(row.body) as JsonObject;
    return {
      ...body,
      resource_type: 'Rule',
      id: row.id,
      display_name: body.display_name ?? row.id,
      path: rulePath(policyId, row.id),
      relative_path: row.id,
      parent_path: securityPolicyPath(policyId),
      marked_for_delete: false,
      ...metadata(row),
    };
  }
}

function sortRules(rules: JsonObject[]): JsonObject[] {
  return rules.sort((a, b) => (a.sequence_number as number) - (b.sequence_number as number) || ((a.id as string) < (b.id as string) ? -1 : 1));
}

/** A group or security policy as the API shows it: the stored body with the fields NSX computes itself. */
function domainObjectView(row: Row, resourceType: 'Group' | 'SecurityPolicy', path: string): JsonObject {
  const body = JSON.parse(row.body) as JsonObject;
  return {
    ...body,
    resource_type: resourceType,
    id: row.id,
    display_name: body.display_name ?? row.id,
    path,
    relative_path: row.id,
    parent_path: DOMAIN_PATH,
    marked_for_delete: false,
    ...metadata(row),
  };
}
