import { SELECT_ALL, type LabelSelector, type LabelSelectorRequirement, type SelectorOperator } from './labels.ts';

/** One frozen empty list for the model's many empty lists (a large cluster has hundreds of thousands). */
export const NONE: readonly never[] = Object.freeze([]);

/**
 * Decodes a validated metav1.LabelSelector into its normalised form; the empty selector is the shared SELECT_ALL,
 * and no expressions the shared empty list.
 */
export function decodeSelector(raw: unknown): LabelSelector {
  const obj = (raw ?? {}) as { matchLabels?: Record<string, unknown>; matchExpressions?: unknown[] };
  if (!obj.matchExpressions?.length && isEmpty(obj.matchLabels)) return SELECT_ALL;
  const matchLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj.matchLabels ?? {})) matchLabels[k] = String(v ?? '');
  if (!obj.matchExpressions?.length) return { matchLabels, matchExpressions: NONE };
  const matchExpressions: LabelSelectorRequirement[] = obj.matchExpressions.map((e) => {
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

function isEmpty(labels: Record<string, unknown> | undefined): boolean {
  if (labels) for (const _ in labels) return false;
  return true;
}
