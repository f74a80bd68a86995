// A pod's index in a cluster's pods, by object, without a map entry per pod: callers mostly ask for the pods in
// the cluster's order (endpoint lists are made in that order), so the next position is tried first, then a few
// beyond it (pods skipped by the endpoint list); a map of every pod is built only on the first miss.
import type { Pod } from '../../k8s/pod.ts';

/** How far beyond the expected position a pod is looked for before the map. */
const LOOKAHEAD = 8;

/** Indexes of the pods that have an address, by object. */
export class PodNumbers {
  readonly #pods: readonly Pod[];
  #next = 0;
  #byPod: Map<Pod, number> | undefined;

  constructor(pods: readonly Pod[]) {
    this.#pods = pods;
  }

  /** The index of the pod in the cluster's pods, or -1 when it is not one of them or has no address. */
  indexOf(pod: Pod): number {
    if (pod.ips.length === 0) return -1;
    const pods = this.#pods;
    const from = this.#next;
    if (from > 0 && pods[from - 1] === pod) return from - 1;
    const end = Math.min(pods.length, from + LOOKAHEAD);
    for (let i = from; i < end; i++) {
      if (pods[i] === pod) {
        this.#next = i + 1;
        return i;
      }
    }
    if (!this.#byPod) {
      this.#byPod = new Map();
      for (let k = 0; k < pods.length; k++) this.#byPod.set(pods[k], k);
    }
    const i = this.#byPod.get(pod);
    if (i === undefined) return -1;
    this.#next = i + 1;
    return i;
  }
}
