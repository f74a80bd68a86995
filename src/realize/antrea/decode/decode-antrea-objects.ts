// Reads Antrea objects that np2dfw did not necessarily write (`verify --against`, `kubectl get -o yaml` output, an
// edited `convert --target antrea` export) into the Antrea model, as one release's API server and webhook would
// take them: fields the release's CRD schemas do not declare are pruned (and reported), the rest is validated
// against those schemas and Antrea's admission rules, then decoded field by field. A field the Antrea engine
// does not evaluate (FQDN peers, ICMP protocols, node selectors, ...) is an error naming the object and the field:
// np2dfw never evaluates a policy with a part of it left out.
import { formatFieldPath, type FieldPath } from '../../../k8s/field-path.ts';
import { problemAt, type InputProblem } from '../../../k8s/invalid-input.ts';
import { isProtocol, type Protocol } from '../../../k8s/protocol.ts';
import type { SourceRef } from '../../../k8s/source.ts';
import { portNameErrors } from '../../../k8s/validate/names.ts';
import { isObject, type JsonObject } from '../../../k8s/validate/shape.ts';
import {
  ANTREA_API_VERSION, type AntreaAction, type AntreaAppliedTo, type AntreaIPBlock, type AntreaLabelSelector, type AntreaObjectMeta,
  type AntreaObjects, type AntreaPeer, type AntreaPort, type AntreaRule, type ClusterGroup, type ClusterNetworkPolicy, type Tier,
} from '../antrea-objects.ts';
import { crdSchemaDir, formatAntreaVersion, NEWEST_ANTREA_VERSION, type AntreaVersion } from '../antrea-version.ts';
import { STATIC_TIERS } from '../tiers.ts';
import { admissionProblems } from '../validate/admission.ts';
import { CrdSchemaValidator, isAntreaKind, type AntreaKind, type SchemaProblem } from '../validate/crd-schemas.ts';
import { pruneObject } from '../validate/prune.ts';

/** One object as read: kind, apiVersion, body, and where it came from (absent for objects np2dfw made). */
export interface AntreaInput {
  readonly kind: string;
  readonly apiVersion: string;
  readonly body: Record<string, unknown>;
  readonly source?: SourceRef;
}

/** What a stream of Antrea objects holds, as the release keeps it. */
export interface DecodedAntrea {
  /** The Tiers (Antrea's static ones left out), ClusterGroups and ClusterNetworkPolicies. */
  readonly objects: AntreaObjects;
  /** The fields the release's API server drops, one warning each (object, field, why). */
  readonly pruned: readonly InputProblem[];
}

/** Fields of a rule that change nothing np2dfw evaluates (logging). */
const RULE_FIELDS_IGNORED = new Set(['enableLogging', 'logLabel']);

const validators = new Map<string, CrdSchemaValidator>();
function validatorFor(version: AntreaVersion): CrdSchemaValidator {
  const key = formatAntreaVersion(version);
  let v = validators.get(key);
  if (!v) validators.set(key, (v = new CrdSchemaValidator(crdSchemaDir(version))));
  return v;
}

/** The hint for a pruned field: a later release may know it. */
function later(version: AntreaVersion): string {
  return formatAntreaVersion(version) === formatAntreaVersion(NEWEST_ANTREA_VERSION) ? '' : ' (if the cluster runs a later release, say so with --antrea-version)';
}

/** A JSON pointer (`/spec/ingress/0/name`) as a field path. */
function pointerPath(pointer: string): FieldPath {
  return pointer.split('/').slice(1).filter((p) => p !== '').map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
}

/** Reads the fields of one schema-valid object into the model; what the engine does not evaluate is reported. */
class ObjectReader {
  readonly problems: { path: FieldPath; message: string }[] = [];

  notEvaluated(path: FieldPath, what: string): void {
    this.problems.push({ path, message: `not evaluated by np2dfw: ${what}; remove it or verify without this object` });
  }

  wrong(path: FieldPath, message: string): void {
    this.problems.push({ path, message });
  }

