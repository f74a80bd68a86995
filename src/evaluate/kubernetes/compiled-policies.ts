// The reference engine's compiled form: endpoints grouped into classes that no policy can tell apart, and every
// selection (policy targets, rule peers) as a set of classes.
//
// Two endpoints are in the same class when they are of the same kind (selectable pod, hostNetwork pod,
// external address) and family, their addresses lie in the same address atom (see address-atoms.ts), they
// resolve every named port the policies use to the same numbers, and, for selectable pods, they share
// namespace and labels. Such endpoints are isolated by the same policies, matched by the same peers, and match
// the same ports as destinations: every verdict is the same for them (a pod's traffic to itself aside).
import { NAMESPACE_NAME_LABEL, selectorKey, type LabelSelector, type Labels } from '../../k8s/labels.ts';
import { effectiveRules, type NetworkPolicy, type PolicyPeer, type PolicyPort, type PolicyRule, type PolicyType } from '../../k8s/network-policy.ts';
import { podId, resolveNamedPort, type Pod } from '../../k8s/pod.ts';
import type { Protocol } from '../../k8s/protocol.ts';
import type { Cluster } from '../../k8s/cluster.ts';
import { addressValue, type Family } from '../../net/ip-address.ts';
import type { Endpoint } from '../endpoint.ts';
import { ipBlockAtoms, type FamilyAtoms } from './address-atoms.ts';
import { ClassListsBuilder, type ClassLists } from './class-lists.ts';
import { ALL_CLASSES, classSetOf, NO_CLASSES, unionOf, type ClassSet } from './class-set.ts';
import { parsedIpBlock } from './endpoint-match.ts';
import { LabelIndex } from './label-index.ts';
import { pairKey } from '../core/pair-key.ts';

/** Bounds of the numbered port signatures and port lists, for pair keys (far above what a cluster reaches). */
const SIGNATURE_LIMIT = 2 ** 20;
const PORT_LIST_LIMIT = 2 ** 26;

/** Class kinds. */
export const SELECTABLE_POD = 0;
/** A hostNetwork pod: matched by ipBlocks only, never isolated. */
export const HOST_POD = 1;
/** An address outside the cluster: matched by ipBlocks only, never isolated. */
export const EXTERNAL = 2;

/** A rule reduced to what decides it: the set of peer classes and the list of ports. */
export interface RuleShape {
  /** Index in `CompiledPolicies.sets` (0 = every class). */
  readonly peers: number;
  /** Index in `CompiledPolicies.portLists` (0 = every port). */
  readonly ports: number;
}

/** Egress rules of the same shape, with the union of the pods their policies select. */
export interface EgressGroup {
  /** Index in `CompiledPolicies.rules`. */
  readonly rule: number;
  /** The classes whose egress the rule allows. */
  readonly sources: ClassSet;
}

/** A named port some policy uses. */
export interface NamedPortRef {
  /** The port's name. */
  readonly name: string;
  /** The protocol the policy names it with. */
  readonly protocol: Protocol;
}

