// Reads an NSX DFW configuration that np2dfw did not necessarily write into the DFW model: the hierarchical body
// of `PATCH /policy/api/v1/infra` (as `np2dfw convert -o json|yaml` prints it), what `GET /policy/api/v1/infra`
// (with or without `?filter=...`) returns, list results of the policy API (`{"results": [...]}` of groups,
// security policies, rules or services), or single objects. Objects of the rest of NSX (segments, gateways, ...)
// are counted in one warning. Every field of a group, policy, rule or service is checked; a field that changes what the
// firewall does but that the DFW engine does not evaluate (an ICMP service, a context profile, an IPv4-only rule,
// excluded sources, a time window, ...) is an error naming the object and the field, never skipped.
import type { FieldPath } from '../../k8s/field-path.ts';
import type { InputProblem } from '../../k8s/invalid-input.ts';
import { isObject, type JsonObject } from '../../k8s/validate/shape.ts';
import type { DfwConfig } from '../dfw-config.ts';
import { decodeGroupExpression, GroupExpressionError, groupMembership } from '../group-expression.ts';
import type { Expression, Group } from '../group.ts';
import type { Rule, RuleAction, RuleDirection } from '../rule.ts';
import { CATEGORIES, type Category, type SecurityPolicy } from '../security-policy.ts';
import type { L4PortSetServiceEntry, ServiceEntry } from '../service-entry.ts';
import type { Tag } from '../tag.ts';

/** One document of an input, with the input's name. */
export interface NsxDocument {
  readonly file: string;
  readonly value: unknown;
}

/** The configuration read, and warnings (objects that take no part, said once each). */
export interface DecodedNsx {
  readonly config: DfwConfig;
  readonly warnings: readonly InputProblem[];
}

/** Fields NSX sets itself or that change nothing the DFW engine evaluates (names, bookkeeping, logging). */
const MANAGED_FIELDS = [
  'id', 'display_name', 'description', 'tags', 'path', 'parent_path', 'relative_path', 'unique_id', 'realization_id', 'remote_path',
  'marked_for_delete', 'overridden', '_revision', '_create_time', '_create_user', '_last_modified_time', '_last_modified_user',
  '_system_owned', '_protection', '_links', '_self', '_schema', 'owner_id', 'origin_site_id', 'children',
];

interface Collected {
  readonly groups: { readonly obj: JsonObject; readonly path: string; readonly file: string; readonly at: FieldPath }[];
  readonly policies: { readonly obj: JsonObject; readonly path: string; readonly file: string; readonly at: FieldPath }[];
  readonly rules: { readonly obj: JsonObject; readonly policyPath: string | undefined; readonly file: string; readonly at: FieldPath }[];
  readonly services: Map<string, { readonly obj: JsonObject; readonly file: string; readonly at: FieldPath }>;
  /** Objects of other types, by type, with their count. */
  readonly skipped: Map<string, number>;
}

class Problems {
  readonly list: InputProblem[] = [];
  readonly #sink: InputProblem[];
  constructor(sink: InputProblem[]) {
    this.#sink = sink;
  }
  add(file: string, object: string | undefined, path: FieldPath, message: string): void {
    const p: InputProblem = { file, ...(object ? { object } : {}), path, message };
    this.list.push(p);
    this.#sink.push(p);
  }
}

function str(o: JsonObject, k: string): string | undefined {
  return typeof o[k] === 'string' ? o[k] : undefined;
}

