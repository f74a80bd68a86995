// The endpoint classes of a compilation (see compiled-policies.ts): pods grouped by namespace and labels (label
// groups), then by address atom, port signature and family; hostNetwork pods by atom, signature and family; and
// one class per external address atom.
import { NAMESPACE_NAME_LABEL } from '../../k8s/labels.ts';
import type { NetworkPolicy } from '../../k8s/network-policy.ts';
import { effectiveRules } from '../../k8s/network-policy.ts';
import { resolveNamedPort, type Pod } from '../../k8s/pod.ts';
import type { Protocol } from '../../k8s/protocol.ts';
import type { Cluster } from '../../k8s/cluster.ts';
import { addressValue, type Family } from '../../net/ip-address.ts';
import { addressAtoms, type FamilyAtoms } from './address-atoms.ts';
import { parsedIpBlock } from '../../net/ip-block.ts';
import { appended, LabelIndex } from './label-index.ts';
import { classKey } from './packed-key.ts';
import { PodNumbers } from './pod-numbers.ts';

/** Class kinds. */
export const SELECTABLE_POD = 0;
/** A hostNetwork pod: matched by ipBlocks only, never isolated. */
export const HOST_POD = 1;
/** An address outside the cluster: matched by ipBlocks only, never isolated. */
export const EXTERNAL = 2;

/** A named port some policy uses. */
export interface NamedPortRef {
  /** The port's name. */
  readonly name: string;
  /** The protocol the policy names it with. */
  readonly protocol: Protocol;
}

/** The named ports and the ipBlock address atoms of a set of policies. */
export interface PolicyInputs {
  readonly namedPorts: NamedPortRef[];
  /** Index of a named port in `namedPorts` by `name/protocol`. */
  readonly namedPortIndex: Map<string, number>;
  readonly atoms: { readonly 4: FamilyAtoms; readonly 6: FamilyAtoms };
}

/** The named ports the policies use (in order of first use) and the address atoms of their ipBlocks. */
export function policyInputs(policies: readonly NetworkPolicy[]): PolicyInputs {
  const namedPorts: NamedPortRef[] = [];
  const namedPortIndex = new Map<string, number>();
  const blocks = [];
  for (const p of policies) {
    for (const d of ['Ingress', 'Egress'] as const) {
      for (const r of effectiveRules(p, d)) {
        for (const port of r.ports ?? []) {
          if (typeof port.port !== 'string') continue;
          const key = `${port.port}/${port.protocol}`;
          if (!namedPortIndex.has(key)) {
            namedPortIndex.set(key, namedPorts.length);
            namedPorts.push({ name: port.port, protocol: port.protocol });
          }
        }
        for (const peer of r.peers ?? []) if (peer.ipBlock) blocks.push(parsedIpBlock(peer.ipBlock));
      }
    }
  }
  return { namedPorts, namedPortIndex, atoms: addressAtoms(blocks) };
}

/** Port signatures: per distinct way of resolving the named ports, the number of each (-1 none); 0 resolves none. */
export class PortSignatures {
  readonly signatures: Int32Array[];
  readonly #namedPorts: readonly NamedPortRef[];
  readonly #ids: Map<string, number>;

  constructor(namedPorts: readonly NamedPortRef[]) {
    this.#namedPorts = namedPorts;
    this.signatures = [new Int32Array(namedPorts.length).fill(-1)];
    this.#ids = new Map([[this.signatures[0].join(','), 0]]);
  }

  /** The signature of a pod (created when `create`), or -1 when it is new and not created. */
  of(pod: Pod, create: boolean): number {
    const named = this.#namedPorts;
    if (named.length === 0) return 0;
    const sig = new Int32Array(named.length);
    for (let i = 0; i < named.length; i++) sig[i] = resolveNamedPort(pod, named[i].name, named[i].protocol) ?? -1;
    const key = sig.join(',');
    let id = this.#ids.get(key);
    if (id === undefined && create) {
      id = this.signatures.length;
      this.signatures.push(sig);
      this.#ids.set(key, id);
    }
    return id ?? -1;
  }
}