/** Policies compiled over a cluster's endpoint classes. */
export interface CompiledPolicies {
  /** The number of classes. */
  readonly classCount: number;
  /** Per class: SELECTABLE_POD, HOST_POD or EXTERNAL. */
  readonly kind: Uint8Array;
  /** Per class: its port signature (index in `signatures`; 0 = resolves no named port). */
  readonly signature: Int32Array;
  /** Per port signature: the number each `namedPorts` entry resolves to, -1 for none. */
  readonly signatures: readonly Int32Array[];
  /** The named ports the policies use. */
  readonly namedPorts: readonly NamedPortRef[];
  /** Index of a named port in `namedPorts` by `name/protocol`. */
  readonly namedPortIndex: ReadonlyMap<string, number>;
  /** Deduplicated class sets; 0 is every class. */
  readonly sets: readonly ClassSet[];
  /** Deduplicated port lists; 0 (undefined) is every port. */
  readonly portLists: readonly (readonly PolicyPort[] | undefined)[];
  /** Deduplicated rule shapes. */
  readonly rules: readonly RuleShape[];
  /** Per class: 1 when some policy isolates it for ingress. */
  readonly ingressIsolated: Uint8Array;
  /** Per class: the ingress rule shapes of the policies selecting it, ascending. */
  readonly ingressRules: ClassLists;
  /** Per class: 1 when some policy isolates it for egress. */
  readonly egressIsolated: Uint8Array;
  /** Whether any class is isolated for egress. */
  readonly anyEgressIsolation: boolean;
  /** The classes not isolated for egress. */
  readonly notEgressIsolated: ClassSet;
  /** Egress rules grouped by shape. */
  readonly egressGroups: readonly EgressGroup[];
  /** Egress groups whose peers are every class. */
  readonly universalEgressGroups: readonly number[];
  /** Per class: the egress groups whose peers hold it (universal groups excluded). */
  readonly egressGroupsAt: ClassLists;
  /** The class of an endpoint, or -1 when it is a pod unknown to the compiled cluster. */
  classOf(e: Endpoint): number;
  /** The number of pods of the compiled cluster. */
  readonly podCount: number;
  /** The index of a pod endpoint's pod in the cluster's pods (by object, else by namespace/name), or -1. */
  podNumber(e: Endpoint): number;
}

function labelsKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join('\u0001');
}

