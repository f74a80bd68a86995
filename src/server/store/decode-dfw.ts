// Decoding of groups, security policies and rules (as the API receives them and as the database holds them) into
// np2dfw's DFW model. Everything the evaluators read is checked here, completely, so that a stored object can
// never make verification fail with a raw error, and nothing is accepted that np2dfw would evaluate differently
// from NSX (predefined services, excluded sources, JUMP_TO_APPLICATION, IP literals in place of groups).
import { decodeGroupExpression } from '../../model/group-expression.ts';
import type { Group } from '../../model/group.ts';
import { clusterControlPlanePath, DOMAIN_PATH, groupPath, securityPolicyPath, rulePath } from '../../model/paths.ts';
import type { Rule } from '../../model/rule.ts';
import { CATEGORIES, type SecurityPolicy } from '../../model/security-policy.ts';
import type { ServiceEntry } from '../../model/service-entry.ts';
import type { Tag } from '../../model/tag.ts';

/** A field of a DFW object that np2dfw cannot take: `path` names the field (`expression[2].value`). */
export class DfwDecodeError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'DfwDecodeError';
    this.path = path;
  }
}

type Obj = Record<string, unknown>;

function obj(v: unknown, at: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new DfwDecodeError(at, 'must be an object');
  return v as Obj;
}

function str(o: Obj, key: string, at: string, fallback?: string): string {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string') throw new DfwDecodeError(`${at}${key}`, v === undefined ? 'is required' : 'must be a string');
  return v;
}

function oneOf<T extends string>(o: Obj, key: string, allowed: readonly T[], at: string, fallback?: T): T {
  const v = o[key] ?? fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new DfwDecodeError(`${at}${key}`, v === undefined ? `is required (${allowed.join(', ')})` : `must be one of ${allowed.join(', ')}`);
  }
  return v as T;
}

function bool(o: Obj, key: string, at: string, fallback: boolean): boolean {
  const v = o[key] ?? fallback;
  if (typeof v !== 'boolean') throw new DfwDecodeError(`${at}${key}`, 'must be true or false');
  return v;
}

/** NSX sequence numbers are 32-bit signed integers; anything larger (1e308, 2^63) is refused. */
export const MAX_SEQUENCE_NUMBER = 2_147_483_647;

function sequence(o: Obj, at: string): number {
  const v = o.sequence_number ?? 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_SEQUENCE_NUMBER) {
    throw new DfwDecodeError(`${at}sequence_number`, `must be an integer from 0 to ${MAX_SEQUENCE_NUMBER}`);
  }
  return v;
}

function strings(o: Obj, key: string, at: string, fallback: readonly string[]): string[] {
  const v = o[key] ?? fallback;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new DfwDecodeError(`${at}${key}`, 'must be a list of strings');
  return v as string[];
}

function tags(o: Obj, at: string): Tag[] {
  const v = o.tags ?? [];
  if (!Array.isArray(v)) throw new DfwDecodeError(`${at}tags`, 'must be a list');
  return v.map((t, i) => {
    const x = obj(t, `${at}tags[${i}]`);
    return { scope: str(x, 'scope', `${at}tags[${i}].`, ''), tag: str(x, 'tag', `${at}tags[${i}].`, '') };
  });
}

const GROUP_PREFIX = `${DOMAIN_PATH}/groups/`;
const CLUSTER_PREFIX = clusterControlPlanePath('');

/** `["ANY"]`, or group paths of domain default (np2dfw takes no IP literals or other objects in their place). */
function groupRefs(o: Obj, key: string, at: string, allowClusters: boolean): string[] {
  const list = strings(o, key, at, ['ANY']);
  if (list.length === 0) throw new DfwDecodeError(`${at}${key}`, 'must not be empty (use ["ANY"])');
  if (list.includes('ANY')) {
    if (list.length > 1) throw new DfwDecodeError(`${at}${key}`, '"ANY" must be the only element');
    return list;
  }
  list.forEach((p, i) => {
    const ok = (p.startsWith(GROUP_PREFIX) && p.length > GROUP_PREFIX.length && !p.slice(GROUP_PREFIX.length).includes('/'))
      || (allowClusters && p.startsWith(CLUSTER_PREFIX) && p.length > CLUSTER_PREFIX.length && !p.slice(CLUSTER_PREFIX.length).includes('/'));
    if (!ok) {
      throw new DfwDecodeError(`${at}${key}[${i}]`, `"${p.slice(0, 300)}" is not ${allowClusters ? 'a group or cluster-control-plane path' : 'a group path'} (${GROUP_PREFIX}<id>)`);
    }
  });
  return list;
}

/** The group paths among a list of references (for existence checks). */
export function groupPathsOf(refs: readonly string[]): string[] {
  return refs.filter((p) => p.startsWith(GROUP_PREFIX));
}