/** The first address of a family of a pod. */
export function firstAddress(pod: Pod, family: Family): string | undefined {
  for (const ip of pod.ips) if ((ip.indexOf(':') < 0 ? 4 : 6) === family) return ip;
  return undefined;
}

/** A namespace's label groups, indexed by their labels (for selecting them by a pod selector). */
export interface NamespaceGroups {
  /** The namespace's number among those with label groups (0, 1, ... in order of creation). */
  readonly id: number;
  readonly index: LabelIndex;
  groups: number[];
}

/**
 * The classes, made as pods and atoms are met. Label groups are selectable pods of one namespace with the same
 * labels, found by namespace then labels (compared, or by key in namespaces with many groups: no string per pod);
 * a group's classes are the first inline (most groups have one), further ones in a list.
 */
export class EndpointClassBuilder {
  /** Per class: SELECTABLE_POD, HOST_POD or EXTERNAL. */
  readonly kind: number[] = [];
  /** Per class: its port signature. */
  readonly signature: number[] = [];
  readonly atoms: { readonly 4: FamilyAtoms; readonly 6: FamilyAtoms };
  /** Per namespace: its label groups. */
  readonly namespaces = new Map<string, NamespaceGroups>();
  readonly #groupExtraClasses: (number[] | undefined)[] = [];
  readonly #groupFirstKey: number[] = [];
  readonly #groupFirstClass: number[] = [];
  readonly #groupMore: (Map<number, number> | undefined)[] = [];
  readonly #hostClasses = new Map<number, number>();
  /** Classes by address atom (`atomKey`). */
  readonly #atomClasses = new Map<number, number[]>();
  #lastNamespace: string | undefined;
  #lastGroups: NamespaceGroups | undefined;

  constructor(atoms: { readonly 4: FamilyAtoms; readonly 6: FamilyAtoms }) {
    this.atoms = atoms;
  }

  /** The classes at an address atom of a family. */
  classesAtAtom(family: Family, atom: number): readonly number[] {
    return this.#atomClasses.get(family === 4 ? atom : -1 - atom) ?? [];
  }

  /** The atom of an address. */
  atomOfAddress(ip: string, family: Family): number {
    const fa = family === 4 ? this.atoms[4] : this.atoms[6];
    return fa.bounds.length === 0 ? 0 : fa.atomOf(addressValue(ip, family));
  }

