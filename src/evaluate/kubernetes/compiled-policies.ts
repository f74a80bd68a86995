// The reference engine's compiled form: endpoints grouped into classes that no policy can tell apart, and every
// selection (policy targets, rule peers) as a set of classes.
//
// Two endpoints are in the same class when they are of the same kind (selectable pod, hostNetwork pod,
// external address) and family, their addresses lie in the same address atom (see address-atoms.ts), they
// resolve every named port the policies use to the same numbers, and, for selectable pods, they share
// namespace and labels. Such endpoints are isolated by the same policies, matched by the same peers, and match
// the same ports as destinations: every verdict is the same for them (a pod's traffic to itself aside).
import { effectiveRules, type NetworkPolicy, type PolicyPort, type PolicyRule } from '../../k8s/network-policy.ts';
import { podId } from '../../k8s/pod.ts';
import type { Cluster } from '../../k8s/cluster.ts';
import type { Endpoint } from '../endpoint.ts';
import { ClassListsBuilder, type ClassLists } from './class-lists.ts';
import { ClassSelections } from './class-selections.ts';
import { ALL_CLASSES, classSetOf, unionOf, type ClassSet } from './class-set.ts';
import { classifyCluster, firstAddress, policyInputs, type ClusterClasses, type NamedPortRef } from './endpoint-class-builder.ts';
import { ruleShapeKey } from './packed-key.ts';

export { EXTERNAL, HOST_POD, SELECTABLE_POD, type NamedPortRef } from './endpoint-class-builder.ts';

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

/** Rule shapes (peer set, port list), each made once, with their port lists deduplicated. */
class RuleShapes {
  /** Deduplicated port lists; 0 (undefined) is every port. */
  readonly portLists: (readonly PolicyPort[] | undefined)[] = [undefined];
  readonly rules: RuleShape[] = [];
  readonly #portListIds = new Map<string, number>();
  readonly #ruleIds = new Map<number, number>();
  readonly #ruleIdsOnEveryPort = new Map<number, number>();
  readonly #selections: ClassSelections;

  constructor(selections: ClassSelections) {
    this.#selections = selections;
  }

  #portListOf(ports: readonly PolicyPort[] | undefined): number {
    if (!ports) return 0;
    const key = JSON.stringify(ports.map((p) => [p.protocol, p.port ?? null, p.endPort ?? null]));
    let id = this.#portListIds.get(key);
    if (id === undefined) {
      id = this.portLists.length;
      this.portLists.push(ports);
      this.#portListIds.set(key, id);
    }
    return id;
  }

  /** The shape id of a rule of a policy of namespace `ns`. */
  of(rule: PolicyRule, ns: string): number {
    const peers = this.#selections.peerSetOf(rule, ns);
    const ports = this.#portListOf(rule.ports);
    // Rules on every port by their peer set's id alone (most rules; a packed key beyond 2^31 is a heap number).
    const key = ports === 0 ? peers : ruleShapeKey(peers, ports);
    const ids = ports === 0 ? this.#ruleIdsOnEveryPort : this.#ruleIds;
    let id = ids.get(key);
    if (id === undefined) {
      id = this.rules.length;
      this.rules.push({ peers, ports });
      ids.set(key, id);
    }
    return id;
  }
}

/** Per class whether some policy isolates it, its ingress rule shapes, and per egress shape the target sets. */
interface Isolation {
  readonly ingressIsolated: Uint8Array;
  readonly ingressRules: ClassLists;
  readonly egressIsolated: Uint8Array;
  /** Per egress rule shape: the set ids of the targets of the policies that have it. */
  readonly egressSources: Map<number, Set<number>>;
}

/** Ingress: per class, whether isolated and the rule shapes of the policies selecting it; egress: by shape. */
function isolationOf(policies: readonly NetworkPolicy[], selections: ClassSelections, shapes: RuleShapes, classCount: number): Isolation {
  const ingressIsolated = new Uint8Array(classCount);
  const ingressLists = new ClassListsBuilder(classCount);
  const egressIsolated = new Uint8Array(classCount);
  const egressSources = new Map<number, Set<number>>();
  for (const p of policies) {
    const wantsIn = p.policyTypes.includes('Ingress');
    const wantsOut = p.policyTypes.includes('Egress');
    if (!wantsIn && !wantsOut) continue;
    const targetsId = selections.targetsOf(p);
    const targets = selections.sets[targetsId].ids;
    if (wantsIn) {
      const ruleShapes = effectiveRules(p, 'Ingress').map((r) => shapes.of(r, p.namespace));
      for (let i = 0; i < targets.length; i++) {
        const c = targets[i];
        ingressIsolated[c] = 1;
        for (const s of ruleShapes) ingressLists.add(c, s);
      }
    }
    if (wantsOut) {
      for (let i = 0; i < targets.length; i++) egressIsolated[targets[i]] = 1;
      for (const r of effectiveRules(p, 'Egress')) {
        const shape = shapes.of(r, p.namespace);
        let srcs = egressSources.get(shape);
        if (!srcs) egressSources.set(shape, (srcs = new Set()));
        srcs.add(targetsId);
      }
    }
  }
  return { ingressIsolated, ingressRules: ingressLists.build(), egressIsolated, egressSources };
}

