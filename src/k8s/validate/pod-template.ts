import type { FieldPath } from '../field-path.ts';
import type { LabelSelector } from '../labels.ts';
import { selectorMatches } from '../labels.ts';
import { decodeLabels, decodeSelector } from '../decode-selector.ts';
import { invalid, notSupported, required } from './field-errors.ts';
import type { ProblemSink } from './field-problem.ts';
import { validateLabelSelector } from './label-selector.ts';
import { validateLabelMap } from './labels.ts';
import { OBJECT_META_FIELDS } from './object-meta.ts';
import { validatePodSpec } from './pod.ts';
import { integerField, isObject, objectField, rejectUnknownFields, stringField } from './shape.ts';

/**
 * A PodTemplateSpec at `path` (required): its metadata (known fields, valid labels) and what np2dfw reads of its
 * spec. Returns the template's labels when they are valid, for the selector check.
 */
export function validatePodTemplate(sink: ProblemSink, value: unknown, path: FieldPath): Record<string, string> | undefined {
  if (value === undefined || value === null) {
    sink.errors.push(required(path));
    return undefined;
  }
  const template = objectField(sink, value, path);
  if (!template) return undefined;
  const before = sink.errors.length;
  const meta = objectField(sink, template.metadata, [...path, 'metadata']);
  if (meta) {
    rejectUnknownFields(sink, meta, [...path, 'metadata'], OBJECT_META_FIELDS);
    validateLabelMap(sink, meta.labels, [...path, 'metadata', 'labels']);
  }
  validatePodSpec(sink, template.spec, [...path, 'spec']);
  return sink.errors.length === before ? decodeLabels(meta?.labels) : undefined;
}

/**
 * `spec.selector` of the apps/v1 kinds and Jobs, a metav1.LabelSelector: valid, and (when required, as for
 * Deployments) present and not empty. When the template's labels are known, the selector must select them
 * (`selector does not match template labels`), as the API server checks.
 */
export function validateWorkloadSelector(
  sink: ProblemSink,
  value: unknown,
  path: FieldPath,
  templateLabels: Record<string, string> | undefined,
  templatePath: FieldPath,
  requiredSelector: boolean,
): void {
  if (value === undefined || value === null) {
    if (requiredSelector) sink.errors.push(required(path));
    return;
  }
  const before = sink.errors.length;
  validateLabelSelector(sink, value, path);
  if (sink.errors.length !== before || !isObject(value)) return;
  const selector: LabelSelector = decodeSelector(value);
  if (Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0) {
    if (requiredSelector) sink.errors.push(invalid(path, '{}', 'empty selector is invalid for this workload'));
    return;
  }
  if (templateLabels && !selectorMatches(selector, templateLabels)) {
    sink.errors.push(invalid([...templatePath, 'metadata', 'labels'], templateLabels, '`selector` does not match template `labels`'));
  }
}

/** `spec.replicas`, when given: a non-negative integer. */
export function validateReplicas(sink: ProblemSink, spec: Record<string, unknown>, path: FieldPath): void {
  const n = integerField(sink, spec.replicas, [...path, 'replicas']);
  if (n !== undefined && n < 0) sink.errors.push(invalid([...path, 'replicas'], n, 'must be greater than or equal to 0'));
}

/** A Job's pod template restartPolicy: OnFailure or Never (a Job's pods must end). */
export function validateJobRestartPolicy(sink: ProblemSink, template: unknown, path: FieldPath): void {
  const spec = isObject(template) && isObject(template.spec) ? template.spec : undefined;
  if (!spec) return;
  const policy = stringField(sink, spec.restartPolicy, [...path, 'spec', 'restartPolicy']);
  if (policy === undefined || policy === '') {
    sink.errors.push(required([...path, 'spec', 'restartPolicy'], 'a Job\'s pods need restartPolicy OnFailure or Never'));
  } else if (policy !== 'OnFailure' && policy !== 'Never') {
    sink.errors.push(notSupported([...path, 'spec', 'restartPolicy'], policy, ['OnFailure', 'Never']));
  }
}
