import { allAntreaObjects, type AntreaObjects } from '../antrea-objects.ts';
import { admissionProblems } from './admission.ts';
import { CrdSchemaValidator, type SchemaProblem } from './crd-schemas.ts';

let shared: CrdSchemaValidator | undefined;

/**
 * Every problem the API server (CRD schemas, unknown fields counted as errors) and Antrea's admission webhook
 * would find in a set of objects applied together; empty when all of them would be accepted.
 */
export function validateAntreaObjects(objects: AntreaObjects, validator: CrdSchemaValidator = (shared ??= new CrdSchemaValidator())): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const o of allAntreaObjects(objects)) problems.push(...validator.validate(o));
  problems.push(...admissionProblems(objects));
  return problems;
}
