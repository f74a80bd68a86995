/** Where an object was read from, so that every message can point at the file and line. */
export interface SourceRef {
  /** The file name as given on the command line, or `<stdin>`. */
  readonly file: string;
  /** 1-based line of the object's start; 0 for objects without lines (read from a cluster's API). */
  readonly line: number;
  /** Finds the 1-based line of a field inside the object, by its path; the object's line when unknown. */
  readonly lineOf?: (path: readonly (string | number)[]) => number;
}

/** Formats `file:line`. */
export function formatSource(src: SourceRef | undefined, path?: readonly (string | number)[]): string {
  if (!src) return '<generated>';
  const line = path && src.lineOf ? src.lineOf(path) : src.line;
  return line ? `${src.file}:${line}` : src.file;
}
