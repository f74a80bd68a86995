import type { Cluster } from '../k8s/cluster.ts';
import type { Refusal, TargetOptions } from '../evaluate/target.ts';

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
