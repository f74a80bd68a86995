import type { FieldPath } from '../field-path.ts';
import { forbidden, invalid, required } from './field-errors.ts';
import type { ProblemSink } from './field-problem.ts';
import { validateLabelMap } from './labels.ts';
import { labelKeyErrors, labelValueErrors } from './names.ts';
import { listField, objectField, rejectUnknownFields, stringField } from './shape.ts';

const SELECTOR_FIELDS: ReadonlySet<string> = new Set(['matchLabels', 'matchExpressions']);
const REQUIREMENT_FIELDS: ReadonlySet<string> = new Set(['key', 'operator', 'values']);

/**
 * ValidateLabelSelector (metav1): matchLabels as labels; each matchExpressions entry with a qualified-name key,
 * an operator among In/NotIn/Exists/DoesNotExist, values required by In/NotIn and forbidden for Exists/DoesNotExist,
 * and every value a valid label value.
 */
export function validateLabelSelector(sink: ProblemSink, value: unknown, path: FieldPath): void {
  const selector = objectField(sink, value, path);
  if (!selector) return;
  rejectUnknownFields(sink, selector, path, SELECTOR_FIELDS);
  validateLabelMap(sink, selector.matchLabels, [...path, 'matchLabels']);
  const expressions = listField(sink, selector.matchExpressions, [...path, 'matchExpressions']);
  expressions?.forEach((item, i) => validateRequirement(sink, item, [...path, 'matchExpressions', i]));
}

function validateRequirement(sink: ProblemSink, value: unknown, path: FieldPath): void {
  const req = objectField(sink, value, path);
  if (!req) {
    if (value === null || value === undefined) validateRequirementFields(sink, {}, path);
    return;
  }
  rejectUnknownFields(sink, req, path, REQUIREMENT_FIELDS);
  validateRequirementFields(sink, req, path);
}

function validateRequirementFields(sink: ProblemSink, req: Record<string, unknown>, path: FieldPath): void {
  const key = stringField(sink, req.key, [...path, 'key']);
  const operator = stringField(sink, req.operator, [...path, 'operator']);
  const valuesList = listField(sink, req.values, [...path, 'values']);
  const values: string[] = [];
  valuesList?.forEach((v, i) => {
    const s = stringField(sink, v, [...path, 'values', i]);
    values.push(s ?? '');
  });
  const op = operator ?? '';
  if (op === 'In' || op === 'NotIn') {
    if (values.length === 0) sink.errors.push(required([...path, 'values'], "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (op === 'Exists' || op === 'DoesNotExist') {
    if (values.length > 0) sink.errors.push(forbidden([...path, 'values'], "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  } else if (operator !== undefined || req.operator === undefined || req.operator === null) {
    sink.errors.push(invalid([...path, 'operator'], op, 'not a valid selector operator'));
  }
  if (key !== undefined || req.key === undefined || req.key === null) {
    for (const msg of labelKeyErrors(key ?? '')) sink.errors.push(invalid([...path, 'key'], key ?? '', msg));
  }
  values.forEach((v, i) => {
    for (const msg of labelValueErrors(v)) sink.errors.push(invalid([...path, 'values', i], v, msg));
  });
}
