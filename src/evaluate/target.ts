import type { Cluster } from '../k8s/cluster.ts';
import type { AntreaVersion } from '../realize/antrea/antrea-version.ts';
import type { ReachabilityEngine } from './engine.ts';

/** How a batch treats a policy that a target cannot express (the import API's `on_error`). */
export type OnError = 'abort' | 'continue';

/** Options every target's builder understands; each target reads the ones that apply to it. */
export interface TargetOptions {
  readonly onError: OnError;
  /** Only these policy uids are converted; the rest stay Kubernetes NetworkPolicies (a mixed state). */
  readonly only?: readonly string[];
  /** NSX placement: `banded` (default) or `nsx`. */
  readonly placement?: 'banded' | 'nsx';
  readonly sequenceUpper?: number;
  readonly sequenceLower?: number;
  /** The Antrea release the `antrea` and `nsx-antrea` targets write for (default DEFAULT_ANTREA_VERSION, 2.0). */
  readonly antreaVersion?: AntreaVersion;
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

/** A target built for evaluation: the engine of the converted (or mixed) state, and what was refused. */
export interface BuiltTarget {
  readonly engine: ReachabilityEngine;
  readonly refusals: readonly Refusal[];
}

/** Builds a target's engine from a cluster. */
export type TargetBuilder = (cluster: Cluster, options: TargetOptions) => BuiltTarget;