/** Walks the documents and collects every object by kind, deriving paths the way NSX does. */
function collect(docs: readonly NsxDocument[], problems: Problems): Collected {
  const c: Collected = { groups: [], policies: [], rules: [], services: new Map(), skipped: new Map() };
  const visit = (v: unknown, file: string, at: FieldPath, domain: string | undefined, policyPath: string | undefined): void => {
    if (Array.isArray(v)) { v.forEach((x, i) => visit(x, file, [...at, i], domain, policyPath)); return; }
    if (!isObject(v)) { problems.add(file, undefined, at, 'expected an NSX object (a mapping with resource_type)'); return; }
    if (v.marked_for_delete === true) return; // a deletion: the object is not part of the configuration
    const type = v.resource_type;
    if (type === undefined && Array.isArray(v.results)) { visit(v.results, file, [...at, 'results'], domain, policyPath); return; }
    const id = str(v, 'id');
    switch (type) {
      case 'Infra':
        if (v.children !== undefined) visit(v.children, file, [...at, 'children'], domain, policyPath);
        return;
      case 'ChildDomain': case 'ChildGroup': case 'ChildSecurityPolicy': case 'ChildRule': case 'ChildService': {
        const key = type.slice('Child'.length);
        if (!isObject(v[key])) { problems.add(file, undefined, [...at, key], `${type} needs a ${key}`); return; }
        visit(v[key], file, [...at, key], domain, policyPath);
        return;
      }
      case 'Domain': {
        const d = id ?? 'default';
        if (v.children !== undefined) visit(v.children, file, [...at, 'children'], d, policyPath);
        return;
      }
      case 'Group': {
        const path = str(v, 'path') ?? (id !== undefined ? `/infra/domains/${domain ?? 'default'}/groups/${id}` : undefined);
        if (path === undefined) { problems.add(file, 'Group', [...at, 'id'], 'Required value: a group needs an id or a path'); return; }
        c.groups.push({ obj: v, path, file, at });
        return;
      }
      case 'SecurityPolicy': {
        const path = str(v, 'path') ?? (id !== undefined ? `/infra/domains/${domain ?? 'default'}/security-policies/${id}` : undefined);
        if (path === undefined) { problems.add(file, 'SecurityPolicy', [...at, 'id'], 'Required value: a security policy needs an id or a path'); return; }
        c.policies.push({ obj: v, path, file, at });
        if (v.children !== undefined) visit(v.children, file, [...at, 'children'], domain, path);
        return;
      }
      case 'Rule':
        c.rules.push({ obj: v, policyPath: policyPath ?? str(v, 'parent_path'), file, at });
        return;
      case 'Service': {
        const path = str(v, 'path') ?? (id !== undefined ? `/infra/services/${id}` : undefined);
        if (path === undefined) { problems.add(file, 'Service', [...at, 'id'], 'Required value: a service needs an id or a path'); return; }
        c.services.set(path, { obj: v, file, at });
        return;
      }
      default:
        if (typeof type === 'string' && type !== '') {
          // Objects of the rest of NSX (segments, gateways, sites, context profile definitions, gateway policies...)
          // decide nothing in the distributed firewall of a cluster: counted and said once, not evaluated.
          const key = type.startsWith('Child') ? type.slice('Child'.length) : type;
          c.skipped.set(key, (c.skipped.get(key) ?? 0) + 1);
          return;
        }
        problems.add(file, undefined, [...at, 'resource_type'], 'expected an NSX object with a resource_type, or a list result with results');
    }
  };
  for (const d of docs) visit(d.value, d.file, [], undefined, undefined);
  return c;
}

/** Reads one object's fields: only `known` (and the managed ones) may be set; anything else is reported. */
class Reader {
  readonly problems: Problems;
  readonly file: string;
  readonly object: string;
  readonly at: FieldPath;
  constructor(problems: Problems, file: string, object: string, at: FieldPath) {
    this.problems = problems;
    this.file = file;
    this.object = object;
    this.at = at;
  }

  err(path: FieldPath, message: string): void {
    this.problems.add(this.file, this.object, [...this.at, ...path], message);
  }

  notEvaluated(path: FieldPath, what: string): void {
    this.err(path, `not evaluated by np2dfw: ${what}`);
  }

  only(o: JsonObject, path: FieldPath, known: readonly string[], ignored: readonly string[] = []): void {
    for (const k of Object.keys(o)) {
      if (known.includes(k) || ignored.includes(k) || MANAGED_FIELDS.includes(k)) continue;
      this.err([...path, k], `unknown field ${JSON.stringify(k)}`);
    }
  }

