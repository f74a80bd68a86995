import type { RawObject } from '../parse-documents.ts';
import type { ProblemSink } from './field-problem.ts';
import { validateWorkload, type WorkloadRules } from './workload.ts';

const RULES: WorkloadRules = { templatePath: ['spec', 'template'], selector: { path: ['spec', 'selector'], required: true }, replicas: true };

/**
 * Validates what np2dfw reads of an apps/v1 StatefulSet (validateWorkload: metadata, the pod template, the selector and
 * that it selects the template's labels).
 */
export function validateStatefulSet(raw: RawObject, sink: ProblemSink): void {
  validateWorkload(raw, sink, RULES);
}
