// Validates emitted objects against Antrea's own CRD schemas (src/realize/antrea/crds/<tag>/, copied verbatim from
// antrea-io/antrea), the way the API server would, but stricter: unknown fields are errors, although the schemas
// do not say `additionalProperties: false` (the API server would prune them silently, and the object would not
// mean what np2dfw intended).
import { readFileSync } from 'node:fs';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import type { AntreaObject } from '../antrea-objects.ts';
import { crdSchemaDir, NEWEST_ANTREA_VERSION } from '../antrea-version.ts';

/** One object's schema problem: the object, the JSON path inside it, and why. */
export interface SchemaProblem {
  /** `Kind/name`. */
  readonly object: string;
  /** A JSON pointer inside the object (`/spec/ingress/0/name`). */
  readonly path: string;
  /** Why, as the API server or Antrea's webhook would say it. */
  readonly message: string;
}

type Schema = Record<string, unknown>;

const CRD_FILES = { Tier: 'tier.yaml', ClusterGroup: 'clustergroup.yaml', ClusterNetworkPolicy: 'clusternetworkpolicy.yaml' } as const;

/** Whether text is a CIDR as Go's net.ParseCIDR takes it (`10.0.0.0/8`, `fd00::/8`; the prefix is required). */
export function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const addr = text.slice(0, slash);
  const prefix = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const family = isIP(addr);
  return family !== 0 && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * The schema made strict and plain JSON Schema: every object schema that lists `properties` and says nothing of
 * `additionalProperties` gets `additionalProperties: false`; `x-kubernetes-int-or-string` becomes an integer-or-
 * string `anyOf`; other `x-kubernetes-*` keywords, which Ajv does not know, are dropped (none changes validity here).
 */
export function strictSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) {
    if (k === 'x-kubernetes-int-or-string') {
      if (v === true) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
      continue;
    }
    if (k === 'x-kubernetes-preserve-unknown-fields') { out['x-preserve'] = v; continue; }
    if (k.startsWith('x-kubernetes-')) continue;
    if (k === 'description' || k === 'default' && typeof v !== 'object') { out[k] = v; continue; }
    out[k] = k === 'properties' || k === 'patternProperties'
      ? Object.fromEntries(Object.entries(v as Schema).map(([pk, pv]) => [pk, strictSchema(pv)]))
      : strictSchema(v);
  }
  const preserve = out['x-preserve'] === true;
  delete out['x-preserve'];
  if (out.properties && out.additionalProperties === undefined && !preserve) out.additionalProperties = false;
  return out;
}

/** What a cluster-scoped object's metadata may hold in np2dfw's output. */
const METADATA_SCHEMA: Schema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' },
    labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 63, pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

/** The kinds whose CRD schemas np2dfw ships. */
export type AntreaKind = keyof typeof CRD_FILES;

/** Whether a kind is one of them. */
export function isAntreaKind(kind: string): kind is AntreaKind {
  return Object.hasOwn(CRD_FILES, kind);
}

/** One kind's CRD as shipped: its group, served version and openAPIV3Schema (trusted data files of the repo). */
export interface CrdSchema {
  readonly group: string;
  readonly version: string;
  readonly schema: Schema;
}

const crdCache = new Map<string, CrdSchema>();

/** Reads one kind's CRD from a schema folder (cached). */
export function readCrdSchema(kind: AntreaKind, crdDir: URL): CrdSchema {
  const url = new URL(CRD_FILES[kind], crdDir);
  let crd = crdCache.get(url.href);
  if (!crd) {
    const doc = parse(readFileSync(url, 'utf8')) as { spec: { group: string; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] } };
    const version = doc.spec.versions[0];
    crd = { group: doc.spec.group, version: version.name, schema: version.schema.openAPIV3Schema };
    crdCache.set(url.href, crd);
  }
  return crd;
}

/** The root schema of one kind: the CRD's openAPIV3Schema with apiVersion, kind and metadata spelled out. */
function rootSchema(kind: AntreaKind, crdDir: URL): Schema {
  const crd = readCrdSchema(kind, crdDir);
  const schema = strictSchema(crd.schema) as Schema;
  const properties = { ...(schema.properties as Schema) };
  properties.apiVersion = { const: `${crd.group}/${crd.version}` };
  properties.kind = { const: kind };
  properties.metadata = METADATA_SCHEMA;
  return { ...schema, properties, required: ['apiVersion', 'kind', 'metadata', 'spec'], additionalProperties: false };
}

/** A validator of Antrea objects against the CRD schemas; built once (it reads and compiles three schemas). */
export class CrdSchemaValidator {
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(crdDir: URL = crdSchemaDir(NEWEST_ANTREA_VERSION)) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    ajv.addFormat('cidr', { type: 'string', validate: isCidr });
    ajv.addFormat('ipv4', { type: 'string', validate: (s: string) => isIPv4(s) });
    ajv.addFormat('ipv6', { type: 'string', validate: (s: string) => isIPv6(s) });
    ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) });
    for (const kind of Object.keys(CRD_FILES) as (keyof typeof CRD_FILES)[]) this.#validators.set(kind, ajv.compile(rootSchema(kind, crdDir)));
  }

  /** The schema problems of one object (empty when it is valid). The object is checked as its JSON form. */
  validate(object: AntreaObject | Record<string, unknown>): SchemaProblem[] {
    const json = JSON.parse(JSON.stringify(object)) as { kind?: unknown; metadata?: { name?: unknown } };
    const id = `${String(json.kind)}/${String(json.metadata?.name)}`;
    const v = typeof json.kind === 'string' ? this.#validators.get(json.kind) : undefined;
    if (!v) return [{ object: id, path: '/kind', message: `unknown kind ${String(json.kind)}` }];
    if (v(json)) return [];
    return (v.errors ?? []).map((e) => ({
      object: id,
      path: e.instancePath || '/',
      message: e.keyword === 'additionalProperties' ? `unknown field "${String((e.params as { additionalProperty: string }).additionalProperty)}"` : e.message ?? e.keyword,
    }));
  }
}