  str(o: JsonObject, k: string, path: FieldPath, fallback?: string): string | undefined {
    const v = o[k];
    if (v === undefined || v === null) {
      if (fallback === undefined) this.err([...path, k], 'Required value');
      return fallback;
    }
    if (typeof v === 'string') return v;
    this.err([...path, k], `must be a string, not ${JSON.stringify(v)}`);
    return undefined;
  }

  bool(o: JsonObject, k: string, path: FieldPath, fallback: boolean): boolean {
    const v = o[k];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    this.err([...path, k], `must be true or false, not ${JSON.stringify(v)}`);
    return fallback;
  }

  int(o: JsonObject, k: string, path: FieldPath, fallback: number): number {
    const v = o[k];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
    this.err([...path, k], `must be a non-negative integer, not ${JSON.stringify(v)}`);
    return fallback;
  }

  strings(o: JsonObject, k: string, path: FieldPath, fallback: readonly string[]): string[] {
    const v = o[k];
    if (v === undefined || v === null) return [...fallback];
    if (!Array.isArray(v)) { this.err([...path, k], 'must be a list of strings'); return []; }
    const out: string[] = [];
    v.forEach((x, i) => (typeof x === 'string' ? out.push(x) : this.err([...path, k, i], 'must be a string')));
    return out;
  }

