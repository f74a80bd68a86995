import type { Protocol } from '../../k8s/protocol.ts';

/** The API group and version of every object np2dfw realizes for Antrea. */
export const ANTREA_API_VERSION = 'crd.antrea.io/v1beta1';

/** metav1.LabelSelector as it is written in an Antrea object (both parts optional). */
export interface AntreaLabelSelector {
  /** Exact label matches, ANDed. */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** Requirements, ANDed with matchLabels. */
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values?: readonly string[];
  }[];
}

/** An ipBlock: a CIDR, minus the `except` CIDRs inside it. */
export interface AntreaIPBlock {
  readonly cidr: string;
  readonly except?: readonly string[];
}

/** The metadata np2dfw sets on an object (cluster-scoped: no namespace). */
export interface AntreaObjectMeta {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** crd.antrea.io/v1beta1 Tier. */
export interface Tier {
  readonly apiVersion: typeof ANTREA_API_VERSION;
  readonly kind: 'Tier';
  readonly metadata: AntreaObjectMeta;
  readonly spec: {
    /** 0-255, lower first; unique among tiers. */
    readonly priority: number;
    readonly description?: string;
  };
}

/**
 * crd.antrea.io/v1beta1 ClusterGroup: at most one kind of selection (podSelector and/or namespaceSelector,
 * ipBlocks, or childGroups). A podSelector without namespaceSelector selects pods of every namespace.
 */
export interface ClusterGroup {
  readonly apiVersion: typeof ANTREA_API_VERSION;
  readonly kind: 'ClusterGroup';
  readonly metadata: AntreaObjectMeta;
  readonly spec: {
    readonly podSelector?: AntreaLabelSelector;
    readonly namespaceSelector?: AntreaLabelSelector;
    readonly ipBlocks?: readonly AntreaIPBlock[];
    /** Names of ClusterGroups whose members this group unites (one level only). */
    readonly childGroups?: readonly string[];
  };
}

/** Where a policy or rule applies: a ClusterGroup, or selectors. */
export interface AntreaAppliedTo {
  readonly group?: string;
  readonly podSelector?: AntreaLabelSelector;
  readonly namespaceSelector?: AntreaLabelSelector;
}

/** A rule's peer: exactly one of a group, selectors (ANDed when both), or an ipBlock. */
export interface AntreaPeer {
  readonly group?: string;
  readonly podSelector?: AntreaLabelSelector;
  readonly namespaceSelector?: AntreaLabelSelector;
  readonly ipBlock?: AntreaIPBlock;
}

/** A destination port (or range) of one protocol; `port` may be a container port name. No `port`: every port. */
export interface AntreaPort {
  readonly protocol: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** What a rule does to the traffic it matches. Pass hands it to the Kubernetes NetworkPolicies. */
export type AntreaAction = 'Allow' | 'Drop' | 'Reject' | 'Pass';

/** One ingress (`from`) or egress (`to`) rule of a ClusterNetworkPolicy. Absent peers or ports: any. */
export interface AntreaRule {
  readonly name: string;
  readonly action: AntreaAction;
  readonly appliedTo?: readonly AntreaAppliedTo[];
  readonly from?: readonly AntreaPeer[];
  readonly to?: readonly AntreaPeer[];
  readonly ports?: readonly AntreaPort[];
}

/** crd.antrea.io/v1beta1 ClusterNetworkPolicy. */
export interface ClusterNetworkPolicy {
  readonly apiVersion: typeof ANTREA_API_VERSION;
  readonly kind: 'ClusterNetworkPolicy';
  readonly metadata: AntreaObjectMeta;
  readonly spec: {
    /** The Tier's name; Antrea's default is `application`. */
    readonly tier: string;
    /** 1.0-10000.0, lower first within the tier. */
    readonly priority: number;
    readonly appliedTo?: readonly AntreaAppliedTo[];
    readonly ingress?: readonly AntreaRule[];
    readonly egress?: readonly AntreaRule[];
  };
}

/** Every Antrea object of one realization, in the order `kubectl apply` should create them. */
export interface AntreaObjects {
  readonly tiers: readonly Tier[];
  readonly clusterGroups: readonly ClusterGroup[];
  readonly policies: readonly ClusterNetworkPolicy[];
}

/** Any object np2dfw realizes for Antrea. */
export type AntreaObject = Tier | ClusterGroup | ClusterNetworkPolicy;

/** The objects as one list: tiers, then groups (children before parents), then policies. */
export function allAntreaObjects(objects: AntreaObjects): AntreaObject[] {
  return [...objects.tiers, ...objects.clusterGroups, ...objects.policies];
}
