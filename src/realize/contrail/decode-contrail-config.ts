// Reads a Contrail configuration np2dfw did not necessarily write (an edited `np2dfw convert --target contrail -o
// json` export: `resources`, one config API body per object, and `workloads`, the tags of each pod) into the
// Contrail model. Every field is checked; what changes the firewall but the Contrail engine does not evaluate
// (match_tags, service groups, ICMP, source ports, other endpoint kinds, actions beyond pass and deny) is an error
// naming the object and the field.
import type { Cluster } from '../../k8s/cluster.ts';
import type { FieldPath } from '../../k8s/field-path.ts';
import type { InputProblem } from '../../k8s/invalid-input.ts';
import { podId, podIsLive } from '../../k8s/pod.ts';
import { isObject, type JsonObject } from '../../k8s/validate/shape.ts';
import { familyOf } from '../../net/ip-address.ts';
import {
  POLICY_MANAGEMENT, type AddressGroup, type ApplicationPolicySet, type ContrailConfig, type ContrailSubnet, type ContrailTag,
  type FirewallDirection, type FirewallPolicy, type FirewallRule, type FirewallRuleEndpoint, type FirewallService, type KeyValuePairs,
  type PortRange, type SequencedRef, type WorkloadTags,
} from './contrail-objects.ts';

/** Fields the config API sets itself or that change nothing np2dfw evaluates. */
const MANAGED = ['uuid', 'href', 'id_perms', 'perms2', 'display_name', 'parent_uuid', 'parent_href', 'annotations', 'draft_mode_state', 'tag_refs_back', 'configuration_version'];

class Reader {
  readonly #problems: InputProblem[];
  readonly #file: string;
  readonly #object: string;
  readonly #at: FieldPath;
  constructor(problems: InputProblem[], file: string, object: string, at: FieldPath) {
    this.#problems = problems;
    this.#file = file;
    this.#object = object;
    this.#at = at;
  }

  err(path: FieldPath, message: string): void {
    this.#problems.push({ file: this.#file, object: this.#object, path: [...this.#at, ...path], message });
  }

  only(o: JsonObject, path: FieldPath, known: readonly string[]): void {
    for (const k of Object.keys(o)) if (!known.includes(k) && !MANAGED.includes(k)) this.err([...path, k], `not evaluated by np2dfw: the field ${JSON.stringify(k)}`);
  }

  str(o: JsonObject, k: string, path: FieldPath): string | undefined {
    const v = o[k];
    if (typeof v === 'string') return v;
    this.err([...path, k], v === undefined ? 'Required value' : 'must be a string');
    return undefined;
  }

  int(o: JsonObject, k: string, path: FieldPath, min: number, max: number): number | undefined {
    const v = o[k];
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    this.err([...path, k], v === undefined ? 'Required value' : `must be an integer from ${min} to ${max}`);
    return undefined;
  }

  obj(o: JsonObject, k: string, path: FieldPath): JsonObject | undefined {
    const v = o[k];
    if (isObject(v)) return v;
    this.err([...path, k], v === undefined ? 'Required value' : 'must be an object');
    return undefined;
  }

  list(o: JsonObject, k: string, path: FieldPath, required = true): unknown[] | undefined {
    const v = o[k];
    if (Array.isArray(v)) return v;
    if (v === undefined && !required) return undefined;
    this.err([...path, k], v === undefined ? 'Required value' : 'must be a list');
    return undefined;
  }

  strings(o: JsonObject, k: string, path: FieldPath, required = true): string[] | undefined {
    const l = this.list(o, k, path, required);
    if (!l) return undefined;
    let ok = true;
    l.forEach((x, i) => { if (typeof x !== 'string') { this.err([...path, k, i], 'must be a string'); ok = false; } });
    return ok ? l.filter((x): x is string => typeof x === 'string') : undefined;
  }

  /** `[default-policy-management, name]` as np2dfw writes global firewall objects. */
  fqName(o: JsonObject, name: string | undefined): [typeof POLICY_MANAGEMENT, string] | undefined {
    const fq = this.strings(o, 'fq_name', []);
    if (!fq || name === undefined) return undefined;
    if (fq.length !== 2 || fq[0] !== POLICY_MANAGEMENT || fq[1] !== name) {
      this.err(['fq_name'], `must be ["${POLICY_MANAGEMENT}", "${name}"] (np2dfw evaluates global firewall objects)`);
      return undefined;
    }
    return [POLICY_MANAGEMENT, name];
  }

