// What a batch of NetworkPolicies asks of every target (the import API's on_error, network_policy_ids, placement
// and sequence numbers), and what a target says of a policy it cannot express. Conversion decides both; realize,
// evaluate, the target registry, the server and the CLI use these types.

import type { BatchOnError } from '../model/batch-selection.ts';

/** How a batch treats a policy that a target cannot express (the import API's `on_error`; decided in model/batch-selection.ts). */
export type OnError = BatchOnError;

/** The options of one batch, understood by every target; each target reads the ones that apply to it. */
export interface BatchOptions {
  readonly onError: OnError;
  /** Only these policy uids are converted; the rest stay Kubernetes NetworkPolicies (a mixed state). */
  readonly only?: readonly string[];
  /** NSX placement: `banded` (default) or `nsx`. */
  readonly placement?: 'banded' | 'nsx';
  readonly sequenceUpper?: number;
  readonly sequenceLower?: number;
}

/** A policy a target refused, with a stable error code, the field and the reason. */
export interface Refusal {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  /** A stable code, e.g. `NAMED_PORT_UNSUPPORTED`. */
  readonly code: string;
  /** The field path inside the NetworkPolicy, e.g. `spec.ingress[0].ports[0].port`. */
  readonly path: string;
  readonly message: string;
}
