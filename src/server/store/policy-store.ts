import type { StatementSync } from 'node:sqlite';
import type { Database } from '../db/database.ts';
import { ApiError, badRequest, ERROR_CODES, notFound } from '../http/api-error.ts';
import { listResult, type ListResult, type PageRequest } from '../http/paging.ts';
import { GROUP_SCHEMA, RULE_SCHEMA, SECURITY_POLICY_SCHEMA } from '../http/schemas.ts';
import { validateBody } from '../http/validate-body.ts';
import { DOMAIN_PATH, groupPath, rulePath, securityPolicyPath } from '../../model/paths.ts';
import { StatementCache } from '../db/statement-cache.ts';
import type { DfwConfig } from '../../model/dfw-config.ts';
import type { Group } from '../../model/group.ts';
import type { Rule } from '../../model/rule.ts';
import type { SecurityPolicy } from '../../model/security-policy.ts';
import { GroupExpressionError, groupMembership } from '../../model/group-expression.ts';
import { DfwDecodeError, decodeGroup, decodeRule, decodeSecurityPolicy, groupPathsOf } from './decode-dfw.ts';
import { storedOrigins } from '../../convert/stored-origins.ts';

/** A JSON object as stored and served. */
export type JsonObject = Record<string, unknown>;

/** PUT replaces an object (an update needs its current `_revision`); PATCH merges into it (`_revision` optional). */
export type WriteMode = 'put' | 'patch';

/** What happened to an object written. */
export interface WriteResult {
  /** The object as now stored, with its metadata (read when asked for: imports write thousands and read none). */
  readonly object: JsonObject;
  /** Whether it was created (else updated). */
  readonly created: boolean;
}

/** Called after a security policy or one of its rules changed, with the policy's id (realization tracking). */
export type PolicyChangeListener = (policyId: string, scope: readonly string[], revision: number) => void;

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

/** A stored object that cannot be evaluated: its path and why. */
export interface UndecodableObject {
  readonly path: string;
  readonly problem: string;
}

function clean(body: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(body)) if (!READ_ONLY.has(k)) out[k] = v;
  return out;
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

/**
 * Checks that a conditional write (an UPDATE of the revision read, or an INSERT that does nothing when the row
 * exists) changed its row: the database decides between concurrent writers (other replicas), whatever its
 * isolation level. 412 otherwise, and the caller's transaction is rolled back.
 */
