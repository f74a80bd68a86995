import type { FieldPath } from '../field-path.ts';

/** A problem with one field of one object, before it is located in a file. */
export interface FieldProblem {
  /** The field as Kubernetes names it in its message (`metadata.labels`, `spec.ingress[0].ports[1].port`). */
  readonly path: FieldPath;
  /** Why, in Kubernetes' words: `Invalid value: "x": ...`, `Required value`, `Unsupported value: ...`, `Forbidden: ...`. */
  readonly message: string;
  /**
   * Where to point in the file when that differs from `path`: Kubernetes reports a bad label key at
   * `metadata.labels`, but the line worth showing is the key's own (`['metadata', 'labels', 'Bad Key']`).
   */
  readonly at?: FieldPath;
}

/** Collects the problems (errors) and warnings found in one object. */
export interface ProblemSink {
  /** Errors: the object is refused. */
  readonly errors: FieldProblem[];
  /** Warnings: the API server accepts the object but warns about it, and so does np2dfw. */
  readonly warnings: FieldProblem[];
}

/** A new empty sink. */
export function newSink(): ProblemSink {
  return { errors: [], warnings: [] };
}
