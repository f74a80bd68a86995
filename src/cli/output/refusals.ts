import type { Refusal } from '../../evaluate/target.ts';

/** One line per refused policy: `ns/name (uid U): CODE at field.path: why`. */
export function formatRefusals(refusals: readonly Refusal[]): string {
  return refusals.map((r) => `  ${r.namespace}/${r.name} (uid ${r.uid}): ${r.code} at ${r.path}: ${r.message}`).join('\n');
}

/** `1 policy` / `4 policies`: how many distinct policies the refusals name (a policy may be refused for several reasons). */
export function refusedPolicies(refusals: readonly Refusal[]): string {
  const n = new Set(refusals.map((r) => r.uid)).size;
  return `${n} ${n === 1 ? 'policy' : 'policies'}`;
}