  /** Appends the classes of a label group to `out`. */
  groupClasses(g: number, out: number[]): void {
    if (this.#groupFirstClass[g] >= 0) out.push(this.#groupFirstClass[g]);
    const extra = this.#groupExtraClasses[g];
    if (extra) for (const c of extra) out.push(c);
  }

  /** A new class. */
  newClass(k: number, sig: number, family: Family, atom: number, group: number): number {
    const id = this.kind.length;
    this.kind.push(k);
    this.signature.push(sig);
    const ak = family === 4 ? atom : -1 - atom;
    const list = this.#atomClasses.get(ak);
    if (list) list.push(id);
    else this.#atomClasses.set(ak, [id]);
    if (group >= 0 && this.#groupFirstClass[group] >= 0) (this.#groupExtraClasses[group] ??= []).push(id);
    return id;
  }

  /** The label group of a selectable pod (created when `create`), or -1. */
  groupOf(pod: Pod, create: boolean): number {
    // Pods come namespace after namespace: the last namespace's groups are kept at hand.
    let ns = pod.namespace === this.#lastNamespace ? this.#lastGroups : this.namespaces.get(pod.namespace);
    if (!ns) {
      if (!create) return -1;
      this.namespaces.set(pod.namespace, (ns = { id: this.namespaces.size, index: new LabelIndex(), groups: [] }));
    }
    this.#lastNamespace = pod.namespace;
    this.#lastGroups = ns;
    const local = ns.index.find(pod.labels);
    if (local >= 0) return ns.groups[local];
    if (!create) return -1;
    const g = this.#groupFirstKey.length;
    this.#groupExtraClasses.push(undefined);
    this.#groupFirstKey.push(-1);
    this.#groupFirstClass.push(-1);
    this.#groupMore.push(undefined);
    ns.index.add(pod.labels);
    ns.groups = appended(ns.groups, g);
    return g;
  }

  /** The class of a pod at an address of this atom (created when `create`), or -1. */
  podClassFor(pod: Pod, family: Family, atom: number, sig: number, create: boolean): number {
    const k = classKey(family, atom, sig);
    if (pod.hostNetwork) {
      let id = this.#hostClasses.get(k);
      if (id === undefined) {
        if (!create) return -1;
        this.#hostClasses.set(k, (id = this.newClass(HOST_POD, sig, family, atom, -1)));
      }
      return id;
    }
    const group = this.groupOf(pod, create);
    if (group < 0) return -1;
    if (this.#groupFirstKey[group] === k) return this.#groupFirstClass[group];
    let id = this.#groupMore[group]?.get(k);
    if (id !== undefined) return id;
    if (!create) return -1;
    id = this.newClass(SELECTABLE_POD, sig, family, atom, group);
    if (this.#groupFirstKey[group] < 0) {
      this.#groupFirstKey[group] = k;
      this.#groupFirstClass[group] = id;
    } else {
      (this.#groupMore[group] ??= new Map()).set(k, id);
    }
    return id;
  }
}

/** The classes of a cluster's endpoints: every pod with an address, per family, and the external atoms. */
export interface ClusterClasses {
  readonly builder: EndpointClassBuilder;
  readonly signatures: PortSignatures;
  readonly classCount: number;
  /** A pod's index in the cluster's pods, for pods with an address. */
  readonly podNumbers: PodNumbers;
  /** Per pod: the class of its first IPv4 / IPv6 address, -1 for none. */
  readonly podClass4: Int32Array;
  readonly podClass6: Int32Array;
  /** The class of the first external atom of each family. */
  readonly externalBase: { readonly 4: number; readonly 6: number };
  /** Every namespace (of the inventory and of its pods), indexed by its labels. */
  readonly namespaceNames: readonly string[];
  readonly namespaceIndex: LabelIndex;
}

/** Classifies every pod with an address (its first address of each family), then the external atoms. */
export function classifyCluster(cluster: Cluster, inputs: PolicyInputs): ClusterClasses {
  const builder = new EndpointClassBuilder(inputs.atoms);
  const signatures = new PortSignatures(inputs.namedPorts);
  const podClass4 = new Int32Array(cluster.pods.length).fill(-1);
  const podClass6 = new Int32Array(cluster.pods.length).fill(-1);
  for (let i = 0; i < cluster.pods.length; i++) {
    const pod = cluster.pods[i];
    if (pod.ips.length === 0) continue;
    const sig = signatures.of(pod, true);
    for (const family of [4, 6] as const) {
      const ip = firstAddress(pod, family);
      if (ip === undefined) continue;
      (family === 4 ? podClass4 : podClass6)[i] = builder.podClassFor(pod, family, builder.atomOfAddress(ip, family), sig, true);
    }
  }
  const externalBase = { 4: builder.kind.length, 6: builder.kind.length + inputs.atoms[4].count };
  for (const family of [4, 6] as const) {
    for (let a = 0; a < inputs.atoms[family].count; a++) builder.newClass(EXTERNAL, 0, family, a, -1);
  }
  const namespaceNames = [...cluster.namespaces.keys()];
  const undeclared = new Set<string>();
  for (const p of cluster.pods) {
    if (cluster.namespaces.has(p.namespace) || undeclared.has(p.namespace)) continue;
    undeclared.add(p.namespace);
    namespaceNames.push(p.namespace);
  }
  const namespaceIndex = new LabelIndex();
  for (const n of namespaceNames) namespaceIndex.add(cluster.namespaces.get(n)?.labels ?? { [NAMESPACE_NAME_LABEL]: n });
  return { builder, signatures, classCount: builder.kind.length, podNumbers: new PodNumbers(cluster.pods), podClass4, podClass6, externalBase, namespaceNames, namespaceIndex };
}
