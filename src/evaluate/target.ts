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

/** What a target's own objects name, so that verify cuts its classes at the boundaries of both sides. */
export interface TargetBoundaries {
  /** Port ranges (inclusive) named anywhere in the target's objects, per protocol. */
  readonly ports: readonly { readonly protocol: string; readonly first: number; readonly last: number }[];
  /** Addresses named anywhere in the target's objects: CIDRs, `a-b` ranges or single addresses. */
  readonly addresses: readonly string[];
}

/** A target built for evaluation: the engine of the converted (or mixed) state, and what was refused. */
export interface BuiltTarget {
  readonly engine: ReachabilityEngine;
  readonly refusals: readonly Refusal[];
  /**
   * Every port range and address the target's emitted objects name (not the NetworkPolicies'): verify cuts its
   * port classes and address atoms at these too, so a difference only the target draws is not missed.
   */
  readonly boundaries: TargetBoundaries;
}

/** Builds a target's engine from a cluster. */
export type TargetBuilder = (cluster: Cluster, options: TargetOptions) => BuiltTarget;
