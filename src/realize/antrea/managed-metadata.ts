import type { AntreaObjectMeta } from './antrea-objects.ts';
import { labelValueOf } from './kube-name.ts';

/** The label every object np2dfw realizes carries: `kubectl get acnp,cg,tr -l app.kubernetes.io/managed-by=np2dfw`. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'np2dfw';

/** Label (value cut to 63 characters) and annotation (full text) keys of an object's origin. */
export const ORIGIN_KEYS = {
  cluster: 'np2dfw.io/cluster',
  namespace: 'np2dfw.io/namespace',
  policyName: 'np2dfw.io/policy-name',
  policyUid: 'np2dfw.io/policy-uid',
} as const;

/** The Kubernetes NetworkPolicy an object was realized from. */
export interface ObjectOrigin {
  /** The cluster's name. */
  readonly cluster?: string;
  /** The NetworkPolicy's namespace. */
  readonly namespace?: string;
  /** The NetworkPolicy's name. */
  readonly policyName?: string;
  /** The NetworkPolicy's metadata.uid. */
  readonly policyUid?: string;
}

/**
 * Metadata marking an object as managed by np2dfw, with its origin as labels (valid label values) and annotations
 * (the exact text), plus extra annotations.
 */
export function managedMetadata(name: string, origin: ObjectOrigin, extraAnnotations: Readonly<Record<string, string>> = {}): AntreaObjectMeta {
  const labels: Record<string, string> = { [MANAGED_BY_LABEL]: MANAGED_BY };
  const annotations: Record<string, string> = {};
  for (const k of ['cluster', 'namespace', 'policyName', 'policyUid'] as const) {
    const v = origin[k];
    if (v === undefined) continue;
    labels[ORIGIN_KEYS[k]] = labelValueOf(v);
    annotations[ORIGIN_KEYS[k]] = v;
  }
  Object.assign(annotations, extraAnnotations);
  return { name, labels, annotations };
}