  refs(o: JsonObject, k: string): SequencedRef[] | undefined {
    const l = this.list(o, k, []);
    if (!l) return undefined;
    const out: SequencedRef[] = [];
    let ok = true;
    l.forEach((x, i) => {
      const p = [k, i];
      if (!isObject(x)) { this.err(p, 'must be a reference object'); ok = false; return; }
      this.only(x, p, ['to', 'attr', 'uuid', 'href']);
      const to = this.strings(x, 'to', p);
      const attr = this.obj(x, 'attr', p);
      const seq = attr ? this.str(attr, 'sequence', [...p, 'attr']) : undefined;
      if (seq !== undefined && !/^\d+(\.\d+)?$/.test(seq)) { this.err([...p, 'attr', 'sequence'], `${JSON.stringify(seq)} is not a sequence number`); ok = false; return; }
      if (!to || seq === undefined) { ok = false; return; }
      out.push({ to, attr: { sequence: seq } });
    });
    return ok ? out : undefined;
  }
}

function annotationsOf(o: JsonObject): KeyValuePairs | undefined {
  const a = o.annotations;
  if (!isObject(a) || !Array.isArray(a.key_value_pair)) return undefined;
  const pairs = a.key_value_pair.filter(isObject).map((kv) => ({ key: typeof kv.key === 'string' ? kv.key : '', value: typeof kv.value === 'string' ? kv.value : '' }));
  return { key_value_pair: pairs };
}

function endpointOf(r: Reader, o: JsonObject, k: string): FirewallRuleEndpoint | undefined {
  const e = r.obj(o, k, []);
  if (!e) return undefined;
  r.only(e, [k], ['tags', 'address_group', 'any', 'tag_ids', 'virtual_network', 'subnet']);
  for (const x of ['tag_ids', 'virtual_network', 'subnet']) {
    const v = e[x];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) r.err([k, x], `not evaluated by np2dfw: endpoints by ${x}`);
  }
  const tags = e.tags === undefined || e.tags === null ? undefined : r.strings(e, 'tags', [k]);
  const ag = e.address_group === undefined || e.address_group === null ? undefined : r.str(e, 'address_group', [k]);
  const any = e.any === true;
  if (e.any !== undefined && e.any !== null && typeof e.any !== 'boolean') r.err([k, 'any'], 'must be true or false');
  const set = [tags && tags.length ? 1 : 0, ag !== undefined ? 1 : 0, any ? 1 : 0].reduce((a, b) => a + b, 0);
  if (set > 1) { r.err([k], 'set one of tags, address_group and any'); return undefined; }
  return { ...(tags ? { tags } : {}), ...(ag !== undefined ? { address_group: ag } : {}), ...(any ? { any } : {}) };
}

function portRange(r: Reader, o: JsonObject, k: string): PortRange | undefined {
  const p = r.obj(o, k, ['service']);
  if (!p) return undefined;
  const start = r.int(p, 'start_port', ['service', k], 0, 65535);
  const end = r.int(p, 'end_port', ['service', k], 0, 65535);
  if (start === undefined || end === undefined) return undefined;
  if (end < start) { r.err(['service', k], 'end_port is below start_port'); return undefined; }
  return { start_port: start, end_port: end };
}

