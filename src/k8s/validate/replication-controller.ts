import { selectorMatches } from '../labels.ts';
import type { RawObject } from '../parse-documents.ts';
import { invalid, required } from './field-errors.ts';
import type { ProblemSink } from './field-problem.ts';
import { validateLabelMap } from './labels.ts';
import { isObject } from './shape.ts';
import { validateWorkload, type WorkloadRules } from './workload.ts';
import { decodeLabels } from '../decode-selector.ts';

const RULES: WorkloadRules = { templatePath: ['spec', 'template'], replicas: true };

/**
 * Validates what np2dfw reads of a v1 ReplicationController: validateWorkload (metadata, the pod template), and
 * its selector, a plain label map: valid labels, defaulted to the template's labels when absent, and when given
 * it must select them (the API server's ValidateReplicationControllerSpec).
 */
export function validateReplicationController(raw: RawObject, sink: ProblemSink): void {
  validateWorkload(raw, sink, RULES);
  const spec = isObject(raw.body.spec) ? raw.body.spec : undefined;
  if (!spec) return;
  const before = sink.errors.length;
  validateLabelMap(sink, spec.selector, ['spec', 'selector']);
  if (sink.errors.length !== before) return;
  const template = isObject(spec.template) ? spec.template : undefined;
  const templateLabels = decodeLabels(isObject(template?.metadata) ? template.metadata.labels : undefined);
  const selector = spec.selector === undefined || spec.selector === null ? templateLabels : decodeLabels(spec.selector);
  if (Object.keys(selector).length === 0) {
    sink.errors.push(required(['spec', 'selector']));
  } else if (template && !selectorMatches({ matchLabels: selector, matchExpressions: [] }, templateLabels)) {
    sink.errors.push(invalid(['spec', 'template', 'metadata', 'labels'], templateLabels, '`selector` does not match template `labels`'));
  }
}