  str(o: JsonObject, key: string, path: FieldPath): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    this.wrong([...path, key], 'must be a string');
    return undefined;
  }

  num(o: JsonObject, key: string, path: FieldPath): number | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    this.wrong([...path, key], 'must be a number');
    return undefined;
  }

  list(o: JsonObject, key: string, path: FieldPath): unknown[] | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v)) return v;
    this.wrong([...path, key], 'must be a list');
    return undefined;
  }

  obj(o: JsonObject, key: string, path: FieldPath): JsonObject | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (isObject(v)) return v;
    this.wrong([...path, key], 'must be an object');
    return undefined;
  }

  strings(o: JsonObject, key: string, path: FieldPath): string[] | undefined {
    const l = this.list(o, key, path);
    if (!l) return undefined;
    const out: string[] = [];
    l.forEach((v, i) => (typeof v === 'string' ? out.push(v) : this.wrong([...path, key, i], 'must be a string')));
    return out;
  }

  /** Only `known` and `ignored` keys may be set; any other set key is reported as not evaluated. */
  only(o: JsonObject, path: FieldPath, known: readonly string[], what: (key: string) => string, ignored: ReadonlySet<string> = new Set()): void {
    for (const [k, v] of Object.entries(o)) {
      if (v === undefined || v === null || known.includes(k) || ignored.has(k)) continue;
      this.notEvaluated([...path, k], what(k));
    }
  }

  stringMap(o: JsonObject, key: string, path: FieldPath): Record<string, string> | undefined {
    const m = this.obj(o, key, path);
    if (!m) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m)) {
      if (typeof v === 'string') out[k] = v;
      else this.wrong([...path, key, k], 'must be a string');
    }
    return out;
  }

  selector(o: JsonObject, key: string, path: FieldPath): AntreaLabelSelector | undefined {
    const s = this.obj(o, key, path);
    if (!s) return undefined;
    const at = [...path, key];
    this.only(s, at, ['matchLabels', 'matchExpressions'], (k) => `selector field ${k}`);
    const matchLabels = this.stringMap(s, 'matchLabels', at);
    const exprs = this.list(s, 'matchExpressions', at);
    const matchExpressions: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[] = [];
    exprs?.forEach((e, i) => {
      const p = [...at, 'matchExpressions', i];
      if (!isObject(e)) { this.wrong(p, 'must be an object'); return; }
      const k = this.str(e, 'key', p);
      const op = this.str(e, 'operator', p);
      const values = this.strings(e, 'values', p);
      if (k === undefined) { this.wrong([...p, 'key'], 'Required value'); return; }
      if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') { this.wrong([...p, 'operator'], `Unsupported value: ${JSON.stringify(op)}`); return; }
      matchExpressions.push({ key: k, operator: op, ...(values ? { values } : {}) });
    });
    return { ...(matchLabels ? { matchLabels } : {}), ...(exprs ? { matchExpressions } : {}) };
  }

  ipBlock(o: JsonObject, path: FieldPath): AntreaIPBlock | undefined {
    this.only(o, path, ['cidr', 'except'], (k) => `ipBlock field ${k}`);
    const cidr = this.str(o, 'cidr', path);
    if (cidr === undefined) { this.wrong([...path, 'cidr'], 'Required value'); return undefined; }
    const except = this.strings(o, 'except', path);
    return except && except.length ? { cidr, except } : { cidr };
  }

  appliedTo(o: JsonObject, path: FieldPath): AntreaAppliedTo {
    this.only(o, path, ['group', 'podSelector', 'namespaceSelector'], (k) => `appliedTo by ${k}`);
    const group = this.str(o, 'group', path);
    const podSelector = this.selector(o, 'podSelector', path);
    const namespaceSelector = this.selector(o, 'namespaceSelector', path);
    return { ...(group !== undefined ? { group } : {}), ...(podSelector ? { podSelector } : {}), ...(namespaceSelector ? { namespaceSelector } : {}) };
  }

  peer(o: JsonObject, path: FieldPath): AntreaPeer {
    this.only(o, path, ['group', 'podSelector', 'namespaceSelector', 'ipBlock'], (k) => `peers by ${k}`);
    const group = this.str(o, 'group', path);
    const podSelector = this.selector(o, 'podSelector', path);
    const namespaceSelector = this.selector(o, 'namespaceSelector', path);
    const block = this.obj(o, 'ipBlock', path);
    const ipBlock = block ? this.ipBlock(block, [...path, 'ipBlock']) : undefined;
    return {
      ...(group !== undefined ? { group } : {}), ...(podSelector ? { podSelector } : {}),
      ...(namespaceSelector ? { namespaceSelector } : {}), ...(ipBlock ? { ipBlock } : {}),
    };
  }

  port(o: JsonObject, path: FieldPath): AntreaPort | undefined {
    this.only(o, path, ['protocol', 'port', 'endPort'], (k) => (k.startsWith('source') ? 'source ports' : `port field ${k}`));
    // Antrea's controller, like Kubernetes, takes a port without protocol as TCP.
    const protocolText = this.str(o, 'protocol', path) ?? 'TCP';
    if (!isProtocol(protocolText)) { this.wrong([...path, 'protocol'], `Unsupported value: ${JSON.stringify(protocolText)}: supported values: "TCP", "UDP", "SCTP"`); return undefined; }
    const protocol: Protocol = protocolText;
    const raw = o.port;
    let port: number | string | undefined;
    if (typeof raw === 'number' && Number.isInteger(raw)) port = raw;
    else if (typeof raw === 'string') {
      // A string is a container port name (IANA_SVC_NAME), never a number in quotes.
      const errors = portNameErrors(raw);
      if (errors.length) {
        this.wrong([...path, 'port'], `Invalid value: ${JSON.stringify(raw)}: ${errors.join('; ')} (a port number is written without quotes)`);
        return undefined;
      }
      port = raw;
    }
    else if (raw !== undefined && raw !== null) { this.wrong([...path, 'port'], 'must be an integer or a string'); return undefined; }
    const endPort = this.num(o, 'endPort', path);
    return { protocol, ...(port !== undefined ? { port } : {}), ...(endPort !== undefined ? { endPort } : {}) };
  }

  objects<T>(o: JsonObject, key: string, path: FieldPath, read: (x: JsonObject, p: FieldPath) => T | undefined): T[] | undefined {
    const l = this.list(o, key, path);
    if (!l) return undefined;
    const out: T[] = [];
    l.forEach((x, i) => {
      if (!isObject(x)) { this.wrong([...path, key, i], 'must be an object'); return; }
      const v = read(x, [...path, key, i]);
      if (v !== undefined) out.push(v);
    });
    return out;
  }

  rule(o: JsonObject, path: FieldPath, direction: 'ingress' | 'egress'): AntreaRule | undefined {
    const peersKey = direction === 'ingress' ? 'from' : 'to';
    this.only(o, path, ['name', 'action', 'appliedTo', peersKey, 'ports'], (k) => (
      k === 'protocols' ? 'ICMP and IGMP protocols' : k === 'l7Protocols' ? 'layer 7 protocols' : k === 'toServices' ? 'Service destinations' : `rule field ${k}`
    ), RULE_FIELDS_IGNORED);
    const name = this.str(o, 'name', path);
    const actionText = this.str(o, 'action', path);
    if (actionText !== 'Allow' && actionText !== 'Drop' && actionText !== 'Reject' && actionText !== 'Pass') {
      this.wrong([...path, 'action'], `Unsupported value: ${JSON.stringify(actionText)}`);
      return undefined;
    }
    const action: AntreaAction = actionText;
    const appliedTo = this.objects(o, 'appliedTo', path, (x, p) => this.appliedTo(x, p));
    const peers = this.objects(o, peersKey, path, (x, p) => this.peer(x, p));
    const ports = this.objects(o, 'ports', path, (x, p) => this.port(x, p));
    // Antrea names an unnamed rule itself; np2dfw shows it by its place.
    return {
      name: name ?? `(unnamed ${formatFieldPath(path)})`, action,
      ...(appliedTo ? { appliedTo } : {}),
      ...(peers ? { [peersKey]: peers } : {}),
      ...(ports ? { ports } : {}),
    };
  }
}

