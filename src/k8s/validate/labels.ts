import type { FieldPath } from '../field-path.ts';
import { invalid } from './field-errors.ts';
import type { ProblemSink } from './field-problem.ts';
import { labelKeyErrors, labelValueErrors } from './names.ts';
import { stringMapField } from './shape.ts';

/**
 * ValidateLabels: every key a qualified name, every value a label value. Like Kubernetes, the problem is reported
 * at the map (`metadata.labels: Invalid value: "Bad Key": ...`); the line shown is the key's.
 */
export function validateLabelMap(sink: ProblemSink, value: unknown, path: FieldPath): void {
  const entries = stringMapField(sink, value, path);
  if (!entries) return;
  for (const [key, v] of entries) {
    const at = [...path, key];
    for (const msg of labelKeyErrors(key)) sink.errors.push(invalid(path, key, msg, at));
    for (const msg of labelValueErrors(v)) sink.errors.push(invalid(path, v, msg, at));
  }
}
