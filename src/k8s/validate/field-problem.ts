import type { FieldPath } from '../field-path.ts';

/** A problem with one field of one object, before it is located in a file. */
export interface FieldProblem {
  readonly path: FieldPath;
  readonly message: string;
}
