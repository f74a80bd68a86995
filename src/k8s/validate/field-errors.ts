import type { FieldPath } from '../field-path.ts';
import type { FieldProblem } from './field-problem.ts';

/**
 * Kubernetes' field error constructors (k8s.io/apimachinery/pkg/util/validation/field), producing the same
 * wording: `Invalid value: "x": detail`, `Required value: detail`, `Unsupported value: "x": supported values: ...`,
 * `Forbidden: detail`, `Duplicate value: "x"`.
 */

/** A value as Kubernetes prints it in a message: strings quoted, numbers and booleans bare, null as `null`. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    const inner = value.slice(0, 4).map((v) => (v !== null && typeof v === 'object' ? (Array.isArray(v) ? '[...]' : '{...}') : formatValue(v)));
    return `[${inner.join(',')}${value.length > 4 ? ',...' : ''}]`;
  }
  return '{...}';
}

/** `Invalid value: <value>: detail` */
export function invalid(path: FieldPath, value: unknown, detail: string, at?: FieldPath): FieldProblem {
  return { path, message: `Invalid value: ${formatValue(value)}${detail ? `: ${detail}` : ''}`, at };
}

/** `Required value` or `Required value: detail` */
export function required(path: FieldPath, detail = ''): FieldProblem {
  return { path, message: `Required value${detail ? `: ${detail}` : ''}` };
}

/** `Unsupported value: "x": supported values: "A", "B"` */
export function notSupported(path: FieldPath, value: unknown, supported: readonly string[]): FieldProblem {
  const list = supported.map((s) => JSON.stringify(s)).join(', ');
  return { path, message: `Unsupported value: ${formatValue(value)}${list ? `: supported values: ${list}` : ''}` };
}

/** `Forbidden: detail` */
export function forbidden(path: FieldPath, detail: string): FieldProblem {
  return { path, message: `Forbidden${detail ? `: ${detail}` : ''}` };
}

/** `Duplicate value: "x"` (with an optional explanation) */
export function duplicate(path: FieldPath, value: unknown, detail = ''): FieldProblem {
  return { path, message: `Duplicate value: ${formatValue(value)}${detail ? `: ${detail}` : ''}` };
}
