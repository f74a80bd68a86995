import type { RawObject } from '../parse-documents.ts';
import type { ProblemSink } from './field-problem.ts';
import { validateWorkload, type WorkloadRules } from './workload.ts';

const RULES: WorkloadRules = { templatePath: ['spec', 'jobTemplate', 'spec', 'template'], selector: { path: ['spec', 'jobTemplate', 'spec', 'selector'], required: false }, job: true };

/**
 * Validates what np2dfw reads of an batch/v1 CronJob (validateWorkload: metadata, the pod template, the selector and
 * that it selects the template's labels). Its pods are those of the Jobs it creates: the job template's pod template.
 */
export function validateCronJob(raw: RawObject, sink: ProblemSink): void {
  validateWorkload(raw, sink, RULES);
}