function ruleOf(r: Reader, o: JsonObject): FirewallRule | undefined {
  r.only(o, [], ['fq_name', 'parent_type', 'name', 'action_list', 'service', 'endpoint_1', 'endpoint_2', 'direction', 'match_tags', 'service_group_refs', 'match_tag_types']);
  const name = r.str(o, 'name', []);
  const fq = r.fqName(o, name);
  const actions = r.obj(o, 'action_list', []);
  let action: 'pass' | 'deny' | undefined;
  if (actions) {
    r.only(actions, ['action_list'], ['simple_action', 'log']);
    const a = r.str(actions, 'simple_action', ['action_list']);
    if (a === 'pass' || a === 'deny') action = a;
    else if (a !== undefined) r.err(['action_list', 'simple_action'], `not evaluated by np2dfw: simple_action ${JSON.stringify(a)} (pass and deny are)`);
  }
  const s = r.obj(o, 'service', []);
  let service: FirewallService | undefined;
  if (s) {
    r.only(s, ['service'], ['protocol', 'src_ports', 'dst_ports', 'protocol_id']);
    const protocol = r.str(s, 'protocol', ['service']);
    const src = portRange(r, s, 'src_ports');
    const dst = portRange(r, s, 'dst_ports');
    if (src && !(src.start_port <= 1 && src.end_port === 65535)) r.err(['service', 'src_ports'], 'not evaluated by np2dfw: source port ranges (every source port is)');
    if (protocol === 'any' || protocol === 'tcp' || protocol === 'udp' || protocol === 'sctp') {
      if (src && dst && src.start_port <= 1 && src.end_port === 65535) service = { protocol, src_ports: src, dst_ports: dst };
    } else if (protocol !== undefined) {
      r.err(['service', 'protocol'], `not evaluated by np2dfw: protocol ${JSON.stringify(protocol)} (any, tcp, udp and sctp are)`);
    }
  }
  const refs = o.service_group_refs;
  if (Array.isArray(refs) && refs.length) r.err(['service_group_refs'], 'not evaluated by np2dfw: service groups');
  const mt = o.match_tags;
  if (isObject(mt) && Array.isArray(mt.tag_list) && mt.tag_list.length) r.err(['match_tags'], 'not evaluated by np2dfw: match_tags');
  const mtt = o.match_tag_types;
  if (isObject(mtt) && Array.isArray(mtt.tag_type) && mtt.tag_type.length) r.err(['match_tag_types'], 'not evaluated by np2dfw: match_tag_types');
  const ep1 = endpointOf(r, o, 'endpoint_1');
  const ep2 = endpointOf(r, o, 'endpoint_2');
  const dirText = r.str(o, 'direction', []);
  let direction: FirewallDirection | undefined;
  if (dirText === '>' || dirText === '<' || dirText === '<>') direction = dirText;
  else if (dirText !== undefined) r.err(['direction'], `Unsupported value: ${JSON.stringify(dirText)}: supported values: ">", "<", "<>"`);
  if (!name || !fq || !action || !service || !ep1 || !ep2 || !direction) return undefined;
  const annotations = annotationsOf(o);
  return {
    fq_name: fq, parent_type: 'policy-management', name, action_list: { simple_action: action }, service,
    endpoint_1: ep1, endpoint_2: ep2, direction, match_tags: { tag_list: [] }, ...(annotations ? { annotations } : {}),
  };
}

function tagOf(r: Reader, body: JsonObject): ContrailTag | undefined {
  r.only(body, [], ['fq_name', 'name', 'tag_type_name', 'tag_value']);
  const n = r.str(body, 'name', []);
  const tt = r.str(body, 'tag_type_name', []);
  const tv = r.str(body, 'tag_value', []);
  if (n === undefined || tt === undefined || tv === undefined) return undefined;
  if (n !== `${tt}=${tv}`) {
    r.err(['name'], `must be ${JSON.stringify(`${tt}=${tv}`)} (tag_type_name=tag_value)`);
    return undefined;
  }
  return { fq_name: [n], name: n, tag_type_name: tt, tag_value: tv };
}

function addressGroupOf(r: Reader, body: JsonObject): AddressGroup | undefined {
  r.only(body, [], ['fq_name', 'parent_type', 'name', 'address_group_prefix']);
  const n = r.str(body, 'name', []);
  const fq = r.fqName(body, n);
  const prefix = r.obj(body, 'address_group_prefix', []);
  const subnets = prefix ? r.list(prefix, 'subnet', ['address_group_prefix']) : undefined;
  const out: ContrailSubnet[] = [];
  let ok = subnets !== undefined;
  subnets?.forEach((s, j) => {
    const p: FieldPath = ['address_group_prefix', 'subnet', j];
    if (!isObject(s)) { r.err(p, 'must be an object'); ok = false; return; }
    const ip = r.str(s, 'ip_prefix', p);
    const fam = ip === undefined ? undefined : familyOf(ip);
    if (ip !== undefined && !fam) { r.err([...p, 'ip_prefix'], `${JSON.stringify(ip)} is not an IP address`); ok = false; return; }
    const len = r.int(s, 'ip_prefix_len', p, 0, fam === 6 ? 128 : 32);
    if (ip === undefined || len === undefined) { ok = false; return; }
    out.push({ ip_prefix: ip, ip_prefix_len: len });
  });
  const annotations = annotationsOf(body);
  if (!ok || n === undefined || !fq) return undefined;
  return { fq_name: fq, parent_type: 'policy-management', name: n, address_group_prefix: { subnet: out }, ...(annotations ? { annotations } : {}) };
}

