import type { Labels } from './labels.ts';
import type { SourceRef } from './source.ts';

/** A v1 Namespace, as far as network policy cares. */
export interface Namespace {
  /** metadata.name */
  readonly name: string;
  /** metadata.labels, always including `kubernetes.io/metadata.name: <name>` as the API server guarantees. */
  readonly labels: Labels;
  /** metadata.uid when given. */
  readonly uid?: string;
  /** false when the namespace was only referred to by a pod or a policy, never declared. */
  readonly declared: boolean;
  readonly source?: SourceRef;
}
