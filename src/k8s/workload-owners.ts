import { podIsLive, type Owner, type Pod } from './pod.ts';

/** Ownership chains longer than this are cut (a chain of given workloads is two or three long). */
const MAX_OWNER_DEPTH = 8;

/** The label a Deployment's ReplicaSets and their pods carry: the hash that ends the ReplicaSet's name. */
const POD_TEMPLATE_HASH = 'pod-template-hash';

const key = (namespace: string, kind: string, name: string) => `${namespace}\u0000${kind}\u0000${name}`;

/**
 * Pods and workloads given together are not counted twice. Each object's controller (ownerReferences) is
 * followed up through the workloads given, to the topmost owner; a ReplicaSet named `NAME-HASH` with pods
 * labelled `pod-template-hash: HASH` belongs to Deployment NAME even when that ReplicaSet is not given.
 *
 * - A workload owned by another workload given is dropped: its owner stands for its pods.
 * - A workload some of whose pods are given (and take part: live, or pods to be) is dropped: those pods stand
 *   for it, with their own addresses.
 * - Every pod and workload kept gets `owner`: the topmost owner found, the workload `--group workload` shows.
 */
export function resolveOwners(objects: readonly Pod[]): Pod[] {
  const workloads = new Map<string, Pod>();
  for (const o of objects) if (o.workload) workloads.set(key(o.namespace, o.workload, o.name), o);
  /** The owner of an object, as a given workload when it is one. */
  const ownerOf = (o: Pod): { owner: Owner; given?: Pod } | undefined => {
    if (!o.owner) return undefined;
    let owner = o.owner;
    let given = workloads.get(key(o.namespace, owner.kind, owner.name));
    const hash = o.labels[POD_TEMPLATE_HASH];
    if (!given && owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`) && owner.name.length > hash.length + 1) {
      owner = { kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1) };
      given = workloads.get(key(o.namespace, owner.kind, owner.name));
    }
    return { owner, given };
  };
  /** The chain of owners above an object: given workloads, then possibly one owner not given. */
  const chain = (o: Pod): { top?: Owner; given: Pod[] } => {
    const given: Pod[] = [];
    let top: Owner | undefined;
    let at: Pod | undefined = o;
    for (let depth = 0; at && depth < MAX_OWNER_DEPTH; depth++) {
      const up = ownerOf(at);
      if (!up) break;
      top = up.owner;
      if (!up.given || up.given === o || given.includes(up.given)) break;
      given.push(up.given);
      at = up.given;
    }
    return { top, given };
  };
  const represented = new Set<Pod>();
  for (const o of objects) {
    if (o.workload || !(o.toBe || podIsLive(o))) continue;
    for (const w of chain(o).given) represented.add(w);
  }
  const out: Pod[] = [];
  for (const o of objects) {
    const { top, given } = chain(o);
    if (o.workload && (given.length > 0 || represented.has(o))) continue;
    out.push(top ? { ...o, owner: top } : o);
  }
  return out;
}
