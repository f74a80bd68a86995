import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ApiError, ERROR_CODES } from './api-error.ts';
import type { JsonSchema } from './schemas.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<JsonSchema, ValidateFunction>();

/** Describes one schema violation in words: `network_policy_ids[3]: must be string`. */
export function describeSchemaError(e: ErrorObject): string {
  const at = e.instancePath
    ? e.instancePath.slice(1).split('/').map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '')
    : '';
  const where = at ? `${at}: ` : '';
  if (e.keyword === 'additionalProperties') return `${where}unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'required') return `${where}the field "${(e.params as { missingProperty: string }).missingProperty}" is required`;
  if (e.keyword === 'enum') return `${where}must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'const') return `${where}must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
  return `${where}${e.message ?? 'is invalid'}`;
}

/**
 * Validates a value against a schema; throws a 400 ApiError naming every violation (the first in the message,
 * all of them in `related_errors`).
 */
export function validateBody<T>(schema: JsonSchema, value: unknown, what = 'the body'): T {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  if (fn(value)) return value as T;
  const errors = (fn.errors ?? []).slice(0, 50).map((e) => describeSchemaError(e));
  const related = errors.map((m) => ({ error_code: ERROR_CODES.INVALID_REQUEST, error_message: m }));
  throw new ApiError(400, ERROR_CODES.INVALID_REQUEST, `invalid ${what}: ${errors[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`, related);
}
