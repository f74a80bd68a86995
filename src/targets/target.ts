// One target, seen whole: how a batch is converted and realized for it, the text `convert --target` prints, the
// engine that evaluates its objects, and how an existing configuration of it is read. The registry of every target
// is ./registry.ts; this layer sits above convert, realize and evaluate and is the only place that joins them.
import type { BatchOptions, Refusal } from '../convert/batch-options.ts';
import type { ReachabilityEngine } from '../evaluate/engine.ts';
import type { TargetBoundaries } from '../evaluate/target.ts';
import type { Cluster } from '../k8s/cluster.ts';
import type { InputText } from '../k8s/read-inputs.ts';
import type { AntreaVersion } from '../realize/antrea/antrea-version.ts';

/** Options every target understands: the batch's, and the Antrea release (only `antrea` and `nsx-antrea` read it). */
export interface TargetOptions extends BatchOptions {
  /** The Antrea release the `antrea` and `nsx-antrea` targets write for (default DEFAULT_ANTREA_VERSION, 2.0). */
  readonly antreaVersion?: AntreaVersion;
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

/** The output of `np2dfw convert --target X`: text in the requested format, and what was refused. */
export interface Emitted {
  readonly text: string;
  readonly refusals: readonly Refusal[];
}

/** Turns a cluster into one target's objects, printed in one of the target's formats (`-o`). */
export interface Emitter {
  /** The `-o` formats this target prints; the first is the default. */
  readonly formats: readonly string[];
  emit(cluster: Cluster, options: TargetOptions & { readonly format: string }): Emitted;
}

/** How to read an existing configuration (`--against`). */
export interface ExistingOptions {
  /** The Antrea release whose API server holds the objects (antrea, nsx-antrea); default DEFAULT_ANTREA_VERSION. */
  readonly antreaVersion?: AntreaVersion;
  /** Told each warning (a field the API server prunes, a policy that takes no part), as one line. */
  readonly onWarning?: (line: string) => void;
}

/** An existing configuration's engine, and what its objects name (verify cuts its classes there too). */
export interface ExistingTarget {
  readonly engine: ReachabilityEngine;
  readonly boundaries: TargetBoundaries;
}

/** Builds the engine of an existing configuration given as input texts, against the cluster's pods. */
export type ExistingBuilder = (cluster: Cluster, inputs: readonly InputText[], options: ExistingOptions) => ExistingTarget;

/** One target of `--target` (convert, verify, diff --to-target) and `--via` (reach, explain). */
export interface Target {
  /** Builds the engine of the state a conversion leaves (the converted objects, then the policies left). */
  readonly build: TargetBuilder;
  /** What `convert --target` prints; absent for the dataplanes, which `np2dfw apply` writes to the kernel. */
  readonly emitter?: Emitter;
  /** Reads an existing configuration of the target (`--against`); absent when np2dfw reads none. */
  readonly existing?: ExistingBuilder;
}
