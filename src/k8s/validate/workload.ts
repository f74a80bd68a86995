import type { FieldPath } from '../field-path.ts';
import type { RawObject } from '../parse-documents.ts';
import type { ProblemSink } from './field-problem.ts';
import { dns1123SubdomainErrors } from './names.ts';
import { validateObjectMeta } from './object-meta.ts';
import { validateJobRestartPolicy, validatePodTemplate, validateReplicas, validateWorkloadSelector } from './pod-template.ts';
import { objectField } from './shape.ts';

/** How one workload kind's spec is checked. */
export interface WorkloadRules {
  /** Where the pod template is. */
  readonly templatePath: FieldPath;
  /** Where the selector is, and whether it must be given (apps/v1) or may be left to the API server (Jobs). */
  readonly selector?: { readonly path: FieldPath; readonly required: boolean };
  /** Whether `spec.replicas` exists for the kind. */
  readonly replicas?: boolean;
  /** Whether the template runs a Job's pods (restartPolicy OnFailure or Never). */
  readonly job?: boolean;
}

/**
 * Validates what np2dfw reads of a workload, with the API server's rules: metadata (a DNS-1123 subdomain name,
 * labels), the pod template (labels, ports, hostNetwork), the selector and that it selects the template's labels,
 * replicas. Every other field is accepted untouched.
 */
export function validateWorkload(raw: RawObject, sink: ProblemSink, rules: WorkloadRules): void {
  const body = raw.body;
  validateObjectMeta(sink, body.metadata, dns1123SubdomainErrors, true);
  const spec = objectField(sink, body.spec, ['spec']);
  if (!spec) {
    validatePodTemplate(sink, undefined, rules.templatePath);
    return;
  }
  if (rules.replicas) validateReplicas(sink, spec, ['spec']);
  // The objects on the way to the template (a CronJob's jobTemplate.spec) must be objects; the template itself
  // is checked by validatePodTemplate.
  let template: unknown = spec;
  for (let i = 1; i < rules.templatePath.length && template !== undefined; i++) {
    const value = (template as Record<string, unknown>)[rules.templatePath[i]];
    if (i === rules.templatePath.length - 1) {
      template = value;
    } else {
      template = objectField(sink, value, rules.templatePath.slice(0, i + 1));
      if (template === undefined && value !== undefined && value !== null) return; // reported: not an object
    }
  }
  const labels = validatePodTemplate(sink, template, rules.templatePath);
  if (rules.job && template !== undefined) validateJobRestartPolicy(sink, template, rules.templatePath);
  if (rules.selector) {
    let selector: unknown = body;
    for (const key of rules.selector.path) selector = (selector as Record<string, unknown> | undefined)?.[key];
    validateWorkloadSelector(sink, selector, rules.selector.path, labels, rules.templatePath, rules.selector.required);
  }
}