/** Compiles policies over a cluster's pods (every pod with an address, whatever its phase). */
export function compilePolicies(cluster: Cluster, policies: readonly NetworkPolicy[]): CompiledPolicies {
  const effective = (p: NetworkPolicy, d: PolicyType): readonly PolicyRule[] => effectiveRules(p, d);
  // selectorKey, computed once per selector object (a plain Map: it lives only as long as the compilation).
  const selectorKeys = new Map<LabelSelector, string>();
  const keyOf = (selector: LabelSelector): string => {
    let key = selectorKeys.get(selector);
    if (key === undefined) selectorKeys.set(selector, (key = selectorKey(selector)));
    return key;
  };

  // Named ports and ipBlocks the policies use.
  const namedPorts: NamedPortRef[] = [];
  const namedPortIndex = new Map<string, number>();
  const blocks = [];
  for (const p of policies) {
    for (const d of ['Ingress', 'Egress'] as const) {
      for (const r of effective(p, d)) {
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
  const atoms = ipBlockAtoms(blocks);

  // Port signatures: 0 resolves nothing.
  const signatures: Int32Array[] = [new Int32Array(namedPorts.length).fill(-1)];
  const signatureIds = new Map<string, number>([[signatures[0].join(','), 0]]);
  const signatureOf = (pod: Pod, create: boolean): number => {
    if (namedPorts.length === 0) return 0;
    const sig = new Int32Array(namedPorts.length);
    for (let i = 0; i < namedPorts.length; i++) sig[i] = resolveNamedPort(pod, namedPorts[i].name, namedPorts[i].protocol) ?? -1;
    const key = sig.join(',');
    let id = signatureIds.get(key);
    if (id === undefined && create) {
      id = signatures.length;
      signatures.push(sig);
      signatureIds.set(key, id);
    }
    return id ?? -1;
  };

  // Classes.
  const kind: number[] = [];
  const signature: number[] = [];
  // Label groups: selectable pods of one namespace with the same labels, by labels then namespace (few label
  // sets recur over many namespaces: few maps). Their classes: the first inline, further ones in a list.
  const groupsByLabels = new Map<string, Map<string, number>>();
  const groupExtraClasses: (number[] | undefined)[] = [];
  // Classes by (family, atom, signature) within a label group (the first one inline, most groups have one
  // class), and for hostNetwork pods.
  const groupFirstKey: number[] = [];
  const groupFirstClass: number[] = [];
  const groupMore: (Map<number, number> | undefined)[] = [];
  const hostClasses = new Map<number, number>();
  const nsIndexes = new Map<string, { index: LabelIndex; groups: number[] }>();
  const atomClasses = new Map<number, number[]>();
  const atomKey = (family: Family, atom: number): number => (family === 4 ? atom : -1 - atom);
  // A class within a label group is keyed by (atom, port signature, family): port signatures number far below 2^20.
  const subKey = (family: Family, atom: number, sig: number): number => pairKey(pairKey(atom, sig, SIGNATURE_LIMIT), family === 4 ? 0 : 1, 2);
  const labelKeys = new Map<Labels, string>();

  const newClass = (k: number, sig: number, family: Family, atom: number, group: number): number => {
    const id = kind.length;
    kind.push(k);
    signature.push(sig);
    const ak = atomKey(family, atom);
    const list = atomClasses.get(ak);
    if (list) list.push(id);
    else atomClasses.set(ak, [id]);
    if (group >= 0 && groupFirstClass[group] >= 0) (groupExtraClasses[group] ??= []).push(id);
    return id;
  };

  /** The label group of a selectable pod (created when `create`), or -1. */
  const groupOf = (pod: Pod, create: boolean): number => {
    let lk = labelKeys.get(pod.labels);
    if (lk === undefined) labelKeys.set(pod.labels, (lk = labelsKey(pod.labels)));
    let byNs = groupsByLabels.get(lk);
    if (!byNs) {
      if (!create) return -1;
      groupsByLabels.set(lk, (byNs = new Map()));
    }
    let g = byNs.get(pod.namespace);
    if (g === undefined) {
      if (!create) return -1;
      g = groupFirstKey.length;
      byNs.set(pod.namespace, g);
      groupExtraClasses.push(undefined);
      groupFirstKey.push(-1);
      groupFirstClass.push(-1);
      groupMore.push(undefined);
      let nsIndex = nsIndexes.get(pod.namespace);
      if (!nsIndex) nsIndexes.set(pod.namespace, (nsIndex = { index: new LabelIndex(), groups: [] }));
      nsIndex.index.add(pod.labels);
      nsIndex.groups.push(g);
    }
    return g;
  };

  /** The class of a pod at an address of this atom (created when `create`), or -1. */
  const podClassFor = (pod: Pod, family: Family, atom: number, sig: number, create: boolean): number => {
    const group = pod.hostNetwork ? -1 : groupOf(pod, create);
    if (!pod.hostNetwork && group < 0) return -1;
    const k = subKey(family, atom, sig);
    const kindOf = pod.hostNetwork ? HOST_POD : SELECTABLE_POD;
    if (pod.hostNetwork) {
      let id = hostClasses.get(k);
      if (id === undefined) {
        if (!create) return -1;
        hostClasses.set(k, (id = newClass(kindOf, sig, family, atom, -1)));
      }
      return id;
    }
    if (groupFirstKey[group] === k) return groupFirstClass[group];
    let id = groupMore[group]?.get(k);
    if (id !== undefined) return id;
    if (!create) return -1;
    id = newClass(kindOf, sig, family, atom, group);
    if (groupFirstKey[group] < 0) {
      groupFirstKey[group] = k;
      groupFirstClass[group] = id;
    } else {
      (groupMore[group] ??= new Map()).set(k, id);
    }
    return id;
  };
  const atomOfAddress = (ip: string, family: Family): number => {
    const fa = family === 4 ? atoms[4] : atoms[6];
    return fa.bounds.length === 0 ? 0 : fa.atomOf(addressValue(ip, family));
  };
  const firstAddress = (pod: Pod, family: Family): string | undefined => {
    for (const ip of pod.ips) if ((ip.indexOf(':') < 0 ? 4 : 6) === family) return ip;
    return undefined;
  };

  // Every pod with an address: its class per family (of its first address of that family).
  const podIndex = new Map<Pod, number>();
  const podClass4 = new Int32Array(cluster.pods.length).fill(-1);
  const podClass6 = new Int32Array(cluster.pods.length).fill(-1);
  for (let i = 0; i < cluster.pods.length; i++) {
    const pod = cluster.pods[i];
    if (pod.ips.length === 0) continue;
    podIndex.set(pod, i);
    const sig = signatureOf(pod, true);
    for (const family of [4, 6] as const) {
      const ip = firstAddress(pod, family);
      if (ip === undefined) continue;
      (family === 4 ? podClass4 : podClass6)[i] = podClassFor(pod, family, atomOfAddress(ip, family), sig, true);
    }
  }
  const externalBase = { 4: kind.length, 6: kind.length + atoms[4].count };
  for (const family of [4, 6] as const) {
    const fa: FamilyAtoms = atoms[family];
    for (let a = 0; a < fa.count; a++) newClass(EXTERNAL, 0, family, a, -1);
  }
  const classCount = kind.length;

  // Namespaces, indexed by their labels.
  const nsNames = [...new Set([...cluster.namespaces.keys(), ...cluster.pods.map((p) => p.namespace)])];
  const nsIndex = new LabelIndex();
  for (const n of nsNames) nsIndex.add(cluster.namespaces.get(n)?.labels ?? { [NAMESPACE_NAME_LABEL]: n });

  // Selections, cached.
  const podsInCache = new Map<string, Map<string, number[]>>();
  const groupClasses = (g: number, out: number[]): void => {
    if (groupFirstClass[g] >= 0) out.push(groupFirstClass[g]);
    const extra = groupExtraClasses[g];
    if (extra) for (const c of extra) out.push(c);
  };
  const podsIn = (ns: string, selector: LabelSelector | undefined): number[] => {
    const key = selector ? keyOf(selector) : '*';
    let byNs = podsInCache.get(key);
    if (!byNs) podsInCache.set(key, (byNs = new Map()));
    let out = byNs.get(ns);
    if (out) return out;
    out = [];
    const idx = nsIndexes.get(ns);
    if (idx) {
      const local = selector ? idx.index.select(selector) : idx.groups.map((_, i) => i);
      for (const l of local) groupClasses(idx.groups[l], out);
    }
    byNs.set(ns, out);
    return out;
  };
  const nsCache = new Map<string, string[]>();
  const namespacesMatching = (selector: LabelSelector): string[] => {
    const key = keyOf(selector);
    let out = nsCache.get(key);
    if (!out) nsCache.set(key, (out = nsIndex.select(selector).map((i) => nsNames[i])));
    return out;
  };

  const sets: ClassSet[] = [ALL_CLASSES];
  const setIds = new Map<string, number>();
  const internSet = (key: string, make: () => ClassSet): number => {
    let id = setIds.get(key);
    if (id === undefined) {
      id = sets.length;
      sets.push(make());
      setIds.set(key, id);
    }
    return id;
  };
  // One ClassSet per cached selection list: a policy's targets and a peer with the same selector share it.
  const setsOfLists = new Map<number[], ClassSet>();
  const classSetFor = (list: number[]): ClassSet => {
    let set = setsOfLists.get(list);
    if (!set) setsOfLists.set(list, (set = classSetOf(list, classCount)));
    return set;
  };
  // Set ids by set object: a shared selection set gets one id, without a string key.
  const idsOfSets = new Map<ClassSet, number>();
  const setIdOf = (set: ClassSet): number => {
    let id = idsOfSets.get(set);
    if (id === undefined) {
      id = sets.length;
      sets.push(set);
      idsOfSets.set(set, id);
    }
    return id;
  };

  const targetIds = new Map<string, Map<string, number>>();
  const targetsOf = (p: NetworkPolicy): number => {
    const key = keyOf(p.podSelector);
    let byNs = targetIds.get(key);
    if (!byNs) targetIds.set(key, (byNs = new Map()));
    let id = byNs.get(p.namespace);
    if (id === undefined) {
      id = setIdOf(classSetFor(podsIn(p.namespace, p.podSelector)));
      byNs.set(p.namespace, id);
    }
    return id;
  };

  const peerKey = (peer: PolicyPeer, ns: string): string => {
    if (peer.ipBlock) return `i${peer.ipBlock.cidr}|${peer.ipBlock.except.join(',')}`;
    if (!peer.podSelector && !peer.namespaceSelector) return 'none';
    return `s${peer.namespaceSelector ? keyOf(peer.namespaceSelector) : `@${ns}`}|${peer.podSelector ? keyOf(peer.podSelector) : '*'}`;
  };
  const peerClasses = (peer: PolicyPeer, ns: string): number[] => {
    if (peer.ipBlock) {
      const block = parsedIpBlock(peer.ipBlock);
      const out: number[] = [];
      for (const a of atoms[block.family].atomsMatching(block)) for (const c of atomClasses.get(atomKey(block.family, a)) ?? []) out.push(c);
      return out;
    }
    if (!peer.podSelector && !peer.namespaceSelector) return [];
    const spaces = peer.namespaceSelector ? namespacesMatching(peer.namespaceSelector) : [ns];
    const out: number[] = [];
    for (const n of spaces) for (const c of podsIn(n, peer.podSelector)) out.push(c);
    return out;
  };
  const peerSetOf = (rule: PolicyRule, ns: string): number => {
    if (!rule.peers) return 0;
    if (rule.peers.length === 1 && rule.peers[0].podSelector && !rule.peers[0].namespaceSelector && !rule.peers[0].ipBlock) {
      return setIdOf(classSetFor(podsIn(ns, rule.peers[0].podSelector)));
    }
    const keys = rule.peers.map((peer) => peerKey(peer, ns));
    return internSet(keys.length === 1 ? keys[0] : [...new Set(keys)].sort().join('\n'), () => {
      const parts: ClassSet[] = [];
      const seen = new Set<string>();
      rule.peers!.forEach((peer, i) => {
        if (seen.has(keys[i])) return;
        seen.add(keys[i]);
        parts.push(internedPeer(peer, ns, keys[i]));
      });
      return parts.length === 0 ? NO_CLASSES : unionOf(parts, classCount);
    });
  };
  const peerSets = new Map<string, ClassSet>();
  const internedPeer = (peer: PolicyPeer, ns: string, key: string): ClassSet => {
    let s = peerSets.get(key);
    if (!s) {
      // A selector peer within one namespace is a cached selection: share its set.
      const oneNamespace = !peer.ipBlock && !peer.namespaceSelector && peer.podSelector;
      s = oneNamespace ? classSetFor(podsIn(ns, peer.podSelector)) : classSetOf(peerClasses(peer, ns), classCount);
      peerSets.set(key, s);
    }
    return s;
  };

  const portLists: (readonly PolicyPort[] | undefined)[] = [undefined];
  const portListIds = new Map<string, number>();
  const portListOf = (ports: readonly PolicyPort[] | undefined): number => {
    if (!ports) return 0;
    const key = JSON.stringify(ports.map((p) => [p.protocol, p.port ?? null, p.endPort ?? null]));
    let id = portListIds.get(key);
    if (id === undefined) {
      id = portLists.length;
      portLists.push(ports);
      portListIds.set(key, id);
    }
    return id;
  };
  const rules: RuleShape[] = [];
  const ruleIds = new Map<number, number>();
  const ruleOf = (rule: PolicyRule, ns: string): number => {
    const peers = peerSetOf(rule, ns);
    const ports = portListOf(rule.ports);
    const key = pairKey(peers, ports, PORT_LIST_LIMIT);
    let id = ruleIds.get(key);
    if (id === undefined) {
      id = rules.length;
      rules.push({ peers, ports });
      ruleIds.set(key, id);
    }
    return id;
  };

  // Ingress: per class, whether isolated and the rule shapes of the policies selecting it.
  const ingressIsolated = new Uint8Array(classCount);
  const ingressLists = new ClassListsBuilder(classCount);
  const egressIsolated = new Uint8Array(classCount);
  const egressSources = new Map<number, Set<number>>();
  for (const p of policies) {
    const wantsIn = p.policyTypes.includes('Ingress');
    const wantsOut = p.policyTypes.includes('Egress');
    if (!wantsIn && !wantsOut) continue;
    const targetsId = targetsOf(p);
    const targets = sets[targetsId].ids;
    if (wantsIn) {
      const shapes = effective(p, 'Ingress').map((r) => ruleOf(r, p.namespace));
      for (let i = 0; i < targets.length; i++) {
        const c = targets[i];
        ingressIsolated[c] = 1;
        for (const s of shapes) ingressLists.add(c, s);
      }
    }
    if (wantsOut) {
      for (let i = 0; i < targets.length; i++) egressIsolated[targets[i]] = 1;
      for (const r of effective(p, 'Egress')) {
        const shape = ruleOf(r, p.namespace);
        let srcs = egressSources.get(shape);
        if (!srcs) egressSources.set(shape, (srcs = new Set()));
        srcs.add(targetsId);
      }
    }
  }
  const ingressRules = ingressLists.build();

  // Egress: groups of same-shaped rules, indexed by the classes their peers hold.
  const egressGroups: EgressGroup[] = [];
  const universalEgressGroups: number[] = [];
  const groupsAt = new ClassListsBuilder(classCount);
  for (const [rule, targetIds] of egressSources) {
    const sources = unionOf([...targetIds].map((t) => sets[t]), classCount);
    if (!sources.all && sources.ids.length === 0) continue;
    const g = egressGroups.length;
    egressGroups.push({ rule, sources });
    const peers = sets[rules[rule].peers];
    if (peers.all) {
      universalEgressGroups.push(g);
      continue;
    }
    for (let i = 0; i < peers.ids.length; i++) groupsAt.add(peers.ids[i], g);
  }
  const egressGroupsAt = groupsAt.build();
  const notIsolated: number[] = [];
  let anyEgressIsolation = false;
  for (let c = 0; c < classCount; c++) {
    if (egressIsolated[c]) anyEgressIsolation = true;
    else notIsolated.push(c);
  }

  // Pod numbers by id, built only when an endpoint carries a pod object that is not the cluster's own.
  let podIdIndex: Map<string, number> | undefined;
  const podNumber = (e: Endpoint): number => {
    if (e.kind !== 'pod') return -1;
    const i = podIndex.get(e.pod);
    if (i !== undefined) return i;
    podIdIndex ??= new Map(cluster.pods.map((p, k) => [podId(p), k]));
    return podIdIndex.get(podId(e.pod)) ?? -1;
  };

  const classOf = (e: Endpoint): number => {
    if (e.kind === 'external') return externalBase[e.family] + atomOfAddress(e.ip, e.family);
    const i = podIndex.get(e.pod);
    if (i !== undefined && e.ip === firstAddress(e.pod, e.family)) return (e.family === 4 ? podClass4 : podClass6)[i];
    const sig = signatureOf(e.pod, false);
    if (sig < 0) return -1;
    return podClassFor(e.pod, e.family, atomOfAddress(e.ip, e.family), sig, false);
  };

  return {
    classCount,
    kind: Uint8Array.from(kind),
    signature: Int32Array.from(signature),
    signatures,
    namedPorts,
    namedPortIndex,
    sets,
    portLists,
    rules,
    ingressIsolated,
    ingressRules,
    egressIsolated,
    anyEgressIsolation,
    notEgressIsolated: anyEgressIsolation ? classSetOf(notIsolated, classCount) : ALL_CLASSES,
    egressGroups,
    universalEgressGroups,
    egressGroupsAt,
    classOf,
    podCount: cluster.pods.length,
    podNumber,
  };
}
