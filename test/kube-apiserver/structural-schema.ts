/**
 * What the API server does with a custom resource's body and the CRD's structural schema (openAPIV3Schema):
 * prunes fields the schema does not declare (unless `x-kubernetes-preserve-unknown-fields`), reporting their paths
 * so that `fieldValidation=Strict` can refuse them and `Warn` can warn; then validates types, enums, patterns,
 * required fields and bounds (422 Invalid with each cause's field path).
 */
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';

type Json = Record<string, unknown>;

/** The fields of ObjectMeta a client may send; anything else under `metadata` is dropped as the server does. */
const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields', 'selfLink',
]);

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function pruneNode(value: unknown, schema: Json | undefined, path: string, pruned: string[]): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) {
    const items = isObject(schema.items) ? schema.items : undefined;
    return value.map((v, i) => pruneNode(v, items, `${path}[${i}]`, pruned));
  }
  if (!isObject(value)) return value;
  const props = isObject(schema.properties) ? schema.properties : undefined;
  const additional = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = props && isObject(props[k]) ? props[k] as Json : additional;
    if (!sub && !preserve && (props || additional || schema.type === 'object')) {
      pruned.push(path ? `${path}.${k}` : k);
      continue;
    }
    out[k] = pruneNode(v, sub, path ? `${path}.${k}` : k, pruned);
  }
  return out;
}

/** The object with undeclared fields removed, and their paths (`spec.foo`, `spec.ingress[0].bar`). */
export function prune(object: Json, schema: Json): { object: Json; pruned: string[] } {
  const pruned: string[] = [];
  const out: Json = {};
  const props = isObject(schema.properties) ? schema.properties : {};
  for (const [k, v] of Object.entries(object)) {
    if (k === 'apiVersion' || k === 'kind') out[k] = v;
    else if (k === 'metadata' && isObject(v)) {
      const meta: Json = {};
      for (const [mk, mv] of Object.entries(v)) {
        if (OBJECT_META_FIELDS.has(mk)) meta[mk] = mv;
        else pruned.push(`metadata.${mk}`);
      }
      out.metadata = meta;
    } else if (isObject(props[k])) out[k] = pruneNode(v, props[k] as Json, k, pruned);
    else if (schema['x-kubernetes-preserve-unknown-fields'] === true) out[k] = v;
    else pruned.push(k);
  }
  return { object: out, pruned };
}

/** The schema as plain JSON Schema for Ajv: int-or-string as anyOf, nullable as a null type, no x-kubernetes-*. */
function jsonSchemaOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchemaOf);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'x-kubernetes-int-or-string') {
      if (v === true) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
      continue;
    }
    if (k.startsWith('x-kubernetes-') || k === 'nullable' || k === 'default' || k === 'description' || k === 'example') continue;
    out[k] = k === 'properties' || k === 'patternProperties'
      ? Object.fromEntries(Object.entries(v as Json).map(([pk, pv]) => [pk, jsonSchemaOf(pv)]))
      : jsonSchemaOf(v);
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const family = isIP(text.slice(0, slash));
  const prefix = text.slice(slash + 1);
  return family !== 0 && /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat('cidr', { type: 'string', validate: isCidr });
ajv.addFormat('ipv4', { type: 'string', validate: (s: string) => isIPv4(s) });
ajv.addFormat('ipv6', { type: 'string', validate: (s: string) => isIPv6(s) });
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) });
ajv.addFormat('byte', { type: 'string', validate: (s: string) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) });
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });

/** One validation failure: the field path (`spec.priority`) and the message. */
export interface Cause { readonly field: string; readonly message: string }

/** A compiled validator of a CRD version's schema (metadata is the server's business, not the schema's). */
export function compileValidator(schema: Json): (object: Json) => Cause[] {
  const plain = jsonSchemaOf(schema) as Json;
  const props = { ...(isObject(plain.properties) ? plain.properties : {}) };
  delete props.metadata;
  const validate: ValidateFunction = ajv.compile({ ...plain, properties: props });
  return (object) => {
    if (validate(object)) return [];
    return (validate.errors ?? []).map((e) => ({
      field: e.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replaceAll('/', '.'),
      message: e.message ?? e.keyword,
    }));
  };
}