function metadataOf(body: JsonObject, r: ObjectReader): AntreaObjectMeta {
  const meta = isObject(body.metadata) ? body.metadata : {};
  return {
    name: r.str(meta, 'name', ['metadata']) ?? '',
    labels: r.stringMap(meta, 'labels', ['metadata']) ?? {},
    annotations: r.stringMap(meta, 'annotations', ['metadata']) ?? {},
  };
}

function tierOf(body: JsonObject, r: ObjectReader): Tier {
  const spec = isObject(body.spec) ? body.spec : {};
  const description = r.str(spec, 'description', ['spec']);
  return {
    apiVersion: ANTREA_API_VERSION, kind: 'Tier', metadata: metadataOf(body, r),
    spec: { priority: r.num(spec, 'priority', ['spec']) ?? 0, ...(description !== undefined ? { description } : {}) },
  };
}

function clusterGroupOf(body: JsonObject, r: ObjectReader): ClusterGroup {
  const spec = isObject(body.spec) ? body.spec : {};
  r.only(spec, ['spec'], ['podSelector', 'namespaceSelector', 'ipBlocks', 'childGroups'], (k) => `ClusterGroup members by ${k}`);
  const podSelector = r.selector(spec, 'podSelector', ['spec']);
  const namespaceSelector = r.selector(spec, 'namespaceSelector', ['spec']);
  const ipBlocks = r.objects(spec, 'ipBlocks', ['spec'], (x, p) => r.ipBlock(x, p));
  const childGroups = r.strings(spec, 'childGroups', ['spec']);
  return {
    apiVersion: ANTREA_API_VERSION, kind: 'ClusterGroup', metadata: metadataOf(body, r),
    spec: {
      ...(podSelector ? { podSelector } : {}), ...(namespaceSelector ? { namespaceSelector } : {}),
      ...(ipBlocks ? { ipBlocks } : {}), ...(childGroups ? { childGroups } : {}),
    },
  };
}