/** Decodes a group body (as written or stored) into the model; throws DfwDecodeError or GroupExpressionError naming the field. */
export function decodeGroup(body: unknown, id: string): Group {
  const o = obj(body, 'group');
  const type = o.group_type ?? ['ANTREA'];
  if (!Array.isArray(type) || !(type.length === 0 || (type.length === 1 && type[0] === 'ANTREA'))) {
    throw new DfwDecodeError('group_type', 'np2dfw holds Antrea groups: use ["ANTREA"] (or leave it out)');
  }
  // What an expression means and which NSX rejects is decided in one place (GroupExpressionError, naming the group
  // and the field); child groups may be written later, so they are looked up when the configuration is evaluated.
  const list = decodeGroupExpression(groupPath(id), o.expression ?? []);
  if (o.extended_expression !== undefined && !(Array.isArray(o.extended_expression) && o.extended_expression.length === 0)) {
    throw new DfwDecodeError('extended_expression', 'np2dfw does not evaluate extended expressions');
  }
  return {
    resource_type: 'Group', id, display_name: str(o, 'display_name', '', id), path: groupPath(id), group_type: ['ANTREA'],
    expression: list, tags: tags(o, ''),
    ...(typeof o.description === 'string' ? { description: o.description } : {}),
  };
}

function portList(o: Obj, key: string, at: string): string[] {
  const list = strings(o, key, at, []);
  list.forEach((p, i) => {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(p);
    const a = m ? Number(m[1]) : NaN;
    const b = m && m[2] !== undefined ? Number(m[2]) : a;
    if (!m || a < 1 || b > 65535 || b < a) throw new DfwDecodeError(`${at}${key}[${i}]`, `"${p.slice(0, 50)}" is not a port (1-65535) or range a-b`);
  });
  return list;
}

function serviceEntry(v: unknown, at: string): ServiceEntry {
  const x = obj(v, at);
  const prefix = `${at}.`;
  const type = x.resource_type;
  if (type !== 'L4PortSetServiceEntry') throw new DfwDecodeError(`${prefix}resource_type`, 'np2dfw evaluates L4PortSetServiceEntry only');
  const source = portList(x, 'source_ports', prefix);
  if (source.length) throw new DfwDecodeError(`${prefix}source_ports`, 'np2dfw does not evaluate source ports; leave them out');
  return {
    resource_type: 'L4PortSetServiceEntry', id: str(x, 'id', prefix, 'entry'),
    ...(typeof x.display_name === 'string' ? { display_name: x.display_name } : {}),
    l4_protocol: oneOf(x, 'l4_protocol', ['TCP', 'UDP'] as const, prefix), destination_ports: portList(x, 'destination_ports', prefix), source_ports: [],
  };
}

/** Decodes a rule body into the model; throws DfwDecodeError naming the field. */
export function decodeRule(body: unknown, policyId: string, id: string): Rule {
  const o = obj(body, 'rule');
  const action = oneOf(o, 'action', ['ALLOW', 'DROP', 'REJECT'] as const, '', 'ALLOW');
  const services = strings(o, 'services', '', ['ANY']);
  if (!(services.length === 1 && services[0] === 'ANY')) {
    throw new DfwDecodeError('services', 'np2dfw does not know predefined services: use ["ANY"] with service_entries');
  }
  if (bool(o, 'sources_excluded', '', false) || bool(o, 'destinations_excluded', '', false)) {
    throw new DfwDecodeError(o.sources_excluded === true ? 'sources_excluded' : 'destinations_excluded', 'np2dfw does not evaluate negated groups');
  }
  const profiles = strings(o, 'profiles', '', ['ANY']);
  if (!(profiles.length === 0 || (profiles.length === 1 && profiles[0] === 'ANY'))) {
    throw new DfwDecodeError('profiles', 'np2dfw does not evaluate context profiles: use ["ANY"]');
  }
  const entries = o.service_entries ?? [];
  if (!Array.isArray(entries)) throw new DfwDecodeError('service_entries', 'must be a list');
  const ip = oneOf(o, 'ip_protocol', ['IPV4', 'IPV6', 'IPV4_IPV6'] as const, '', 'IPV4_IPV6');
  if (ip !== 'IPV4_IPV6') throw new DfwDecodeError('ip_protocol', 'np2dfw evaluates IPV4_IPV6 rules only');
  return {
    resource_type: 'Rule', id, display_name: str(o, 'display_name', '', id), path: rulePath(policyId, id), action,
    direction: oneOf(o, 'direction', ['IN', 'OUT', 'IN_OUT'] as const, '', 'IN_OUT'), ip_protocol: 'IPV4_IPV6',
    sequence_number: sequence(o, ''), source_groups: groupRefs(o, 'source_groups', '', false),
    destination_groups: groupRefs(o, 'destination_groups', '', false), services: ['ANY'],
    service_entries: entries.map((e, i) => serviceEntry(e, `service_entries[${i}]`)), scope: groupRefs(o, 'scope', '', false),
    logged: bool(o, 'logged', '', false), disabled: bool(o, 'disabled', '', false), tags: tags(o, ''),
  };
}

/** Decodes a security policy body (without rules) and its decoded rules into the model. */
export function decodeSecurityPolicy(body: unknown, id: string, rules: readonly Rule[]): SecurityPolicy {
  const o = obj(body, 'security policy');
  return {
    resource_type: 'SecurityPolicy', id, display_name: str(o, 'display_name', '', id), path: securityPolicyPath(id),
    category: oneOf(o, 'category', CATEGORIES, '', 'Application'), sequence_number: sequence(o, ''),
    scope: groupRefs(o, 'scope', '', true), stateful: bool(o, 'stateful', '', true), rules, tags: tags(o, ''),
  };
}
