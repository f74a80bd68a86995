// Structural-schema pruning as the Kubernetes API server does it for custom resources: every field an object's
// CRD schema does not declare is dropped, silently, before the object is stored. An Antrea release older than the
// fields an object uses therefore keeps a different object than the one applied (before 2.2, an ipBlock without
// its `except`). np2dfw prunes with the release's own schemas, or with the schemas a live API server serves (the
// cluster adapter), and says what went. This is the project's one pruning implementation.
import type { FieldPath } from '../../../k8s/field-path.ts';
import { isObject, type JsonObject } from '../../../k8s/validate/shape.ts';
import { crdSchemaDir, type AntreaVersion } from '../antrea-version.ts';
import { readCrdSchema, type AntreaKind } from './crd-schemas.ts';

/** An object after pruning, and the paths of the fields that were dropped. */
export interface Pruned {
  readonly object: JsonObject;
  readonly pruned: readonly FieldPath[];
}

/** The fields every object keeps whatever its schema says (the API server handles them itself). */
const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

function schemaObject(v: unknown): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

function pruneValue(value: unknown, schema: JsonObject | undefined, path: FieldPath, pruned: FieldPath[]): unknown {
  if (!schema || schema['x-kubernetes-int-or-string'] === true) return value;
  if (Array.isArray(value)) {
    const items = schemaObject(schema.items);
    return items ? value.map((v, i) => pruneValue(v, items, [...path, i], pruned)) : value;
  }
  if (!isObject(value)) return value;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const properties = schemaObject(schema.properties);
  const additional = schemaObject(schema.additionalProperties);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = properties && Object.hasOwn(properties, k) ? schemaObject(properties[k]) : additional;
    if (sub) out[k] = pruneValue(v, sub, [...path, k], pruned);
    else if (preserve || schema.additionalProperties === true) out[k] = v;
    else pruned.push([...path, k]);
  }
  return out;
}

/**
 * Prunes one object with a CRD's openAPIV3Schema: a release's as np2dfw ships it, or the one an API server serves
 * (the cluster adapter reads it from the server). The input is not changed.
 */
export function pruneWithSchema(object: JsonObject, schema: JsonObject): Pruned {
  const properties = schemaObject(schema.properties) ?? {};
  const pruned: FieldPath[] = [];
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(object)) {
    if (ROOT_FIELDS.has(k)) out[k] = v;
    else if (Object.hasOwn(properties, k)) out[k] = pruneValue(v, schemaObject(properties[k]), [k], pruned);
    else pruned.push([k]);
  }
  return { object: out, pruned };
}

/** Prunes one object of a kind with the CRD schema of a release (the input is not changed). */
export function pruneObject(kind: AntreaKind, object: JsonObject, version: AntreaVersion): Pruned {
  return pruneWithSchema(object, readCrdSchema(kind, crdSchemaDir(version)).schema);
}
