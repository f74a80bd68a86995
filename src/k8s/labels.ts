/** Kubernetes labels: key/value pairs on an object's metadata. */
export type Labels = Readonly<Record<string, string>>;

/** The operators a `matchExpressions` requirement may use. */
export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/** One `matchExpressions` entry of a label selector. */
export interface LabelSelectorRequirement {
  /** The label key the requirement applies to. */
  readonly key: string;
  /** How the label's value is compared with `values`. */
  readonly operator: SelectorOperator;
  /** Values for In / NotIn; empty for Exists / DoesNotExist. */
  readonly values: readonly string[];
}

/**
 * A metav1.LabelSelector. Both parts are ANDed; an empty selector selects everything.
 * Normalised: `matchLabels` is always present (possibly empty), `matchExpressions` too.
 */
export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

/** The empty selector `{}`, which selects every object. */
export const SELECT_ALL: LabelSelector = Object.freeze({ matchLabels: Object.freeze({}), matchExpressions: Object.freeze([]) });

/** The label every namespace carries, set by the API server to the namespace's name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** True when the selector has no requirement at all (selects every object). */
export function selectsAll(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

/** Kubernetes' own matching: every matchLabels pair and every requirement must hold. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const key in selector.matchLabels) {
    if (labels[key] !== selector.matchLabels[key]) return false;
  }
  for (const req of selector.matchExpressions) {
    if (!requirementMatches(req, labels)) return false;
  }
  return true;
}

/** One requirement against a label set (k8s.io/apimachinery/pkg/labels semantics). */
export function requirementMatches(req: LabelSelectorRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, req.key);
  switch (req.operator) {
    case 'In':
      return has && req.values.includes(labels[req.key]);
    case 'NotIn':
      // NotIn also matches objects that do not carry the key at all.
      return !has || !req.values.includes(labels[req.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** A canonical string for a selector: equal selectors give equal keys (used to deduplicate). */
export function selectorKey(selector: LabelSelector): string {
  const ml = Object.keys(selector.matchLabels).sort().map((k) => `${k}=${selector.matchLabels[k]}`);
  const me = selector.matchExpressions
    .map((r) => `${r.key} ${r.operator} (${[...r.values].sort().join(',')})`)
    .sort();
  return `${ml.join(',')};${me.join(';')}`;
}

/** The selector as kubectl prints it (`app=web,tier in (a,b)`), `<none>` for the empty selector. */
export function formatSelector(selector: LabelSelector): string {
  const parts = Object.keys(selector.matchLabels).sort().map((k) => `${k}=${selector.matchLabels[k]}`);
  for (const r of selector.matchExpressions) {
    switch (r.operator) {
      case 'In': parts.push(`${r.key} in (${r.values.join(',')})`); break;
      case 'NotIn': parts.push(`${r.key} notin (${r.values.join(',')})`); break;
      case 'Exists': parts.push(r.key); break;
      case 'DoesNotExist': parts.push(`!${r.key}`); break;
    }
  }
  return parts.length ? parts.join(',') : '<none>';
}
