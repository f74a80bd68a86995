import type { Refusal } from '../../evaluate/target.ts';

/** One line per refused policy: `ns/name (uid U): CODE at field.path: why`. */
export function formatRefusals(refusals: readonly Refusal[]): string {
  return refusals.map((r) => `  ${r.namespace}/${r.name} (uid ${r.uid}): ${r.code} at ${r.path}: ${r.message}`).join('\n');
}
