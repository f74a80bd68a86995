import type { FieldPath } from '../field-path.ts';
import { formatValue } from './field-errors.ts';
import type { ProblemSink } from './field-problem.ts';

/**
 * Reading untyped JSON the way the API server's strict decoder does: a wrong type is an error naming the field
 * (where Go would fail with `cannot unmarshal string into ... of type []NetworkPolicyIngressRule`), and `null`
 * means absent (Go decodes null as the zero value).
 */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** Whether the value is a JSON object (a mapping), not a list, not null. */
export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

function typeError(sink: ProblemSink, path: FieldPath, value: unknown, expected: string): void {
  sink.errors.push({ path, message: `Invalid value: ${formatValue(value)}: must be ${expected}` });
}

/** An optional object field: undefined when absent or null; reported (and undefined) when not an object. */
export function objectField(sink: ProblemSink, value: unknown, path: FieldPath): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (isObject(value)) return value;
  typeError(sink, path, value, 'an object');
  return undefined;
}

/** An optional list field: undefined when absent or null; reported (and undefined) when not a list. */
export function listField(sink: ProblemSink, value: unknown, path: FieldPath): readonly unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  typeError(sink, path, value, 'a list');
  return undefined;
}

/** An optional string field: undefined when absent or null; reported (and undefined) when not a string. */
export function stringField(sink: ProblemSink, value: unknown, path: FieldPath): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  typeError(sink, path, value, 'a string');
  return undefined;
}

/** An optional boolean field. */
export function booleanField(sink: ProblemSink, value: unknown, path: FieldPath): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  typeError(sink, path, value, 'a boolean (true or false)');
  return undefined;
}

/** An optional integer field (int32 in the API). */
export function integerField(sink: ProblemSink, value: unknown, path: FieldPath): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  typeError(sink, path, value, 'an integer');
  return undefined;
}

/** A map of strings (labels, matchLabels): reported when not an object; each non-string value is reported. */
export function stringMapField(sink: ProblemSink, value: unknown, path: FieldPath): [string, string][] | undefined {
  const obj = objectField(sink, value, path);
  if (!obj) return undefined;
  const out: [string, string][] = [];
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === null || v === undefined) out.push([key, '']);
    else if (typeof v === 'string') out.push([key, v]);
    else sink.errors.push({ path, message: `Invalid value: ${formatValue(v)}: must be a string (quote it in YAML)`, at: [...path, key] });
  }
  return out;
}

/** Reports every key of `obj` that the API does not define for it: `unknown field "ingres"`. */
export function rejectUnknownFields(sink: ProblemSink, obj: JsonObject, path: FieldPath, known: ReadonlySet<string>): void {
  for (const key in obj) {
    if (!known.has(key)) sink.errors.push({ path, message: `unknown field ${JSON.stringify(key)}`, at: [...path, key] });
  }
}
