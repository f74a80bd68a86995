import { formatFieldPath, type FieldPath } from './field-path.ts';
import type { SourceRef } from './source.ts';

/** One problem found in the input: where, which object, which field, why. */
export interface InputProblem {
  /** File and line of the object (the field's line when known). */
  readonly file?: string;
  readonly line?: number;
  /** `Kind namespace/name`, or `document 3` when the object cannot be named. */
  readonly object?: string;
  /** Field path inside the object, empty for the whole object. */
  readonly path: FieldPath;
  /** Why it is wrong, in Kubernetes' words where Kubernetes has words for it. */
  readonly message: string;
}

/** Formats a problem as one line: `file:line: Kind ns/name: field.path: message`. */
export function formatProblem(p: InputProblem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : '';
  const obj = p.object ? `${p.object}: ` : '';
  const field = p.path.length ? `${formatFieldPath(p.path)}: ` : '';
  return `${where}${obj}${field}${p.message}`;
}

/**
 * Makes a problem located in a source, at a field. `at` is where to point when it differs from the reported path
 * (Kubernetes reports a bad label key at `metadata.labels`; the line worth showing is the key's).
 */
export function problemAt(source: SourceRef | undefined, object: string | undefined, path: FieldPath, message: string, at: FieldPath = path): InputProblem {
  return {
    file: source?.file,
    line: source ? (source.lineOf ? source.lineOf(at) : source.line) : undefined,
    object,
    path,
    message,
  };
}

/** The most problems the error message lists; `problems` always holds them all. */
export const MAX_LISTED_PROBLEMS = 500;

/** The input is invalid. Carries every problem found, not only the first. The CLI exits 2. */
export class InvalidInputError extends Error {
  readonly problems: readonly InputProblem[];
  constructor(problems: readonly InputProblem[]) {
    const n = problems.length;
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => '  ' + formatProblem(p));
    if (n > MAX_LISTED_PROBLEMS) listed.push(`  ... and ${n - MAX_LISTED_PROBLEMS} more problems`);
    super(`invalid input (${n} problem${n === 1 ? '' : 's'}):\n` + listed.join('\n'));
    this.name = 'InvalidInputError';
    this.problems = problems;
  }
}