function policyOf(body: JsonObject, r: ObjectReader): ClusterNetworkPolicy {
  const spec = isObject(body.spec) ? body.spec : {};
  r.only(spec, ['spec'], ['tier', 'priority', 'appliedTo', 'ingress', 'egress'], (k) => `policy field ${k}`);
  const appliedTo = r.objects(spec, 'appliedTo', ['spec'], (x, p) => r.appliedTo(x, p));
  const ingress = r.objects(spec, 'ingress', ['spec'], (x, p) => r.rule(x, p, 'ingress'));
  const egress = r.objects(spec, 'egress', ['spec'], (x, p) => r.rule(x, p, 'egress'));
  return {
    apiVersion: ANTREA_API_VERSION, kind: 'ClusterNetworkPolicy', metadata: metadataOf(body, r),
    spec: {
      // Antrea's default tier.
      tier: r.str(spec, 'tier', ['spec']) ?? 'application',
      priority: r.num(spec, 'priority', ['spec']) ?? 0,
      ...(appliedTo ? { appliedTo } : {}), ...(ingress ? { ingress } : {}), ...(egress ? { egress } : {}),
    },
  };
}

/**
 * The object as applied: only the metadata np2dfw reads (name, labels, annotations; the server sets the rest),
 * and no `status` (Antrea's controller writes it; `kubectl get` prints it).
 */
function asApplied(body: JsonObject): JsonObject {
  const meta = isObject(body.metadata) ? body.metadata : {};
  const keep: JsonObject = {};
  for (const k of ['name', 'labels', 'annotations']) if (meta[k] !== undefined && meta[k] !== null) keep[k] = meta[k];
  const { status: _status, ...rest } = body;
  return { ...rest, metadata: keep };
}