function firewallPolicyOf(r: Reader, body: JsonObject): FirewallPolicy | undefined {
  r.only(body, [], ['fq_name', 'parent_type', 'name', 'firewall_rule_refs']);
  const n = r.str(body, 'name', []);
  const fq = r.fqName(body, n);
  const refs = r.refs(body, 'firewall_rule_refs');
  const annotations = annotationsOf(body);
  if (n === undefined || !fq || !refs) return undefined;
  return { fq_name: fq, parent_type: 'policy-management', name: n, firewall_rule_refs: refs, ...(annotations ? { annotations } : {}) };
}

function policySetOf(r: Reader, body: JsonObject): ApplicationPolicySet | undefined {
  r.only(body, [], ['fq_name', 'parent_type', 'name', 'firewall_policy_refs', 'tag_refs', 'all_applications']);
  const n = r.str(body, 'name', []);
  const fq = r.fqName(body, n);
  const refs = r.refs(body, 'firewall_policy_refs');
  const tagRefs = r.list(body, 'tag_refs', [], false) ?? [];
  const tr: { to: string[] }[] = [];
  tagRefs.forEach((t, j) => {
    const to = isObject(t) ? r.strings(t, 'to', ['tag_refs', j]) : undefined;
    if (to) tr.push({ to });
    else if (!isObject(t)) r.err(['tag_refs', j], 'must be a reference object');
  });
  const annotations = annotationsOf(body);
  if (n === undefined || !fq || !refs) return undefined;
  return { fq_name: fq, parent_type: 'policy-management', name: n, firewall_policy_refs: refs, tag_refs: tr, ...(annotations ? { annotations } : {}) };
}

/** The firewall objects of the input's resources, by type, in input order. */
interface DecodedResources {
  readonly tags: ContrailTag[];
  readonly addressGroups: AddressGroup[];
  readonly rules: FirewallRule[];
  readonly policies: FirewallPolicy[];
  readonly sets: ApplicationPolicySet[];
}

/** Decodes one resource (`{"<type>": {...}}`) into its list of `out`. */
function decodeResource(file: string, res: unknown, i: number, out: DecodedResources, problems: InputProblem[]): void {
  const at: FieldPath = ['resources', i];
  if (!isObject(res) || Object.keys(res).length !== 1) { problems.push({ file, path: at, message: 'each resource is one config API body: {"<type>": {...}}' }); return; }
  const [type, body] = Object.entries(res)[0];
  const name = isObject(body) && typeof body.name === 'string' ? body.name : '';
  const r = new Reader(problems, file, `${type} ${name}`, [...at, type]);
  if (!isObject(body)) { r.err([], 'must be an object'); return; }
  const push = <T>(list: T[], x: T | undefined): void => { if (x) list.push(x); };
  switch (type) {
    case 'tag': return push(out.tags, tagOf(r, body));
    case 'address-group': return push(out.addressGroups, addressGroupOf(r, body));
    case 'firewall-rule': return push(out.rules, ruleOf(r, body));
    case 'firewall-policy': return push(out.policies, firewallPolicyOf(r, body));
    case 'application-policy-set': return push(out.sets, policySetOf(r, body));
    default:
      problems.push({ file, path: [...at, type], message: `not evaluated by np2dfw: resources of type ${JSON.stringify(type)}` });
  }
}