type EgressIndex = Pick<CompiledPolicies, 'egressGroups' | 'universalEgressGroups' | 'egressGroupsAt' | 'anyEgressIsolation' | 'notEgressIsolated'>;

/** Egress: groups of same-shaped rules, indexed by the classes their peers hold. */
function egressIndexOf(isolation: Isolation, sets: readonly ClassSet[], rules: readonly RuleShape[], classCount: number): EgressIndex {
  const egressGroups: EgressGroup[] = [];
  const universalEgressGroups: number[] = [];
  const groupsAt = new ClassListsBuilder(classCount);
  for (const [rule, targetIds] of isolation.egressSources) {
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
  const notIsolated: number[] = [];
  let anyEgressIsolation = false;
  for (let c = 0; c < classCount; c++) {
    if (isolation.egressIsolated[c]) anyEgressIsolation = true;
    else notIsolated.push(c);
  }
  return {
    egressGroups, universalEgressGroups, egressGroupsAt: groupsAt.build(), anyEgressIsolation,
    notEgressIsolated: anyEgressIsolation ? classSetOf(notIsolated, classCount) : ALL_CLASSES,
  };
}

/** An endpoint's class and its pod's number, for endpoints of the compiled cluster and beyond. */
function endpointLookups(cluster: Cluster, classes: ClusterClasses): Pick<CompiledPolicies, 'classOf' | 'podNumber'> {
  const { builder, podNumbers, podClass4, podClass6, externalBase, signatures } = classes;
  // Pod numbers by id, built only when an endpoint carries a pod object that is not the cluster's own.
  let podIdIndex: Map<string, number> | undefined;
  const podNumber = (e: Endpoint): number => {
    if (e.kind !== 'pod') return -1;
    const i = podNumbers.indexOf(e.pod);
    if (i >= 0) return i;
    podIdIndex ??= new Map(cluster.pods.map((p, k) => [podId(p), k]));
    return podIdIndex.get(podId(e.pod)) ?? -1;
  };
  const classOf = (e: Endpoint): number => {
    if (e.kind === 'external') return externalBase[e.family] + builder.atomOfAddress(e.ip, e.family);
    const i = podNumbers.indexOf(e.pod);
    if (i >= 0 && e.ip === firstAddress(e.pod, e.family)) return (e.family === 4 ? podClass4 : podClass6)[i];
    const sig = signatures.of(e.pod, false);
    if (sig < 0) return -1;
    return builder.podClassFor(e.pod, e.family, builder.atomOfAddress(e.ip, e.family), sig, false);
  };
  return { classOf, podNumber };
}

/** Compiles policies over a cluster's pods (every pod with an address, whatever its phase). */
export function compilePolicies(cluster: Cluster, policies: readonly NetworkPolicy[]): CompiledPolicies {
  const inputs = policyInputs(policies);
  const classes = classifyCluster(cluster, inputs);
  const { classCount, builder } = classes;
  const selections = new ClassSelections(classes);
  const shapes = new RuleShapes(selections);
  const isolation = isolationOf(policies, selections, shapes, classCount);
  return {
    classCount,
    kind: Uint8Array.from(builder.kind),
    signature: Int32Array.from(builder.signature),
    signatures: classes.signatures.signatures,
    namedPorts: inputs.namedPorts,
    namedPortIndex: inputs.namedPortIndex,
    sets: selections.sets,
    portLists: shapes.portLists,
    rules: shapes.rules,
    ingressIsolated: isolation.ingressIsolated,
    ingressRules: isolation.ingressRules,
    egressIsolated: isolation.egressIsolated,
    ...egressIndexOf(isolation, selections.sets, shapes.rules, classCount),
    ...endpointLookups(cluster, classes),
    podCount: cluster.pods.length,
  };
}
