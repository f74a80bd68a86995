import type { Refusal } from '../../convert/batch-options.ts';
import { countOf } from '../../evaluate/counts.ts';

/**
 * One line per refused policy: `ns/name (uid U): CODE at field.path: why`; a uid that names no policy has no
 * namespace or name to show: `uid U (no such NetworkPolicy): CODE ...`.
 */
export function formatRefusals(refusals: readonly Refusal[]): string {
  return refusals.map((r) => {
    const who = r.namespace || r.name ? `${r.namespace}/${r.name} (uid ${r.uid})` : `uid ${r.uid} (no such NetworkPolicy)`;
    return `  ${who}: ${r.code} at ${r.path}: ${r.message}`;
  }).join('\n');
}

/** `1 policy` / `4 policies`: how many distinct policies the refusals name (a policy may be refused for several reasons). */
export function refusedPolicies(refusals: readonly Refusal[]): string {
  const n = new Set(refusals.map((r) => r.uid)).size;
  return countOf(n, 'policy', 'policies');
}