  oneOf<T extends string>(o: JsonObject, k: string, path: FieldPath, allowed: readonly T[], fallback: T | undefined, notEvaluated: readonly string[] = []): T | undefined {
    const v = this.str(o, k, path, fallback);
    if (v === undefined) return undefined;
    const hit = allowed.find((a) => a === v);
    if (hit !== undefined) return hit;
    if (notEvaluated.includes(v)) this.notEvaluated([...path, k], `${k} ${v}`);
    else this.err([...path, k], `Unsupported value: ${JSON.stringify(v)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return undefined;
  }

  tags(o: JsonObject): Tag[] {
    const v = o.tags;
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) { this.err(['tags'], 'must be a list'); return []; }
    const out: Tag[] = [];
    v.forEach((t, i) => {
      if (!isObject(t)) { this.err(['tags', i], 'must be an object with scope and tag'); return; }
      out.push({ scope: typeof t.scope === 'string' ? t.scope : '', tag: typeof t.tag === 'string' ? t.tag : '' });
    });
    return out;
  }
}

/** The fields np2dfw reads of each kind of expression entry (any other field is reported, not dropped in silence). */
const EXPRESSION_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Condition: ['resource_type', 'member_type', 'key', 'operator', 'scope_operator', 'value'],
  ConjunctionOperator: ['resource_type', 'conjunction_operator'],
  NestedExpression: ['resource_type', 'expressions'],
  IPAddressExpression: ['resource_type', 'ip_addresses'],
  PathExpression: ['resource_type', 'paths'],
};

/**
 * Reports fields of expression entries np2dfw does not read. What the entries mean, and which NSX rejects, is
 * decided by src/model/group-expression.ts alone (decodeGroupExpression, groupMembership), as for every consumer.
 */
function unknownExpressionFields(r: Reader, list: unknown, path: FieldPath): void {
  if (!Array.isArray(list)) return;
  list.forEach((x, i) => {
    if (!isObject(x) || typeof x.resource_type !== 'string') return;
    const known = EXPRESSION_FIELDS[x.resource_type];
    if (!known) return;
    r.only(x, [...path, i], known);
    if (x.resource_type === 'NestedExpression') unknownExpressionFields(r, x.expressions, [...path, i, 'expressions']);
  });
}

/** `expression[2].paths[0]` as a field path. */
function fieldPathOf(field: string): FieldPath {
  const out: (string | number)[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

function groupOf(r: Reader, o: JsonObject, path: string): Group | undefined {
  r.only(o, [], ['resource_type', 'group_type', 'expression', 'extended_expression', 'state', 'member_group', 'reference']);
  const types = r.strings(o, 'group_type', [], []);
  for (const [i, t] of types.entries()) if (t !== 'ANTREA' && t !== 'IPAddress') r.notEvaluated(['group_type', i], `groups of type ${t}`);
  const ext = o.extended_expression;
  if (Array.isArray(ext) && ext.length) r.notEvaluated(['extended_expression'], 'extended expressions');
  unknownExpressionFields(r, o.expression, ['expression']);
  let expression: Expression[];
  try {
    expression = decodeGroupExpression(path, o.expression ?? []);
  } catch (e) {
    if (!(e instanceof GroupExpressionError)) throw e;
    r.err(fieldPathOf(e.field), e.reason);
    return undefined;
  }
  const id = str(o, 'id') ?? path.slice(path.lastIndexOf('/') + 1);
  return {
    resource_type: 'Group', id, display_name: str(o, 'display_name') ?? id, path,
    group_type: ['ANTREA'], expression, tags: r.tags(o),
    ...(typeof o.description === 'string' ? { description: o.description } : {}),
  };
}

/** `"80"` or `"8080-8090"`, each 1-65535. */
function portRangeProblem(text: string): string | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  if (!m) return 'must be a port ("80") or a range ("8080-8090")';
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo < 1 || hi > 65535 || hi < lo) return 'ports are 1-65535, a range low-high';
  return undefined;
}

function serviceEntryOf(r: Reader, o: unknown, path: FieldPath): ServiceEntry | undefined {
  if (!isObject(o)) { r.err(path, 'must be a service entry object'); return undefined; }
  if (o.resource_type !== 'L4PortSetServiceEntry') {
    r.notEvaluated([...path, 'resource_type'], `service entries of type ${JSON.stringify(o.resource_type)} (np2dfw evaluates TCP and UDP port sets)`);
    return undefined;
  }
  r.only(o, path, ['resource_type', 'l4_protocol', 'destination_ports', 'source_ports']);
  const l4 = r.oneOf(o, 'l4_protocol', path, ['TCP', 'UDP'] as const, undefined);
  const dst = r.strings(o, 'destination_ports', path, []);
  const src = r.strings(o, 'source_ports', path, []);
  let ok = l4 !== undefined;
  dst.forEach((d, i) => { const p = portRangeProblem(d); if (p) { r.err([...path, 'destination_ports', i], `${JSON.stringify(d)} ${p}`); ok = false; } });
  if (src.length) { r.notEvaluated([...path, 'source_ports'], 'source ports'); ok = false; }
  if (!ok || !l4) return undefined;
  const entry: L4PortSetServiceEntry = {
    resource_type: 'L4PortSetServiceEntry', id: str(o, 'id') ?? '', ...(typeof o.display_name === 'string' ? { display_name: o.display_name } : {}),
    l4_protocol: l4, destination_ports: dst.map((d) => d.trim()), source_ports: [],
  };
  return entry;
}

const ANY = 'ANY';
const isClusterPath = (p: string) => /^\/infra\/sites\/[^/]+\/enforcement-points\/[^/]+\/cluster-control-planes\/[^/]+$/.test(p);

/**
 * Decodes the documents of one or more inputs into a DfwConfig. Problems are appended to `problems` (the caller
 * throws them together); policies that span no Antrea cluster are left out with a warning (NSX realizes a policy
 * in an Antrea cluster only when its scope names the cluster).
 */
export function decodeNsxConfig(docs: readonly NsxDocument[], problems: InputProblem[]): DecodedNsx {
  const pr = new Problems(problems);
  const warnings: InputProblem[] = [];
  const c = collect(docs, pr);
  const groups: Group[] = [];
  const groupPaths = new Set<string>();
  const groupTexts = new Map<string, string>();
  for (const g of c.groups) {
    const r = new Reader(pr, g.file, `Group ${g.path}`, g.at);
    const text = JSON.stringify(g.obj);
    if (groupTexts.get(g.path) === text) continue; // given twice alike: one group
    if (groupPaths.has(g.path)) { r.err(['id'], `the group ${g.path} is given twice, differently`); continue; }
    groupPaths.add(g.path);
    groupTexts.set(g.path, text);
    const group = groupOf(r, g.obj, g.path);
    if (group) groups.push(group);
  }
  // Child groups (PathExpression) are looked up among the input's groups: a missing one or a cycle is reported on
  // the group that names it, once. A group that did not decode is already reported: it counts as present here.
  const byPath = new Map(groups.map((g) => [g.path, g]));
  const said = new Set<string>();
  for (const group of groups) {
    try {
      groupMembership(group, (p) => byPath.get(p) ?? (groupPaths.has(p) ? { ...group, id: p, path: p, expression: [] } : undefined));
    } catch (e) {
      if (!(e instanceof GroupExpressionError)) throw e;
      if (said.has(e.message)) continue;
      said.add(e.message);
      const where = c.groups.find((x) => x.path === e.group) ?? c.groups.find((x) => x.path === group.path)!;
      new Reader(pr, where.file, `Group ${e.group}`, where.at).err(fieldPathOf(e.field), e.reason);
      byPath.delete(group.path);
    }
  }
  groups.splice(0, groups.length, ...groups.filter((g) => byPath.has(g.path)));
  const serviceEntries = new Map<string, ServiceEntry[] | undefined>();
  const entriesOfService = (path: string): ServiceEntry[] | undefined => {
    if (serviceEntries.has(path)) return serviceEntries.get(path);
    const s = c.services.get(path);
    let out: ServiceEntry[] | undefined;
    if (s) {
      const r = new Reader(pr, s.file, `Service ${path}`, s.at);
      r.only(s.obj, [], ['resource_type', 'service_entries', 'service_type', 'is_default']);
      const list = s.obj.service_entries;
      if (!Array.isArray(list)) r.err(['service_entries'], 'Required value: a list of service entries');
      else {
        const entries = list.map((e, i) => serviceEntryOf(r, e, ['service_entries', i]));
        out = entries.every((e) => e !== undefined) ? entries.filter((e): e is ServiceEntry => e !== undefined) : undefined;
      }
    }
    serviceEntries.set(path, out);
    return out;
  };

  const rulesOf = new Map<string, { obj: JsonObject; file: string; at: FieldPath }[]>();
  for (const rule of c.rules) {
    if (rule.policyPath === undefined) {
      pr.add(rule.file, `Rule ${str(rule.obj, 'id') ?? ''}`, [...rule.at, 'parent_path'], 'a rule given alone needs its parent_path (the security policy it belongs to)');
      continue;
    }
    const l = rulesOf.get(rule.policyPath) ?? [];
    l.push(rule);
    rulesOf.set(rule.policyPath, l);
  }

  const policies: SecurityPolicy[] = [];
  const policyPaths = new Set<string>();
  for (const p of c.policies) {
    const r = new Reader(pr, p.file, `SecurityPolicy ${p.path}`, p.at);
    if (policyPaths.has(p.path)) { r.err(['id'], `the security policy ${p.path} is given twice (give its rules once, with the policy or with their parent_path)`); continue; }
    policyPaths.add(p.path);
    const o = p.obj;
    r.only(o, [], ['resource_type', 'category', 'sequence_number', 'scope', 'stateful', 'rules', 'tcp_strict', 'locked', 'comments', 'logging_enabled',
      'internal_sequence_number', 'is_default', 'rule_count', 'lock_modified_by', 'lock_modified_time', 'scheduler_path', 'connectivity_strategy',
      'application_connectivity_strategy', 'connectivity_preference']);
    if (typeof o.scheduler_path === 'string' && o.scheduler_path) r.notEvaluated(['scheduler_path'], 'time windows');
    if (typeof o.connectivity_strategy === 'string' && o.connectivity_strategy !== 'NONE') r.notEvaluated(['connectivity_strategy'], `connectivity_strategy ${o.connectivity_strategy} (an implicit rule)`);
    if (typeof o.connectivity_preference === 'string' && o.connectivity_preference !== 'NONE') r.notEvaluated(['connectivity_preference'], `connectivity_preference ${o.connectivity_preference} (an implicit rule)`);
    if (Array.isArray(o.application_connectivity_strategy) && o.application_connectivity_strategy.length) r.notEvaluated(['application_connectivity_strategy'], 'application connectivity strategies');
    const category = r.oneOf<Category>(o, 'category', [], CATEGORIES, undefined);
    const stateful = r.bool(o, 'stateful', [], true);
    if (!stateful) r.notEvaluated(['stateful'], 'stateless policies (np2dfw decides the opening packet and lets its return traffic pass)');
    const scope = r.strings(o, 'scope', [], [ANY]);
    scope.forEach((s, i) => {
      if (s === ANY) { if (scope.length > 1) r.err(['scope', i], '"ANY" must be the only element'); return; }
      if (!isClusterPath(s) && !groupPaths.has(s)) r.err(['scope', i], `${s} is neither an Antrea cluster's path nor a group of the input`);
    });
    const ruleInputs = [
      ...(Array.isArray(o.rules) ? o.rules.map((x, i) => ({ obj: x, file: p.file, at: [...p.at, 'rules', i] as FieldPath })) : []),
      ...(rulesOf.get(p.path) ?? []),
    ];
    rulesOf.delete(p.path);
    if (o.rules !== undefined && o.rules !== null && !Array.isArray(o.rules)) r.err(['rules'], 'must be a list');
    const rules: Rule[] = [];
    const ruleIds = new Set<string>();
    const seenRules = new Map<string, string>();
    for (const ri of ruleInputs) {
      if (!isObject(ri.obj)) { pr.add(ri.file, `SecurityPolicy ${p.path}`, ri.at, 'must be a rule object'); continue; }
      if (ri.obj.marked_for_delete === true) continue;
      // The same rule given twice alike (in `rules` and as a ChildRule, or in two files) is one rule.
      const text = JSON.stringify(ri.obj);
      const rid = str(ri.obj, 'id');
      if (rid !== undefined && seenRules.get(rid) === text) continue;
      if (rid !== undefined) seenRules.set(rid, text);
      const rule = ruleOf(new Reader(pr, ri.file, `Rule ${str(ri.obj, 'path') ?? `${p.path}/rules/${str(ri.obj, 'id') ?? '?'}`}`, ri.at), ri.obj, p.path, groupPaths, entriesOfService);
      if (!rule) continue;
      if (ruleIds.has(rule.id)) { pr.add(ri.file, `SecurityPolicy ${p.path}`, [...ri.at, 'id'], `the rule ${rule.id} is given twice`); continue; }
      ruleIds.add(rule.id);
      rules.push(rule);
    }
    if (!category) continue;
    const id = str(o, 'id') ?? p.path.slice(p.path.lastIndexOf('/') + 1);
    const policy: SecurityPolicy = {
      resource_type: 'SecurityPolicy', id, display_name: str(o, 'display_name') ?? id, path: p.path, category,
      sequence_number: r.int(o, 'sequence_number', [], 0), scope, stateful, rules, tags: r.tags(o),
    };
    if (!scope.some(isClusterPath)) {
      warnings.push({ file: p.file, object: `SecurityPolicy ${p.path}`, path: [...p.at, 'scope'], message: 'its scope names no Antrea cluster (cluster-control-plane path): NSX does not realize it in a cluster, so it takes no part' });
      continue;
    }
    policies.push(policy);
  }
  for (const [path, list] of rulesOf) {
    for (const rule of list) pr.add(rule.file, `Rule ${str(rule.obj, 'id') ?? ''}`, [...rule.at, 'parent_path'], `its security policy ${path} is not in the input`);
  }
  if (c.skipped.size) {
    const what = [...c.skipped].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, n]) => `${t} (${n})`).join(', ');
    warnings.push({ file: docs.map((d) => d.file).filter((f, i, all) => all.indexOf(f) === i).join(', '), path: [], message: `not part of the distributed firewall, not evaluated: ${what}` });
  }
  return { config: { groups, policies, origins: new Map() }, warnings };
}