/**
 * Decodes Antrea objects as the release keeps them. Problems (objects Antrea would refuse, fields np2dfw does not
 * evaluate, kinds that are not Antrea's) are appended to `problems`, each naming the object and the field.
 */
export function decodeAntreaObjects(inputs: readonly AntreaInput[], version: AntreaVersion, problems: InputProblem[]): DecodedAntrea {
  const tiers: Tier[] = [];
  const clusterGroups: ClusterGroup[] = [];
  const policies: ClusterNetworkPolicy[] = [];
  const pruned: InputProblem[] = [];
  const where = new Map<string, AntreaInput>();
  const validator = validatorFor(version);
  const release = `Antrea ${formatAntreaVersion(version)}`;
  for (const input of inputs) {
    const name = isObject(input.body.metadata) && typeof input.body.metadata.name === 'string' ? input.body.metadata.name : '';
    const id = `${input.kind}/${name}`;
    const kind = input.kind;
    if (!isAntreaKind(kind) || input.apiVersion !== ANTREA_API_VERSION) {
      const what = kind === 'NetworkPolicy' && input.apiVersion === ANTREA_API_VERSION ? 'Antrea NetworkPolicies (namespaced) are not evaluated by np2dfw'
        : isAntreaKind(kind) ? `apiVersion ${input.apiVersion} is not served; ${release} serves ${kind} at ${ANTREA_API_VERSION}`
        : `kind ${kind} (${input.apiVersion}) is not part of an Antrea configuration (Tier, ClusterGroup, ClusterNetworkPolicy and NetworkPolicy)`;
      problems.push(problemAt(input.source, id, isAntreaKind(kind) ? ['apiVersion'] : ['kind'], what));
      continue;
    }
    const antreaKind: AntreaKind = kind;
    const p = pruneObject(antreaKind, asApplied(input.body), version);
    for (const path of p.pruned) {
      pruned.push(problemAt(input.source, id, path, `unknown to ${release}: its API server prunes this field, silently${later(version)}`));
    }
    const schemaProblems: SchemaProblem[] = validator.validate(p.object);
    for (const s of schemaProblems) problems.push(problemAt(input.source, id, pointerPath(s.path), s.message));
    if (schemaProblems.length) continue;
    const reader = new ObjectReader();
    if (antreaKind === 'Tier') {
      const t = tierOf(p.object, reader);
      const own = STATIC_TIERS.get(t.metadata.name);
      // `kubectl get tiers` lists Antrea's own tiers too: they are known, and may not be changed.
      if (own === undefined) tiers.push(t);
      else if (own !== t.spec.priority) reader.wrong(['spec', 'priority'], `tier ${t.metadata.name} is one of Antrea's own, with priority ${own}`);
    } else if (antreaKind === 'ClusterGroup') {
      clusterGroups.push(clusterGroupOf(p.object, reader));
    } else {
      policies.push(policyOf(p.object, reader));
    }
    for (const x of reader.problems) problems.push(problemAt(input.source, id, x.path, x.message));
    if (where.has(id)) problems.push(problemAt(input.source, id, ['metadata', 'name'], `${id} is given twice`));
    where.set(id, input);
  }
  const objects: AntreaObjects = { tiers, clusterGroups, policies };
  for (const s of admissionProblems(objects)) problems.push(problemAt(where.get(s.object)?.source, s.object, pointerPath(s.path), s.message));
  return { objects, pruned };
}

/** The input form of objects np2dfw made itself (what the API server receives when they are applied). */
export function antreaInputsOf(objects: AntreaObjects): AntreaInput[] {
  const out: AntreaInput[] = [];
  for (const o of [...objects.tiers, ...objects.clusterGroups, ...objects.policies]) {
    const body: unknown = JSON.parse(JSON.stringify(o));
    if (isObject(body)) out.push({ kind: o.kind, apiVersion: o.apiVersion, body });
  }
  return out;
}