function written(result: { changes: number | bigint }, what: string): void {
  if (Number(result.changes) !== 1) {
    throw new ApiError(412, ERROR_CODES.REVISION_CONFLICT, `${what} was changed by someone else meanwhile; GET it again and retry`);
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
 * every change (optimistic concurrency: a write naming a stale `_revision` is refused with 412). All methods are
 * synchronous: callers wrap them in one transaction (inTransaction) per request.
 */
export class PolicyStore {
  readonly #db: Database;
  readonly #statements: StatementCache;
  /** Told about every change of a security policy or its rules. */
  onPolicyChange?: PolicyChangeListener;
  /** Told about every deleted security policy. */
  onPolicyDelete?: (policyId: string) => void;

  constructor(db: Database) {
    this.#db = db;
    this.#statements = new StatementCache(db);
  }

  #q(sql: string): StatementSync {
    return this.#statements.get(sql);
  }

  /**
   * The database's DFW epoch: grows, in the same transaction, with every write of a group, security policy or
   * rule by any replica. An import planned on an older epoch is planned again (its placement and verification
   * depend on every stored object).
   */
  dfwEpoch(): number {
    const value = this.#q("SELECT value FROM epochs WHERE name = 'dfw'").get()?.value;
    if (typeof value !== 'number' && typeof value !== 'bigint') throw new Error('the database has no DFW epoch (table epochs): its schema is damaged');
    return Number(value);
  }

  #changed(): void {
    this.#q("UPDATE epochs SET value = value + 1 WHERE name = 'dfw'").run();
  }

  // ---- groups ----

  /** A group with its metadata, or undefined. */
  getGroup(id: string): JsonObject | undefined {
    const row = this.#q('SELECT * FROM dfw_groups WHERE id = ?').get(id) as Row | undefined;
    return row ? this.#groupView(row) : undefined;
  }

  /** Whether a group exists. */
  hasGroup(id: string): boolean {
    return this.#q('SELECT 1 AS x FROM dfw_groups WHERE id = ?').get(id) !== undefined;
  }

  /** One page of groups, by id. */
  listGroups(page: PageRequest): ListResult<JsonObject> {
    const total = (this.#q('SELECT COUNT(*) AS n FROM dfw_groups').get() as { n: number }).n;
    const rows = this.#q('SELECT * FROM dfw_groups WHERE id > ? ORDER BY id LIMIT ?').all(page.after, page.size + 1) as unknown as Row[];
    return listResult(rows.map((r) => this.#groupView(r)), total, page, (g) => g.id as string);
  }

  /** Creates or changes a group. */
  writeGroup(id: string, input: JsonObject, user: string, mode: WriteMode): WriteResult {
    checkId(id, 'group');
    validateBody(GROUP_SCHEMA, input, `group ${id}`);
    if (input.id !== undefined && input.id !== id) throw badRequest(`group ${id}: the body's id "${String(input.id)}" differs from the path's`);
    const existing = this.#q('SELECT * FROM dfw_groups WHERE id = ?').get(id) as Row | undefined;
    checkRevision(existing, input._revision, mode, `group ${id}`);
    const base = existing && mode === 'patch' ? (JSON.parse(existing.body) as JsonObject) : {};
    const body = { ...base, ...clean(input), resource_type: 'Group', id };
    decoded(`group ${id}`, () => decodeGroup(body, id));
    const now = Date.now();
    if (existing) {
      written(this.#q('UPDATE dfw_groups SET body = ?, revision = revision + 1, modified_at = ?, modified_by = ? WHERE id = ? AND revision = ?')
        .run(JSON.stringify(body), now, user, id, existing.revision), `group ${id}`);
    } else {
      written(this.#q(`INSERT INTO dfw_groups (id, body, revision, created_at, created_by, modified_at, modified_by) VALUES (?, ?, 0, ?, ?, ?, ?)
        ON CONFLICT (id) DO NOTHING`).run(id, JSON.stringify(body), now, user, now, user), `group ${id}`);
    }
    this.#changed();
    const store = this;
    return { created: !existing, get object() { return store.getGroup(id)!; } };
  }

  /** Deletes a group; refused (400) while a policy or rule refers to it. Returns whether it existed. */
  deleteGroup(id: string): boolean {
    if (!this.hasGroup(id)) return false;
    const needle = `%${JSON.stringify(groupPath(id)).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rule = this.#q(`SELECT policy_id, id FROM dfw_rules WHERE body LIKE ? ESCAPE '\\' LIMIT 1`).get(needle) as { policy_id: string; id: string } | undefined;
    const policy = this.#q(`SELECT id FROM dfw_policies WHERE body LIKE ? ESCAPE '\\' LIMIT 1`).get(needle) as { id: string } | undefined;
    if (rule || policy) {
      const by = rule ? rulePath(rule.policy_id, rule.id) : securityPolicyPath(policy!.id);
      throw new ApiError(400, ERROR_CODES.IN_USE, `group ${id} is referenced by ${by}; remove the reference first`);
    }
    this.#q('DELETE FROM dfw_groups WHERE id = ?').run(id);
    this.#changed();
    return true;
  }

  #groupView(row: Row): JsonObject {
    return domainObjectView(row, 'Group', groupPath(row.id));
  }

  // ---- security policies ----

  /** A security policy with its metadata (and its rules unless `withRules` is false), or undefined. */
  getPolicy(id: string, withRules = true): JsonObject | undefined {
    const row = this.#q('SELECT * FROM dfw_policies WHERE id = ?').get(id) as Row | undefined;
    if (!row) return undefined;
    const view = this.#policyView(row);
    if (withRules) view.rules = this.#rulesOf(id);
    return view;
  }

  /** One page of security policies, by id, without their rules (GET one policy for its rules). */
  listPolicies(page: PageRequest): ListResult<JsonObject> {
    const total = (this.#q('SELECT COUNT(*) AS n FROM dfw_policies').get() as { n: number }).n;
    const rows = this.#q('SELECT * FROM dfw_policies WHERE id > ? ORDER BY id LIMIT ?').all(page.after, page.size + 1) as unknown as Row[];
    return listResult(rows.map((r) => this.#policyView(r)), total, page, (p) => p.id as string);
  }

  /** Every security policy with its rules (for placement of new ones). */
  allPolicies(): JsonObject[] {
    const rules = new Map<string, JsonObject[]>();
    for (const r of this.#q('SELECT * FROM dfw_rules ORDER BY policy_id').all() as unknown as (Row & { policy_id: string })[]) {
      const list = rules.get(r.policy_id) ?? [];
      list.push(this.#ruleView(r.policy_id, r));
      rules.set(r.policy_id, list);
    }
    return (this.#q('SELECT * FROM dfw_policies ORDER BY id').all() as unknown as Row[]).map((row) => {
      const v = this.#policyView(row);
      v.rules = sortRules(rules.get(row.id) ?? []);
      return v;
    });
  }

  /** The number of security policies, groups and rules stored. */
  counts(): { groups: number; policies: number; rules: number } {
    const n = (t: string) => (this.#q(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { groups: n('dfw_groups'), policies: n('dfw_policies'), rules: n('dfw_rules') };
  }

  /**
   * Creates or changes a security policy. With `rules`: PUT makes them the policy's only rules, PATCH adds or
   * changes the rules given and keeps the others. Every group a rule or the scope refers to must exist.
   */
  writePolicy(id: string, input: JsonObject, user: string, mode: WriteMode): WriteResult {
    checkId(id, 'security policy');
    validateBody(SECURITY_POLICY_SCHEMA, input, `security policy ${id}`);
    if (input.id !== undefined && input.id !== id) throw badRequest(`security policy ${id}: the body's id "${String(input.id)}" differs from the path's`);
    const existing = this.#q('SELECT * FROM dfw_policies WHERE id = ?').get(id) as Row | undefined;
    checkRevision(existing, input._revision, mode, `security policy ${id}`);
    const { rules, ...rest } = clean(input);
    const base = existing && mode === 'patch' ? (JSON.parse(existing.body) as JsonObject) : {};
    const body: JsonObject = { category: 'Application', sequence_number: 0, scope: ['ANY'], stateful: true, ...base, ...rest, resource_type: 'SecurityPolicy', id };
    decoded(`security policy ${id}`, () => decodeSecurityPolicy(body, id, []));
    this.#checkGroupRefs(body.scope as string[], `security policy ${id}: scope`);
    const now = Date.now();
    if (existing) {
      written(this.#q('UPDATE dfw_policies SET body = ?, revision = revision + 1, modified_at = ?, modified_by = ? WHERE id = ? AND revision = ?')
        .run(JSON.stringify(body), now, user, id, existing.revision), `security policy ${id}`);
    } else {
      written(this.#q(`INSERT INTO dfw_policies (id, body, revision, created_at, created_by, modified_at, modified_by) VALUES (?, ?, 0, ?, ?, ?, ?)
        ON CONFLICT (id) DO NOTHING`).run(id, JSON.stringify(body), now, user, now, user), `security policy ${id}`);
    }
    if (Array.isArray(rules)) {
      const given = rules as JsonObject[];
      const ids = new Set<string>();
      for (const [i, r] of given.entries()) {
        if (typeof r.id !== 'string') throw badRequest(`security policy ${id}: rules[${i}] has no id`);
        if (ids.has(r.id)) throw badRequest(`security policy ${id}: rules[${i}]: the rule id "${r.id}" appears twice`);
        ids.add(r.id);
      }
      if (mode === 'put') {
        for (const old of this.#q('SELECT id FROM dfw_rules WHERE policy_id = ?').all(id) as { id: string }[]) {
          if (!ids.has(old.id)) this.#q('DELETE FROM dfw_rules WHERE policy_id = ? AND id = ?').run(id, old.id);
        }
      }
      for (const r of given) this.#writeRuleRow(id, r.id as string, r, user, 'patch', now);
    }
    this.#changed();
    const row = this.#q('SELECT * FROM dfw_policies WHERE id = ?').get(id) as unknown as Row;
    this.onPolicyChange?.(id, body.scope as string[], row.revision);
    const store = this;
    return { created: !existing, get object() { return store.getPolicy(id)!; } };
  }

  /** Deletes a security policy and its rules. Returns whether it existed. */
  deletePolicy(id: string): boolean {
    const r = this.#q('DELETE FROM dfw_policies WHERE id = ?').run(id);
    if (Number(r.changes) > 0) {
      this.#changed();
      this.onPolicyDelete?.(id);
    }
    return Number(r.changes) > 0;
  }

  #policyView(row: Row): JsonObject {
    return domainObjectView(row, 'SecurityPolicy', securityPolicyPath(row.id));
  }

  // ---- rules ----

  /** One rule of a policy, or undefined (404 when the policy does not exist). */
  getRule(policyId: string, ruleId: string): JsonObject | undefined {
    this.#requirePolicy(policyId);
    const row = this.#q('SELECT * FROM dfw_rules WHERE policy_id = ? AND id = ?').get(policyId, ruleId) as Row | undefined;
    return row ? this.#ruleView(policyId, row) : undefined;
  }

  /** One page of a policy's rules, by id. */
  listRules(policyId: string, page: PageRequest): ListResult<JsonObject> {
    this.#requirePolicy(policyId);
    const total = (this.#q('SELECT COUNT(*) AS n FROM dfw_rules WHERE policy_id = ?').get(policyId) as { n: number }).n;
    const rows = this.#q('SELECT * FROM dfw_rules WHERE policy_id = ? AND id > ? ORDER BY id LIMIT ?')
      .all(policyId, page.after, page.size + 1) as unknown as Row[];
    return listResult(rows.map((r) => this.#ruleView(policyId, r)), total, page, (r) => r.id as string);
  }

  /** Creates or changes one rule of an existing policy. */
  writeRule(policyId: string, ruleId: string, input: JsonObject, user: string, mode: WriteMode): WriteResult {
    const policy = this.#requirePolicy(policyId);
    const created = this.#writeRuleRow(policyId, ruleId, input, user, mode, Date.now());
    const body = JSON.parse(policy.body) as JsonObject;
    this.onPolicyChange?.(policyId, (body.scope as string[]) ?? [], policy.revision);
    const store = this;
    return { created, get object() { return store.getRule(policyId, ruleId)!; } };
  }

  /** Deletes one rule. Returns whether it existed. */
  deleteRule(policyId: string, ruleId: string): boolean {
    const policy = this.#requirePolicy(policyId);
    const r = this.#q('DELETE FROM dfw_rules WHERE policy_id = ? AND id = ?').run(policyId, ruleId);
    if (Number(r.changes) > 0) {
      this.#changed();
      const body = JSON.parse(policy.body) as JsonObject;
      this.onPolicyChange?.(policyId, (body.scope as string[]) ?? [], policy.revision);
    }
    return Number(r.changes) > 0;
  }

  #writeRuleRow(policyId: string, ruleId: string, input: JsonObject, user: string, mode: WriteMode, now: number): boolean {
    const what = `rule ${ruleId} of security policy ${policyId}`;
    checkId(ruleId, 'rule');
    validateBody(RULE_SCHEMA, input, what);
    if (input.id !== undefined && input.id !== ruleId) throw badRequest(`${what}: the body's id "${String(input.id)}" differs from the path's`);
    const existing = this.#q('SELECT * FROM dfw_rules WHERE policy_id = ? AND id = ?').get(policyId, ruleId) as Row | undefined;
    checkRevision(existing, input._revision, mode, what);
    const base = existing && mode === 'patch' ? (JSON.parse(existing.body) as JsonObject) : {};
    const body: JsonObject = {
      action: 'ALLOW', direction: 'IN_OUT', ip_protocol: 'IPV4_IPV6', sequence_number: 0,
      source_groups: ['ANY'], destination_groups: ['ANY'], services: ['ANY'], scope: ['ANY'], logged: false, disabled: false,
      ...base, ...clean(input), resource_type: 'Rule', id: ruleId,
    };
    const rule = decoded(what, () => decodeRule(body, policyId, ruleId));
    for (const field of ['source_groups', 'destination_groups', 'scope'] as const) this.#checkGroupRefs(rule[field], `${what}: ${field}`);
    if (existing) {
      written(this.#q('UPDATE dfw_rules SET body = ?, revision = revision + 1, modified_at = ?, modified_by = ? WHERE policy_id = ? AND id = ? AND revision = ?')
        .run(JSON.stringify(body), now, user, policyId, ruleId, existing.revision), what);
    } else {
      written(this.#q(`INSERT INTO dfw_rules (policy_id, id, body, revision, created_at, created_by, modified_at, modified_by)
        VALUES (?, ?, ?, 0, ?, ?, ?, ?) ON CONFLICT (policy_id, id) DO NOTHING`).run(policyId, ruleId, JSON.stringify(body), now, user, now, user), what);
    }
    this.#changed();
    return !existing;
  }

  #checkGroupRefs(paths: readonly string[] | undefined, what: string): void {
    const prefix = `${DOMAIN_PATH}/groups/`;
    for (const p of groupPathsOf(paths ?? [])) {
      if (!this.hasGroup(p.slice(prefix.length))) throw badRequest(`${what}: the group ${p} does not exist`);
    }
  }

  /** Whether a security policy exists. */
  hasPolicy(id: string): boolean {
    return this.#q('SELECT 1 AS x FROM dfw_policies WHERE id = ?').get(id) !== undefined;
  }

  /**
   * Every stored group and security policy decoded into the model (what verification evaluates). Stored rows are
   * decoded, never cast: an object that does not decode is left out and named in `undecodable`.
   */
  decodedConfig(): { config: DfwConfig; undecodable: UndecodableObject[] } {
    const undecodable: UndecodableObject[] = [];
    const attempt = <T>(path: string, f: () => T): T | undefined => {
      try {
        return f();
      } catch (e) {
        undecodable.push({ path, problem: e instanceof DfwDecodeError ? e.message : e instanceof SyntaxError ? 'the stored JSON is damaged' : String((e as Error).message) });
        return undefined;
      }
    };
    const groups: Group[] = [];
    for (const r of this.#q('SELECT id, body FROM dfw_groups ORDER BY id').all() as { id: string; body: string }[]) {
      const g = attempt(groupPath(r.id), () => decodeGroup(JSON.parse(r.body), r.id));
      if (g) groups.push(g);
    }
    // Child groups (PathExpression) are written in any order, so they are looked up here, among the stored groups:
    // a missing one or a cycle makes the group undecodable, as group-expression.ts says it.
    const byGroupPath = new Map(groups.map((g) => [g.path, g]));
    for (const g of groups) attempt(g.path, () => groupMembership(g, (p) => byGroupPath.get(p)));
    const rules = new Map<string, Rule[]>();
    const broken = new Set<string>();
    for (const r of this.#q('SELECT policy_id, id, body FROM dfw_rules ORDER BY policy_id').all() as { policy_id: string; id: string; body: string }[]) {
      const rule = attempt(rulePath(r.policy_id, r.id), () => decodeRule(JSON.parse(r.body), r.policy_id, r.id));
      if (!rule) { broken.add(r.policy_id); continue; }
      const list = rules.get(r.policy_id) ?? [];
      list.push(rule);
      rules.set(r.policy_id, list);
    }
    const policies: SecurityPolicy[] = [];
    for (const r of this.#q('SELECT id, body FROM dfw_policies ORDER BY id').all() as { id: string; body: string }[]) {
      const list = (rules.get(r.id) ?? []).sort((a, b) => a.sequence_number - b.sequence_number || (a.id < b.id ? -1 : 1));
      const p = attempt(securityPolicyPath(r.id), () => decodeSecurityPolicy(JSON.parse(r.body), r.id, list));
      if (p && !broken.has(r.id)) policies.push(p);
    }
    return { config: { groups, policies, origins: storedOrigins(policies) }, undecodable };
  }

  /**
   * Inserts the rows of an import (importRows: groups and security policies made by the converter, serialized).
   * The caller has checked, in the same transaction, that none of their ids exists: an import never replaces an
   * object.
   */
  insertImported(rows: ImportRows, user: string): void {
    const now = Date.now();
    const insertGroup = this.#q('INSERT INTO dfw_groups (id, body, revision, created_at, created_by, modified_at, modified_by) VALUES (?, ?, 0, ?, ?, ?, ?)');
    const insertPolicy = this.#q('INSERT INTO dfw_policies (id, body, revision, created_at, created_by, modified_at, modified_by) VALUES (?, ?, 0, ?, ?, ?, ?)');
    const insertRule = this.#q(`INSERT INTO dfw_rules (policy_id, id, body, revision, created_at, created_by, modified_at, modified_by)
      VALUES (?, ?, ?, 0, ?, ?, ?, ?)`);
    for (const g of rows.groups) insertGroup.run(g.id, g.body, now, user, now, user);
    for (const p of rows.policies) {
      insertPolicy.run(p.id, p.body, now, user, now, user);
      for (const r of p.rules) insertRule.run(p.id, r.id, r.body, now, user, now, user);
      this.onPolicyChange?.(p.id, p.scope, 0);
    }
    this.#changed();
  }

  #requirePolicy(policyId: string): Row {
    const row = this.#q('SELECT * FROM dfw_policies WHERE id = ?').get(policyId) as Row | undefined;
    if (!row) throw notFound(`security policy ${policyId} does not exist`);
    return row;
  }

  #rulesOf(policyId: string): JsonObject[] {
    const rows = this.#q('SELECT * FROM dfw_rules WHERE policy_id = ?').all(policyId) as unknown as Row[];
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