function ruleOf(
  r: Reader, o: JsonObject, policyPath: string, groupPaths: ReadonlySet<string>,
  entriesOfService: (path: string) => ServiceEntry[] | undefined,
): Rule | undefined {
  r.only(o, [], ['resource_type', 'action', 'direction', 'ip_protocol', 'sequence_number', 'rule_id', 'source_groups', 'destination_groups',
    'sources_excluded', 'destinations_excluded', 'services', 'service_entries', 'profiles', 'scope', 'logged', 'disabled', 'notes', 'tag',
    'is_default', 'log_label', 'direction_strict']);
  const id = r.str(o, 'id', []);
  const action = r.oneOf<RuleAction>(o, 'action', [], ['ALLOW', 'DROP', 'REJECT'], undefined, ['JUMP_TO_APPLICATION']);
  const direction = r.oneOf<RuleDirection>(o, 'direction', [], ['IN', 'OUT', 'IN_OUT'], 'IN_OUT');
  const ipProtocol = r.oneOf(o, 'ip_protocol', [], ['IPV4_IPV6'] as const, 'IPV4_IPV6', ['IPV4', 'IPV6']);
  if (r.bool(o, 'sources_excluded', [], false)) r.notEvaluated(['sources_excluded'], 'negated sources');
  if (r.bool(o, 'destinations_excluded', [], false)) r.notEvaluated(['destinations_excluded'], 'negated destinations');
  const groupList = (key: 'source_groups' | 'destination_groups' | 'scope'): string[] => {
    const list = r.strings(o, key, [], [ANY]);
    if (list.length === 0) return [ANY];
    list.forEach((g, i) => {
      if (g === ANY) { if (list.length > 1) r.err([key, i], '"ANY" must be the only element'); return; }
      if (!groupPaths.has(g)) r.err([key, i], `group ${g} is not in the input`);
    });
    return list;
  };
  const source_groups = groupList('source_groups');
  const destination_groups = groupList('destination_groups');
  const scope = groupList('scope');
  const profiles = r.strings(o, 'profiles', [], [ANY]);
  if (profiles.some((p) => p !== ANY)) r.notEvaluated(['profiles'], 'context profiles');
  const services = r.strings(o, 'services', [], [ANY]);
  const entries: ServiceEntry[] = [];
  let ok = action !== undefined && direction !== undefined && ipProtocol !== undefined && id !== undefined;
  const listed = o.service_entries;
  if (listed !== undefined && listed !== null) {
    if (!Array.isArray(listed)) { r.err(['service_entries'], 'must be a list'); ok = false; }
    else listed.forEach((e, i) => { const x = serviceEntryOf(r, e, ['service_entries', i]); if (x) entries.push(x); else ok = false; });
  }
  services.forEach((s, i) => {
    if (s === ANY) { if (services.length > 1) { r.err(['services', i], '"ANY" must be the only element'); ok = false; } return; }
    const resolved = entriesOfService(s);
    if (!resolved) { r.err(['services', i], `service ${s} is not in the input, or not one np2dfw evaluates (give it too: GET /policy/api/v1/infra/services)`); ok = false; return; }
    entries.push(...resolved);
  });
  // A rule that names services but none np2dfw could read never reaches here; services ANY with entries: the entries.
  if (!ok || !action || !direction || id === undefined) return undefined;
  return {
    resource_type: 'Rule', id, display_name: str(o, 'display_name') ?? id, path: str(o, 'path') ?? `${policyPath}/rules/${id}`,
    action, direction, ip_protocol: 'IPV4_IPV6', sequence_number: r.int(o, 'sequence_number', [], 0),
    source_groups, destination_groups, services: [ANY], service_entries: entries, scope,
    logged: r.bool(o, 'logged', [], false), disabled: r.bool(o, 'disabled', [], false), tags: r.tags(o),
  };
}
