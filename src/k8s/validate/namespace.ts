import type { RawObject } from '../parse-documents.ts';
import type { ProblemSink } from './field-problem.ts';
import { dns1123LabelErrors } from './names.ts';
import { validateObjectMeta } from './object-meta.ts';

/**
 * Validates a v1 Namespace as the API server does for what np2dfw reads: a DNS-1123 label name, no
 * metadata.namespace, valid labels. spec and status are accepted untouched.
 */
export function validateNamespace(raw: RawObject, sink: ProblemSink): void {
  validateObjectMeta(sink, raw.body.metadata, dns1123LabelErrors, false);
}