/** Every reference must resolve: the engine never evaluates a dangling one. */
function checkReferences(file: string, d: DecodedResources, problems: InputProblem[]): void {
  const names = (l: readonly { fq_name: readonly string[] }[]) => new Set(l.map((x) => x.fq_name.join(':')));
  const ruleNames = names(d.rules);
  const policyNames = names(d.policies);
  const agNames = names(d.addressGroups);
  const tagNames = new Set(d.tags.map((t) => t.name));
  for (const p of d.policies) p.firewall_rule_refs.forEach((ref, j) => {
    if (!ruleNames.has(ref.to.join(':'))) problems.push({ file, object: `firewall-policy ${p.name}`, path: ['firewall_rule_refs', j, 'to'], message: `firewall rule ${ref.to.join(':')} is not in the input` });
  });
  for (const s of d.sets) s.firewall_policy_refs.forEach((ref, j) => {
    if (!policyNames.has(ref.to.join(':'))) problems.push({ file, object: `application-policy-set ${s.name}`, path: ['firewall_policy_refs', j, 'to'], message: `firewall policy ${ref.to.join(':')} is not in the input` });
  });
  for (const rule of d.rules) {
    for (const k of ['endpoint_1', 'endpoint_2'] as const) {
      const e = rule[k];
      if (e.address_group !== undefined && !agNames.has(e.address_group)) problems.push({ file, object: `firewall-rule ${rule.name}`, path: [k, 'address_group'], message: `address group ${e.address_group} is not in the input` });
      (e.tags ?? []).forEach((t, j) => { if (!tagNames.has(t)) problems.push({ file, object: `firewall-rule ${rule.name}`, path: [k, 'tags', j], message: `tag ${t} is not in the input` }); });
    }
  }
}

/** The workloads' tags: each pod once, every tag defined, every live pod not on the host network listed. */
function decodeWorkloads(file: string, list: readonly unknown[], tagNames: ReadonlySet<string>, cluster: Cluster, problems: InputProblem[]): WorkloadTags[] {
  const workloads: WorkloadTags[] = [];
  const seen = new Set<string>();
  list.forEach((w, i) => {
    const r = new Reader(problems, file, 'workloads', ['workloads', i]);
    if (!isObject(w)) { r.err([], 'must be {"pod": "namespace/name", "tags": [...]}'); return; }
    r.only(w, [], ['pod', 'tags']);
    const pod = r.str(w, 'pod', []);
    const t = r.strings(w, 'tags', []);
    if (pod === undefined || !t) return;
    if (seen.has(pod)) { r.err(['pod'], `pod ${pod} is listed twice`); return; }
    seen.add(pod);
    t.forEach((x, j) => { if (!tagNames.has(x)) r.err(['tags', j], `tag ${x} is not in the input`); });
    workloads.push({ pod, tags: t });
  });
  for (const pod of cluster.pods) {
    const id = podId(pod);
    if (podIsLive(pod) && !pod.hostNetwork && !seen.has(id)) problems.push({ file, path: ['workloads'], message: `pod ${id} has no entry: the tags of its interface are unknown` });
  }
  return workloads;
}

/**
 * Decodes the documents of one input (np2dfw's Contrail JSON) against a cluster: every live pod not on the host
 * network must have its workload tags listed (kube-manager tags its interface; np2dfw cannot guess edited tags).
 */
export function decodeContrailConfig(file: string, doc: unknown, cluster: Cluster, problems: InputProblem[]): ContrailConfig | undefined {
  if (!isObject(doc)) { problems.push({ file, path: [], message: 'expected np2dfw\'s Contrail JSON: an object with resources and workloads' }); return undefined; }
  const top = new Reader(problems, file, 'the Contrail configuration', []);
  top.only(doc, [], ['resources', 'workloads']);
  const resources = top.list(doc, 'resources', []);
  const workloadList = top.list(doc, 'workloads', []);
  if (!resources || !workloadList) return undefined;
  const d: DecodedResources = { tags: [], addressGroups: [], rules: [], policies: [], sets: [] };
  const before = problems.length;
  resources.forEach((res, i) => decodeResource(file, res, i, d, problems));
  if (d.sets.length !== 1) problems.push({ file, path: ['resources'], message: `np2dfw evaluates one application-policy-set (the cluster's); the input has ${d.sets.length}` });
  checkReferences(file, d, problems);
  const workloads = decodeWorkloads(file, workloadList, new Set(d.tags.map((t) => t.name)), cluster, problems);
  if (problems.length > before || d.sets.length !== 1) return undefined;
  return { tags: d.tags, addressGroups: d.addressGroups, rules: d.rules, policies: d.policies, applicationPolicySet: d.sets[0], workloads };
}
