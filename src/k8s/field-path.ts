/** A path to a field inside an object: `['spec', 'ingress', 0, 'from']`. */
export type FieldPath = readonly (string | number)[];

/** Formats a path the way Kubernetes error messages do: `spec.ingress[0].from[1].ipBlock.except[0]`. */
export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}
