import type { LabelSelector, LabelSelectorRequirement, SelectorOperator } from './labels.ts';

/** Decodes a validated metav1.LabelSelector into its normalised form. */
export function decodeSelector(raw: unknown): LabelSelector {
  const obj = (raw ?? {}) as { matchLabels?: Record<string, unknown>; matchExpressions?: unknown[] };
  const matchLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj.matchLabels ?? {})) matchLabels[k] = String(v ?? '');
  const matchExpressions: LabelSelectorRequirement[] = (obj.matchExpressions ?? []).map((e) => {
    const r = e as { key: string; operator: SelectorOperator; values?: unknown[] };
    return { key: r.key, operator: r.operator, values: (r.values ?? []).map((v) => (v === null || v === undefined ? '' : String(v))) };
  });
  return { matchLabels, matchExpressions };
}

/** Decodes metadata.labels (values are strings; YAML may have read `true` or `1`). */
export function decodeLabels(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((raw ?? {}) as Record<string, unknown>)) out[k] = String(v ?? '');
  return out;
}
