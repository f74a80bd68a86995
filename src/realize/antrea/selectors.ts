import type { LabelSelector } from '../../k8s/labels.ts';
import type { AntreaLabelSelector } from './antrea-objects.ts';

/** A Kubernetes label selector as written in an Antrea object: empty parts left out, `{}` selects everything. */
export function antreaSelectorOf(selector: LabelSelector): AntreaLabelSelector {
  const out: { matchLabels?: Record<string, string>; matchExpressions?: AntreaLabelSelector['matchExpressions'] } = {};
  if (Object.keys(selector.matchLabels).length) out.matchLabels = { ...selector.matchLabels };
  if (selector.matchExpressions.length) {
    out.matchExpressions = selector.matchExpressions.map((r) =>
      r.operator === 'In' || r.operator === 'NotIn' ? { key: r.key, operator: r.operator, values: [...r.values] } : { key: r.key, operator: r.operator });
  }
  return out;
}

/** The selector of one namespace by name (the label the API server sets on every namespace). */
export function namespaceNameSelector(namespace: string): AntreaLabelSelector {
  return { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
}
