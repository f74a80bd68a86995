import type { RawObject } from '../parse-documents.ts';
import type { FieldProblem } from './field-problem.ts';

/**
 * Validates one object of a kind np2dfw reads (Namespace, Pod, NetworkPolicy) with the API server's rules.
 * Returns every problem found; an empty list means the object can be decoded.
 */
export function validateObject(raw: RawObject): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const meta = raw.body.metadata as { name?: unknown } | undefined;
  if (!meta || typeof meta !== 'object') problems.push({ path: ['metadata'], message: 'Required value' });
  else if (typeof meta.name !== 'string' || meta.name === '') problems.push({ path: ['metadata', 'name'], message: 'Required value: name is required' });
  return problems;
}
